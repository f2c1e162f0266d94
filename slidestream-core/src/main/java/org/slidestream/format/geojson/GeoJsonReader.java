package org.slidestream.format.geojson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.slidestream.format.FormatException;

/**
 * Streams features out of GeoJSON: a FeatureCollection (its {@code features} array is read one
 * feature at a time, so memory follows the largest feature, not the file), a single Feature, a
 * bare geometry, or an array of features and geometries (QuPath exports both forms).
 */
final class GeoJsonReader {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final GeometryFactory geometries;
    private final Path file;
    private final Consumer<GeoFeature> sink;

    GeoJsonReader(GeometryFactory geometries, Path file, Consumer<GeoFeature> sink) {
        this.geometries = geometries;
        this.file = file;
        this.sink = sink;
    }

    static JsonParser parser(Path file) throws IOException {
        return FACTORY.createParser(file.toFile());
    }

    static JsonParser parser(String json) throws IOException {
        return FACTORY.createParser(json);
    }

    void read(JsonParser p) throws IOException {
        try (p) {
            JsonToken t = p.nextToken();
            if (t == null) throw new FormatException(file, "empty file, not GeoJSON");
            switch (t) {
                case START_ARRAY -> {
                    int index = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) emit(p, "[" + index++ + "]");
                }
                case START_OBJECT -> topObject(p);
                default -> throw error(p.currentTokenLocation(), "expected a GeoJSON object or array, found " + t);
            }
            if (p.nextToken() != null) throw error(p.currentTokenLocation(), "unexpected content after the GeoJSON value");
        } catch (StreamReadException e) {
            JsonLocation at = e.getLocation();
            throw new FormatException(file, at == null ? -1 : at.getLineNr(), at == null ? -1 : at.getColumnNr(),
                    "invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The top object: its {@code features} are streamed as they come; the other members are
     * kept, and when there was no {@code features} the object itself is a Feature or a geometry.
     */
    private void topObject(JsonParser p) throws IOException {
        JsonLocation start = p.currentTokenLocation();
        ObjectNode rest = MAPPER.createObjectNode();
        boolean sawFeatures = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("features") && v == JsonToken.START_ARRAY) {
                sawFeatures = true;
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) emit(p, "features[" + index++ + "]");
            } else {
                rest.set(name, p.readValueAsTree());
            }
        }
        String type = rest.path("type").asText("");
        if (sawFeatures || type.equals("FeatureCollection")) {
            if (!type.equals("FeatureCollection")) throw error(start, "an object with 'features' must have type FeatureCollection, not '" + type + "'");
            return;
        }
        sink.accept(feature(rest, start, ""));
    }

    /** Reads the value at the parser (a Feature or a geometry) and hands it on. */
    private void emit(JsonParser p, String where) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        if (p.currentToken() != JsonToken.START_OBJECT) throw error(at, where + ": expected a Feature object");
        JsonNode node = p.readValueAsTree();
        sink.accept(feature(node, at, where));
    }

    private GeoFeature feature(JsonNode node, JsonLocation at, String where) throws FormatException {
        try {
            String type = node.path("type").asText("");
            if (!type.equals("Feature")) {
                // A bare geometry, as QuPath's "export geometry" writes it.
                return new GeoFeature(null, geometry(node, where), Map.of());
            }
            JsonNode id = node.get("id");
            JsonNode g = node.get("geometry");
            Geometry geometry = g == null || g.isNull() ? null : geometry(g, prefix(where, "geometry"));
            JsonNode props = node.get("properties");
            Map<String, Object> properties = new LinkedHashMap<>();
            if (props != null && props.isObject()) {
                props.properties().forEach(e -> properties.put(e.getKey(), value(e.getValue())));
            } else if (props != null && !props.isNull()) {
                throw new Invalid(prefix(where, "properties") + ": expected an object");
            }
            return new GeoFeature(id == null || id.isNull() ? null : id.asText(), geometry, properties);
        } catch (Invalid e) {
            throw error(at, e.getMessage());
        }
    }

    private static String prefix(String where, String member) {
        return where.isEmpty() ? member : where + "." + member;
    }

    private Geometry geometry(JsonNode g, String where) {
        String type = g.path("type").asText("");
        if (type.equals("GeometryCollection")) {
            JsonNode parts = g.path("geometries");
            if (!parts.isArray()) throw new Invalid(where + ": GeometryCollection without 'geometries'");
            Geometry[] out = new Geometry[parts.size()];
            for (int i = 0; i < out.length; i++) out[i] = geometry(parts.get(i), where + ".geometries[" + i + "]");
            return geometries.createGeometryCollection(out);
        }
        JsonNode c = g.get("coordinates");
        if (type.isEmpty()) throw new Invalid((where.isEmpty() ? "" : where + ": ") + "not a Feature or geometry (no 'type')");
        String cw = where.isEmpty() ? "coordinates" : where + ".coordinates";
        return switch (type) {
            case "Point" -> geometries.createPoint(position(c, cw));
            case "MultiPoint" -> geometries.createMultiPointFromCoords(positions(c, cw, 0));
            case "LineString" -> line(c, cw);
            case "MultiLineString" -> {
                LineString[] lines = new LineString[array(c, cw).size()];
                for (int i = 0; i < lines.length; i++) lines[i] = line(c.get(i), cw + "[" + i + "]");
                yield geometries.createMultiLineString(lines);
            }
            case "Polygon" -> polygon(c, cw);
            case "MultiPolygon" -> {
                Polygon[] polys = new Polygon[array(c, cw).size()];
                for (int i = 0; i < polys.length; i++) polys[i] = polygon(c.get(i), cw + "[" + i + "]");
                yield geometries.createMultiPolygon(polys);
            }
            default -> throw new Invalid(where + (where.isEmpty() ? "" : ": ") + "unsupported geometry type '" + type + "'");
        };
    }

    private LineString line(JsonNode c, String where) {
        return geometries.createLineString(positions(c, where, 2));
    }

    private Polygon polygon(JsonNode c, String where) {
        JsonNode rings = array(c, where);
        if (rings.isEmpty()) return geometries.createPolygon();
        LinearRing shell = ring(rings.get(0), where + "[0]");
        LinearRing[] holes = new LinearRing[rings.size() - 1];
        for (int i = 0; i < holes.length; i++) holes[i] = ring(rings.get(i + 1), where + "[" + (i + 1) + "]");
        return geometries.createPolygon(shell, holes);
    }

    /** A ring; one left open is closed (some writers omit the repeated first position). */
    private LinearRing ring(JsonNode c, String where) {
        Coordinate[] pts = positions(c, where, 3);
        if (!pts[0].equals2D(pts[pts.length - 1])) {
            Coordinate[] closed = new Coordinate[pts.length + 1];
            System.arraycopy(pts, 0, closed, 0, pts.length);
            closed[pts.length] = pts[0].copy();
            pts = closed;
        }
        if (pts.length < 4) throw new Invalid(where + ": a polygon ring needs at least 3 distinct positions");
        return geometries.createLinearRing(pts);
    }

    private static JsonNode array(JsonNode c, String where) {
        if (c == null || !c.isArray()) throw new Invalid(where + ": expected an array");
        return c;
    }

    private static Coordinate[] positions(JsonNode c, String where, int min) {
        JsonNode a = array(c, where);
        if (a.size() < min) throw new Invalid(where + ": expected at least " + min + " positions, found " + a.size());
        Coordinate[] out = new Coordinate[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = position(a.get(i), where + "[" + i + "]");
        return out;
    }

    private static Coordinate position(JsonNode c, String where) {
        if (c == null || !c.isArray() || c.size() < 2 || !c.get(0).isNumber() || !c.get(1).isNumber()
                || (c.size() > 2 && !c.get(2).isNumber())) {
            throw new Invalid(where + ": expected a position [x, y]");
        }
        return c.size() > 2 ? new Coordinate(c.get(0).doubleValue(), c.get(1).doubleValue(), c.get(2).doubleValue())
                : new Coordinate(c.get(0).doubleValue(), c.get(1).doubleValue());
    }

    /** A JSON value as plain Java values. */
    static Object value(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                n.properties().forEach(e -> m.put(e.getKey(), value(e.getValue())));
                yield m;
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>(n.size());
                for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) l.add(value(it.next()));
                yield l;
            }
            case STRING -> n.textValue();
            case NUMBER -> n.isIntegralNumber() && n.canConvertToLong() ? (Object) n.longValue() : (Object) n.doubleValue();
            case BOOLEAN -> n.booleanValue();
            default -> null;
        };
    }

    private FormatException error(JsonLocation at, String message) {
        return new FormatException(file, at == null ? -1 : at.getLineNr(), at == null ? -1 : at.getColumnNr(), message, null);
    }

    /** A structural problem inside one feature; reported at the feature's position. */
    private static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
