package org.slidestream.annotation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.slidestream.format.FormatException;

/**
 * ASAP XML (the CAMELYON format): {@code <Annotation Name Type PartOfGroup Color>} with
 * {@code <Coordinate Order X Y>} children; {@code PartOfGroup} is the class. Types: Polygon,
 * Rectangle, Spline (its control points as a closed polygon: ASAP draws a closed curve through
 * them), Dot, PointSet, Measurement (a line). Annotations of a hole group cut holes in every
 * region they overlap.
 */
final class AsapReader {
    private final Path file;
    private final Set<String> holeGroups;
    private final GeometryFactory gf;

    AsapReader(Path file, Set<String> holeGroups, GeometryFactory gf) {
        this.file = file;
        this.holeGroups = holeGroups;
        this.gf = gf;
    }

    private record Point(double order, int index, double x, double y) {}

    List<RawRegion> read() throws IOException {
        return Xml.read(file, this::parse);
    }

    private List<RawRegion> parse(XMLStreamReader r) throws XMLStreamException, FormatException {
        List<RawRegion> out = new ArrayList<>();
        Map<String, Integer> groupColors = new HashMap<>();
        String name = null, type = null, group = null;
        Integer color = null;
        List<Point> points = new ArrayList<>();
        boolean inAnnotation = false;
        int annotationLine = -1;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "Annotation" -> {
                        inAnnotation = true;
                        annotationLine = r.getLocation().getLineNumber();
                        name = Xml.attribute(r, "Name");
                        type = Xml.attribute(r, "Type");
                        group = Xml.attribute(r, "PartOfGroup");
                        color = parseColor(Xml.attribute(r, "Color"));
                        points.clear();
                    }
                    case "Coordinate" -> {
                        if (!inAnnotation) throw Xml.error(file, r, "<Coordinate> outside an <Annotation>");
                        String order = Xml.attribute(r, "Order");
                        double o;
                        try {
                            o = order == null ? points.size() : Double.parseDouble(order.strip());
                        } catch (NumberFormatException e) {
                            throw Xml.error(file, r, "<Coordinate> Order=\"" + order + "\" is not a number");
                        }
                        points.add(new Point(o, points.size(), Xml.number(file, r, "X"), Xml.number(file, r, "Y")));
                    }
                    case "Group" -> {
                        String g = Xml.attribute(r, "Name");
                        Integer c = parseColor(Xml.attribute(r, "Color"));
                        if (g != null && c != null) groupColors.put(g, c);
                    }
                    default -> { }
                }
            } else if (ev == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("Annotation")) {
                inAnnotation = false;
                String cls = group == null || group.isBlank() ? "None" : group;
                String where = "annotation " + (name == null ? "at line " + annotationLine : "'" + name + "'");
                points.sort(Comparator.comparingDouble(Point::order).thenComparingInt(Point::index));
                Geometry g = geometry(type, points, where, r);
                out.add(new RawRegion(g, cls, name, color, holeGroups.contains(cls), null));
            }
        }
        // Group colours (listed after the annotations) take precedence: ASAP shows annotations in their group's colour.
        out.replaceAll(a -> groupColors.containsKey(a.className()) && !a.hole()
                ? new RawRegion(a.geometry(), a.className(), a.name(), groupColors.get(a.className()), a.hole(), a.scope()) : a);
        return out;
    }

    private Geometry geometry(String type, List<Point> pts, String where, XMLStreamReader r) throws FormatException {
        Coordinate[] cs = pts.stream().map(p -> new Coordinate(p.x, p.y)).toArray(Coordinate[]::new);
        String t = type == null ? "polygon" : type.strip().toLowerCase(Locale.ROOT);
        if (cs.length == 0) throw Xml.error(file, r, where + ": no coordinates");
        return switch (t) {
            case "polygon", "spline", "rectangle" -> {
                if (cs.length < 3) throw Xml.error(file, r, where + ": a " + type + " needs at least 3 coordinates, found " + cs.length);
                yield t.equals("rectangle") ? box(cs) : Geometries.polygon(gf, cs);
            }
            case "dot" -> gf.createPoint(cs[0]);
            case "pointset" -> gf.createMultiPointFromCoords(cs);
            case "measurement" -> cs.length >= 2 ? gf.createLineString(cs) : gf.createPoint(cs[0]);
            default -> throw Xml.error(file, r, where + ": unsupported annotation type '" + type
                    + "' (Polygon, Rectangle, Spline, Dot, PointSet, Measurement)");
        };
    }

    /** ASAP stores a rectangle as its four corners; the box through them. */
    private Geometry box(Coordinate[] cs) {
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (Coordinate c : cs) {
            x0 = Math.min(x0, c.x); y0 = Math.min(y0, c.y); x1 = Math.max(x1, c.x); y1 = Math.max(y1, c.y);
        }
        if (cs.length == 4) return Geometries.polygon(gf, cs); // keep the corners as written (a rotated rectangle stays rotated)
        return Geometries.polygon(gf, new Coordinate[] {new Coordinate(x0, y0), new Coordinate(x1, y0), new Coordinate(x1, y1), new Coordinate(x0, y1)});
    }

    /** {@code #RRGGBB}, or null. */
    static Integer parseColor(String s) {
        if (s == null) return null;
        String v = s.strip();
        if (v.startsWith("#")) v = v.substring(1);
        if (v.length() != 6) return null;
        try {
            return Integer.parseInt(v, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
