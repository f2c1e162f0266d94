package org.slidestream.format.geojson;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryCollection;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiLineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.MultiPolygon;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * Writes a GeoJSON FeatureCollection one feature at a time, as QuPath writes and reads it:
 * {@code {"type": "Feature", "id": ..., "geometry": ..., "properties": {"objectType": "annotation",
 * "classification": {"name": ...}}}}, coordinates in level-0 pixels. Memory does not grow with the
 * number of features. {@link #close()} ends the collection.
 */
public final class GeoJsonWriter implements AutoCloseable {
    private final JsonGenerator out;
    private boolean closed;

    private GeoJsonWriter(JsonGenerator out) throws IOException {
        this.out = out;
        out.writeStartObject();
        out.writeStringField("type", "FeatureCollection");
        out.writeArrayFieldStart("features");
    }

    /** Writes to a file (replacing it). For an all-or-nothing file, write to {@code AtomicOutput.path()}. */
    public static GeoJsonWriter open(Path file) throws IOException {
        return open(Files.newOutputStream(file), true);
    }

    /** Writes to a stream, closed at the end when {@code closeStream}. */
    public static GeoJsonWriter open(OutputStream stream, boolean closeStream) throws IOException {
        JsonGenerator g = GeoJsonReader.MAPPER.getFactory().createGenerator(stream, JsonEncoding.UTF8);
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, closeStream);
        return new GeoJsonWriter(g);
    }

    public void write(GeoFeature f) throws IOException {
        if (closed) throw new IllegalStateException("GeoJSON writer is closed");
        out.writeStartObject();
        out.writeStringField("type", "Feature");
        if (f.id() != null) out.writeStringField("id", f.id());
        out.writeFieldName("geometry");
        if (f.geometry() == null) out.writeNull();
        else geometry(f.geometry());
        out.writeFieldName("properties");
        value(f.properties());
        out.writeEndObject();
    }

    private void geometry(Geometry g) throws IOException {
        out.writeStartObject();
        // A JTS LinearRing is a closed LineString to GeoJSON.
        out.writeStringField("type", g instanceof LineString ? "LineString" : g.getGeometryType());
        if (g instanceof GeometryCollection c && !(g instanceof MultiPoint || g instanceof MultiLineString || g instanceof MultiPolygon)) {
            out.writeArrayFieldStart("geometries");
            for (int i = 0; i < c.getNumGeometries(); i++) geometry(c.getGeometryN(i));
            out.writeEndArray();
        } else {
            out.writeFieldName("coordinates");
            coordinates(g);
        }
        out.writeEndObject();
    }

    private void coordinates(Geometry g) throws IOException {
        switch (g) {
            case Point p -> {
                if (p.isEmpty()) {
                    out.writeStartArray();
                    out.writeEndArray();
                } else {
                    position(p.getCoordinate());
                }
            }
            case LineString l -> positions(l.getCoordinates());
            case Polygon p -> {
                out.writeStartArray();
                if (!p.isEmpty()) {
                    positions(p.getExteriorRing().getCoordinates());
                    for (int i = 0; i < p.getNumInteriorRing(); i++) positions(p.getInteriorRingN(i).getCoordinates());
                }
                out.writeEndArray();
            }
            case MultiPoint m -> positions(m.getCoordinates());
            default -> { // MultiLineString, MultiPolygon
                out.writeStartArray();
                for (int i = 0; i < g.getNumGeometries(); i++) coordinates(g.getGeometryN(i));
                out.writeEndArray();
            }
        }
    }

    private void positions(Coordinate[] cs) throws IOException {
        out.writeStartArray();
        for (Coordinate c : cs) position(c);
        out.writeEndArray();
    }

    private void position(Coordinate c) throws IOException {
        out.writeStartArray();
        out.writeNumber(c.getX());
        out.writeNumber(c.getY());
        if (!Double.isNaN(c.getZ())) out.writeNumber(c.getZ());
        out.writeEndArray();
    }

    private void value(Object v) throws IOException {
        switch (v) {
            case null -> out.writeNull();
            case Map<?, ?> m -> {
                out.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.writeFieldName(String.valueOf(e.getKey()));
                    value(e.getValue());
                }
                out.writeEndObject();
            }
            case List<?> l -> {
                out.writeStartArray();
                for (Object o : l) value(o);
                out.writeEndArray();
            }
            default -> out.writeObject(v); // strings, numbers, booleans, arrays of them
        }
    }

    /** Ends the collection and the stream. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try (out) {
            out.writeEndArray();
            out.writeEndObject();
            out.writeRaw('\n');
        }
    }
}
