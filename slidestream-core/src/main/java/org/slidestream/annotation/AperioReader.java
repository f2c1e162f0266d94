package org.slidestream.annotation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.util.GeometricShapeFactory;
import org.slidestream.format.FormatException;

/**
 * Aperio ImageScope XML: {@code <Annotations MicronsPerPixel>} holding one {@code <Annotation>}
 * layer per class (the class is the layer's {@code Name}, else the name of its first
 * {@code <Attribute>}), each with {@code <Region Type NegativeROA>} of {@code <Vertex X Y>}.
 * Region types: 0 free-hand polygon, 1 rectangle, 2 ellipse (its bounding box), 3 arrow and
 * 4 ruler (lines). Regions with {@code NegativeROA="1"} cut holes in the regions of their layer.
 */
final class AperioReader {
    private static final int ELLIPSE_POINTS = 128;

    private final Path file;
    private final GeometryFactory gf;
    private Double mpp;

    AperioReader(Path file, GeometryFactory gf) {
        this.file = file;
        this.gf = gf;
    }

    /** {@code MicronsPerPixel} of the root element, or null when absent or not positive. */
    Double mpp() { return mpp; }

    private record Pending(Geometry geometry, String name, boolean negative) {}

    List<RawRegion> read() throws IOException {
        return Xml.read(file, this::parse);
    }

    private List<RawRegion> parse(XMLStreamReader r) throws XMLStreamException, FormatException {
        List<RawRegion> out = new ArrayList<>();
        List<Pending> regions = new ArrayList<>();
        List<Coordinate> vertices = new ArrayList<>();
        String layerName = null, layerId = null, attributeName = null, regionName = null, regionType = null;
        Integer layerColor = null;
        boolean inRegion = false, negative = false, inLayer = false;
        int layers = 0;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "Annotations" -> {
                        String m = Xml.attribute(r, "MicronsPerPixel");
                        if (m != null && !m.isBlank()) {
                            double v = Xml.number(file, r, "MicronsPerPixel");
                            mpp = v > 0 ? v : null;
                        }
                    }
                    case "Annotation" -> {
                        inLayer = true;
                        layers++;
                        layerName = Xml.attribute(r, "Name");
                        layerId = Xml.attribute(r, "Id");
                        layerColor = bgr(Xml.attribute(r, "LineColor"));
                        attributeName = null;
                        regions.clear();
                    }
                    case "Attribute" -> {
                        String n = Xml.attribute(r, "Name");
                        if (inLayer && !inRegion && attributeName == null && n != null && !n.isBlank()) attributeName = n.strip();
                    }
                    case "Region" -> {
                        if (!inLayer) throw Xml.error(file, r, "<Region> outside an <Annotation> layer");
                        inRegion = true;
                        negative = "1".equals(strip(Xml.attribute(r, "NegativeROA")));
                        regionType = strip(Xml.attribute(r, "Type"));
                        String text = Xml.attribute(r, "Text");
                        String id = Xml.attribute(r, "Id");
                        regionName = text != null && !text.isBlank() ? text.strip() : id == null ? null : "Region " + id.strip();
                        vertices.clear();
                    }
                    case "Vertex" -> {
                        if (!inRegion) throw Xml.error(file, r, "<Vertex> outside a <Region>");
                        vertices.add(new Coordinate(Xml.number(file, r, "X"), Xml.number(file, r, "Y")));
                    }
                    default -> { }
                }
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                switch (r.getLocalName()) {
                    case "Region" -> {
                        inRegion = false;
                        String where = "layer " + (layerId == null ? layers : layerId) + ", " + (regionName == null ? "region" : regionName);
                        regions.add(new Pending(geometry(regionType, vertices, where, r), regionName, negative));
                    }
                    case "Annotation" -> {
                        inLayer = false;
                        String cls = layerName != null && !layerName.isBlank() ? layerName.strip()
                                : attributeName != null ? attributeName : "Layer " + (layerId == null ? layers : layerId.strip());
                        String scope = "layer#" + layers;
                        for (Pending p : regions) out.add(new RawRegion(p.geometry, cls, p.name, layerColor, p.negative, scope));
                    }
                    default -> { }
                }
            }
        }
        if (layers == 0) throw new FormatException(file, "no <Annotation> layers in the Aperio file");
        return out;
    }

    private Geometry geometry(String type, List<Coordinate> vs, String where, XMLStreamReader r) throws FormatException {
        if (vs.isEmpty()) throw Xml.error(file, r, where + ": no vertices");
        Coordinate[] cs = vs.toArray(Coordinate[]::new);
        return switch (type == null ? "0" : type) {
            case "1" -> shape(cs, false);
            case "2" -> shape(cs, true);
            case "3", "4" -> cs.length >= 2 ? gf.createLineString(cs) : gf.createPoint(cs[0]);
            default -> cs.length >= 3 ? Geometries.polygon(gf, cs) : cs.length == 2 ? gf.createLineString(cs) : gf.createPoint(cs[0]);
        };
    }

    /** A rectangle or an ellipse given by (the bounding box of) its vertices. */
    private Geometry shape(Coordinate[] cs, boolean ellipse) {
        double x0 = Double.MAX_VALUE, y0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (Coordinate c : cs) {
            x0 = Math.min(x0, c.x); y0 = Math.min(y0, c.y); x1 = Math.max(x1, c.x); y1 = Math.max(y1, c.y);
        }
        if (!ellipse && cs.length >= 3) return Geometries.polygon(gf, cs); // four corners as stored
        if (!ellipse) {
            return Geometries.polygon(gf, new Coordinate[] {new Coordinate(x0, y0), new Coordinate(x1, y0), new Coordinate(x1, y1), new Coordinate(x0, y1)});
        }
        GeometricShapeFactory f = new GeometricShapeFactory(gf);
        f.setNumPoints(ELLIPSE_POINTS);
        f.setEnvelope(new org.locationtech.jts.geom.Envelope(x0, x1, y0, y1));
        return f.createEllipse();
    }

    /** Aperio's {@code LineColor} is a Windows COLORREF (0x00BBGGRR) in decimal. */
    private static Integer bgr(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            int v = Integer.parseInt(s.strip());
            return (v & 0xFF) << 16 | (v >> 8 & 0xFF) << 8 | (v >> 16 & 0xFF);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }
}
