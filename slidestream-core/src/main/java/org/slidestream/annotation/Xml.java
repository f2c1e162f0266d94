package org.slidestream.annotation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.slidestream.format.FormatException;

/**
 * StAX plumbing shared by the XML readers: a parser with DTDs and external entities disabled (an
 * annotation file must not make us read other files or the network), and errors that name the
 * file, line and column.
 */
final class Xml {
    private static final XMLInputFactory FACTORY = factory();

    private Xml() {}

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    @FunctionalInterface
    interface Body<T> {
        T parse(XMLStreamReader r) throws XMLStreamException, FormatException;
    }

    /** Runs {@code body} on a reader of the file and turns XML errors into {@link FormatException}s. */
    static <T> T read(Path file, Body<T> body) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader r = FACTORY.createXMLStreamReader(in);
            try {
                return body.parse(r);
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            Location at = e.getLocation();
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            // The JDK's messages start with "ParseError at [row,col]:[l,c]\nMessage: ..."; keep the message.
            int m = msg.indexOf("Message: ");
            if (m >= 0) msg = msg.substring(m + 9);
            throw new FormatException(file, at == null ? -1 : at.getLineNumber(), at == null ? -1 : at.getColumnNumber(),
                    "invalid XML: " + msg.strip(), e);
        }
    }

    static FormatException error(Path file, XMLStreamReader r, String message) {
        Location at = r.getLocation();
        return new FormatException(file, at == null ? -1 : at.getLineNumber(), at == null ? -1 : at.getColumnNumber(), message, null);
    }

    /** An attribute by local name, case-insensitively (files from different tool versions differ), or null. */
    static String attribute(XMLStreamReader r, String name) {
        for (int i = 0; i < r.getAttributeCount(); i++) {
            if (r.getAttributeLocalName(i).equalsIgnoreCase(name)) return r.getAttributeValue(i);
        }
        return null;
    }

    /**
     * A coordinate value. Some ASAP files written under European locales use a decimal comma
     * ({@code X="1234,5"}); a number never holds a thousands separator in these formats.
     */
    static double number(Path file, XMLStreamReader r, String name) throws FormatException {
        String v = attribute(r, name);
        if (v == null) throw error(file, r, "<" + r.getLocalName() + "> without attribute " + name);
        try {
            double d = Double.parseDouble(v.strip().replace(',', '.'));
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw error(file, r, "<" + r.getLocalName() + "> " + name + "=\"" + v + "\" is not a number");
        }
    }
}
