package org.slidestream.tiff;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.slidestream.slide.CorruptSlideException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The XML that scanners put in TIFF tags (Leica SCN, Philips, Ventana XMP, Akoya QPTIFF), parsed
 * into a DOM with DTDs and external entities disabled (a slide must not make us read other files),
 * and small helpers to walk it by local names, ignoring namespaces and prefixes. The text is given
 * as characters, so an XML declaration's encoding (QPTIFF says UTF-16 and stores ASCII) is ignored.
 */
public final class TiffXml {
    private TiffXml() {}

    /**
     * The root element of {@code xml}.
     *
     * @throws CorruptSlideException naming the file, {@code what} and the parser's line and reason
     */
    public static Element parse(Path path, String what, String xml) {
        try {
            String text = xml.startsWith("\uFEFF") ? xml.substring(1) : xml;
            return document(text).getDocumentElement();
        } catch (SAXParseException e) {
            throw new CorruptSlideException(path, what + ": invalid XML at line " + e.getLineNumber() + ": " + oneLine(e.getMessage()));
        } catch (SAXException | java.io.IOException e) {
            throw new CorruptSlideException(path, what + ": invalid XML: " + oneLine(e.getMessage()));
        }
    }

    /** Parses XML text with DTDs, external entities and XInclude off (OME-XML shares it). */
    static Document document(String xml) throws SAXException, java.io.IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }

    /** An element's local name (without namespace or prefix). */
    public static String name(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }

    /** Child elements, all or those with a local name. */
    public static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || name.equals(name(e)))) out.add(e);
        }
        return out;
    }

    /** The first child element with a local name, or null. */
    public static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(name(e))) return e;
        }
        return null;
    }

    /** The element at a path of local names below {@code parent}, or null. */
    public static Element path(Element parent, String... names) {
        Element e = parent;
        for (String n : names) {
            if (e == null) return null;
            e = child(e, n);
        }
        return e;
    }

    /** The trimmed text of the child with this name, or null when absent or empty. */
    public static String text(Element parent, String name) {
        Element e = parent == null ? null : child(parent, name);
        if (e == null) return null;
        String t = e.getTextContent().strip();
        return t.isEmpty() ? null : t;
    }

    /** The first element with this local name anywhere below {@code parent} (depth first), or null. */
    public static Element find(Element parent, String name) {
        for (Element c : children(parent, null)) {
            if (name.equals(name(c))) return c;
            Element d = find(c, name);
            if (d != null) return d;
        }
        return null;
    }

    /** An attribute, or null when absent or empty. */
    public static String attribute(Element e, String name) {
        String v = e.getAttribute(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
