package org.slidestream.annotation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slidestream.format.FormatException;

/** The annotation formats we read, recognised from a file's content (not its name). */
public enum AnnotationFormat {
    /** ASAP / CAMELYON XML: {@code <ASAP_Annotations>}. */
    ASAP,
    /** Aperio ImageScope XML: {@code <Annotations MicronsPerPixel=...>}. */
    APERIO,
    /** GeoJSON as QuPath writes it. */
    GEOJSON;

    private static final Pattern ROOT = Pattern.compile("<\\s*([A-Za-z_][\\w.:-]*)");

    /** Looks at the first kilobytes: JSON starts with '{' or '[', XML is told apart by its root element. */
    public static AnnotationFormat detect(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(16384);
        }
        String text = new String(head, StandardCharsets.UTF_8);
        int i = 0;
        if (text.startsWith("\uFEFF")) i = 1;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        if (i == text.length()) {
            throw new FormatException(file, head.length == 0 ? "empty file, not an annotation file" : "only white space, not an annotation file");
        }
        char c = text.charAt(i);
        if (c == '{' || c == '[') return GEOJSON;
        if (c != '<') {
            throw new FormatException(file, "not an annotation file (expected ASAP or Aperio XML, or GeoJSON)");
        }
        String root = rootElement(text.substring(i));
        if (root == null) throw new FormatException(file, "XML without a root element in its first " + head.length + " bytes");
        return switch (root) {
            case "ASAP_Annotations" -> ASAP;
            case "Annotations" -> APERIO;
            default -> throw new FormatException(file, "XML root element <" + root
                    + "> is neither ASAP (<ASAP_Annotations>) nor Aperio ImageScope (<Annotations>)");
        };
    }

    /** The first element name that is not part of the prolog ({@code <?xml?>}, comments, DOCTYPE). */
    private static String rootElement(String xml) {
        String s = xml.replaceAll("(?s)<\\?.*?\\?>", "").replaceAll("(?s)<!--.*?-->", "").replaceAll("(?s)<!DOCTYPE[^>\\[]*(\\[.*?\\])?\\s*>", "");
        Matcher m = ROOT.matcher(s);
        return m.find() ? m.group(1) : null;
    }
}
