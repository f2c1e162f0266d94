package org.slidestream.tiff;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What the OME-XML of an OME-TIFF says about its first image: sizes, dimension order, pixel type,
 * physical sizes in micrometres, channels, and the TiffData blocks mapping planes to IFDs. Parsed with
 * the JDK's parser, DOCTYPEs and external entities refused.
 */
record OmeXml(String uuid, int sizeX, int sizeY, int sizeC, int sizeZ, int sizeT, String dimensionOrder, String type,
              Double physicalSizeX, Double physicalSizeY, Double physicalSizeZ, List<Channel> channels,
              List<TiffData> tiffData, Double magnification, String name, String creator, int imageCount) {

    record Channel(String name, int samplesPerPixel) {}

    /** {@code ifd} and {@code planeCount} are -1 when absent; {@code uuid}/{@code fileName} null when absent. */
    record TiffData(int ifd, int firstC, int firstZ, int firstT, int planeCount, String uuid, String fileName) {}

    /** @throws IllegalArgumentException with the reason when the XML is malformed or lacks what a reader needs */
    static OmeXml parse(String xml) {
        Document doc;
        try {
            doc = TiffXml.document(xml);
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("malformed OME-XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!"OME".equals(root.getLocalName())) throw new IllegalArgumentException("root element is not OME");
        List<Element> images = children(root, "Image");
        if (images.isEmpty()) throw new IllegalArgumentException("OME-XML has no Image");
        Element image = images.get(0);
        List<Element> pixelsList = children(image, "Pixels");
        if (pixelsList.isEmpty()) throw new IllegalArgumentException("OME-XML Image has no Pixels");
        Element px = pixelsList.get(0);
        int sx = positive(px, "SizeX"), sy = positive(px, "SizeY"), sc = positive(px, "SizeC"), sz = positive(px, "SizeZ"), st = positive(px, "SizeT");
        String order = px.getAttribute("DimensionOrder");
        if (!order.matches("XY(ZCT|ZTC|CZT|CTZ|TZC|TCZ)")) throw new IllegalArgumentException("DimensionOrder '" + order + "'");
        String type = px.getAttribute("Type");
        if (type.isEmpty()) throw new IllegalArgumentException("Pixels has no Type");
        List<Channel> channels = new ArrayList<>();
        for (Element c : children(px, "Channel")) {
            String spp = c.getAttribute("SamplesPerPixel");
            channels.add(new Channel(c.hasAttribute("Name") ? c.getAttribute("Name") : null, spp.isEmpty() ? 1 : parseInt(spp, "SamplesPerPixel")));
        }
        List<TiffData> tds = new ArrayList<>();
        for (Element td : children(px, "TiffData")) {
            String uuid = null, fileName = null;
            List<Element> u = children(td, "UUID");
            if (!u.isEmpty()) {
                uuid = u.get(0).getTextContent().trim();
                fileName = u.get(0).hasAttribute("FileName") ? u.get(0).getAttribute("FileName") : null;
            }
            tds.add(new TiffData(intAttr(td, "IFD", -1), intAttr(td, "FirstC", 0), intAttr(td, "FirstZ", 0), intAttr(td, "FirstT", 0),
                    intAttr(td, "PlaneCount", -1), uuid, fileName));
        }
        return new OmeXml(root.getAttribute("UUID"), sx, sy, sc, sz, st, order, type,
                micrometres(px, "PhysicalSizeX"), micrometres(px, "PhysicalSizeY"), micrometres(px, "PhysicalSizeZ"),
                channels, tds, magnification(root, image), image.getAttribute("Name"), root.getAttribute("Creator"), images.size());
    }

    /** Plane index of (c, z, t) in this image's dimension order ({@code c} counts channels, not samples). */
    int planeIndex(int c, int z, int t, int effectiveC) {
        int[] size = new int[3], pos = new int[3];
        String dims = dimensionOrder.substring(2);
        for (int i = 0; i < 3; i++) {
            switch (dims.charAt(i)) {
                case 'C' -> { size[i] = effectiveC; pos[i] = c; }
                case 'Z' -> { size[i] = sizeZ; pos[i] = z; }
                default -> { size[i] = sizeT; pos[i] = t; }
            }
        }
        return pos[0] + size[0] * (pos[1] + size[1] * pos[2]);
    }

    /** The (c, z, t) of a plane index. */
    int[] planeCoordinates(int index, int effectiveC) {
        int[] out = new int[3]; // c, z, t
        String dims = dimensionOrder.substring(2);
        int rest = index;
        for (int i = 0; i < 3; i++) {
            char d = dims.charAt(i);
            int size = d == 'C' ? effectiveC : d == 'Z' ? sizeZ : sizeT;
            int v = rest % size;
            rest /= size;
            out[d == 'C' ? 0 : d == 'Z' ? 1 : 2] = v;
        }
        return out;
    }

    private static Double magnification(Element root, Element image) {
        // The objective the image names (ObjectiveSettings), else the first objective of the first instrument.
        String id = null;
        for (Element os : children(image, "ObjectiveSettings")) id = os.getAttribute("ID");
        Double first = null;
        for (Element inst : children(root, "Instrument")) {
            for (Element obj : children(inst, "Objective")) {
                Double m = optionalDouble(obj.getAttribute("NominalMagnification"));
                if (m == null) continue;
                if (id != null && id.equals(obj.getAttribute("ID"))) return m;
                if (first == null) first = m;
            }
        }
        return first;
    }

    private static Double micrometres(Element px, String attr) {
        Double v = optionalDouble(px.getAttribute(attr));
        if (v == null || !(v > 0)) return null;
        String unit = px.getAttribute(attr + "Unit");
        double scale = switch (unit.isEmpty() ? "µm" : unit) {
            case "µm", "um", "μm", "micron" -> 1;
            case "nm" -> 1e-3;
            case "Å" -> 1e-4;
            case "pm" -> 1e-6;
            case "mm" -> 1e3;
            case "cm" -> 1e4;
            case "dm" -> 1e5;
            case "m" -> 1e6;
            default -> Double.NaN; // a unit that is not a length (pixel, reference frame)
        };
        return Double.isNaN(scale) ? null : v * scale;
    }

    private static Double optionalDouble(String s) {
        if (s == null || s.isEmpty()) return null;
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int positive(Element e, String attr) {
        int v = parseInt(e.getAttribute(attr), attr);
        if (v < 1) throw new IllegalArgumentException(attr + " = " + v);
        return v;
    }

    private static int intAttr(Element e, String attr, int fallback) {
        if (!e.hasAttribute(attr)) return fallback;
        int v = parseInt(e.getAttribute(attr), attr);
        if (v < 0) throw new IllegalArgumentException(attr + " = " + v);
        return v;
    }

    private static int parseInt(String s, String what) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not an integer");
        }
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        NodeList nl = parent.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node n = nl.item(i);
            if (n instanceof Element e && localName.equals(e.getLocalName())) out.add(e);
        }
        return out;
    }
}
