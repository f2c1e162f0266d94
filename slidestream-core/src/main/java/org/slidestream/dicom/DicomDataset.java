package org.slidestream.dicom;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes of one data set (a file's top level or a sequence item) as read: text values as
 * strings (padding removed), binary values as little-endian bytes, sequences as lists of data sets.
 * Values larger than the parser's limit are not kept (only pixel data and bulk data are that large).
 */
final class DicomDataset {
    /** One attribute: its VR and its value ({@code String}, {@code byte[]} or {@code List<DicomDataset>}). */
    record Element(Vr vr, Object value) {}

    private final Map<Integer, Element> elements = new LinkedHashMap<>();

    void put(int tag, Vr vr, Object value) {
        elements.put(tag, new Element(vr, value));
    }

    boolean contains(int tag) {
        return elements.containsKey(tag);
    }

    Map<Integer, Element> elements() {
        return elements;
    }

    /** The text of an attribute, or null when absent or not text. */
    String string(int tag) {
        Element e = elements.get(tag);
        return e != null && e.value() instanceof String s ? s : null;
    }

    /** The backslash-separated values of a text attribute; empty when absent. */
    String[] strings(int tag) {
        String s = string(tag);
        if (s == null || s.isEmpty()) return new String[0];
        String[] parts = s.split("\\\\", -1);
        for (int i = 0; i < parts.length; i++) parts[i] = parts[i].strip();
        return parts;
    }

    /**
     * The first value of a numeric attribute of any VR (US, UL, SS, SL, FL, FD, IS, DS, UV, SV),
     * or null when absent, empty or not a number.
     */
    Double number(int tag) {
        double[] v = numbers(tag);
        return v.length == 0 ? null : v[0];
    }

    /** An integer attribute, or {@code fallback} when absent; a value outside int range is a {@link DicomException}. */
    int integer(int tag, int fallback) {
        Double d = number(tag);
        if (d == null) return fallback;
        if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw new DicomException(Tags.name(tag) + " is not an integer: " + d);
        }
        return d.intValue();
    }

    /** Every value of a numeric attribute; empty when absent or not numeric. */
    double[] numbers(int tag) {
        Element e = elements.get(tag);
        if (e == null) return new double[0];
        if (e.value() instanceof String s) {
            String[] parts = s.isEmpty() ? new String[0] : s.split("\\\\");
            double[] out = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = Double.parseDouble(parts[i].strip());
                } catch (NumberFormatException ex) {
                    throw new DicomException(Tags.name(tag) + " is not a number: '" + abbreviate(parts[i]) + "'");
                }
            }
            return out;
        }
        if (!(e.value() instanceof byte[] b)) return new double[0];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (e.vr()) {
            case US -> each(b.length / 2, i -> buf.getShort(2 * i) & 0xFFFF);
            case SS -> each(b.length / 2, i -> buf.getShort(2 * i));
            case UL -> each(b.length / 4, i -> buf.getInt(4 * i) & 0xFFFFFFFFL);
            case SL -> each(b.length / 4, i -> buf.getInt(4 * i));
            case FL, OF -> each(b.length / 4, i -> buf.getFloat(4 * i));
            case FD, OD -> each(b.length / 8, i -> buf.getDouble(8 * i));
            case UV, SV, OV -> each(b.length / 8, i -> buf.getLong(8 * i));
            default -> new double[0];
        };
    }

    /** Every value of a 64-bit attribute (OV, UV, SV), exact; empty when absent. */
    long[] longs(int tag) {
        Element e = elements.get(tag);
        if (e == null || !(e.value() instanceof byte[] b)) return new long[0];
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[b.length / 8];
        for (int i = 0; i < out.length; i++) out[i] = buf.getLong(8 * i);
        return out;
    }

    /** The items of a sequence; empty when absent or not a sequence. */
    @SuppressWarnings("unchecked")
    List<DicomDataset> sequence(int tag) {
        Element e = elements.get(tag);
        return e != null && e.value() instanceof List<?> l ? (List<DicomDataset>) l : List.of();
    }

    /** The first item of a sequence, or null. */
    DicomDataset item(int tag) {
        List<DicomDataset> s = sequence(tag);
        return s.isEmpty() ? null : s.get(0);
    }

    private interface IndexToDouble {
        double at(int i);
    }

    private static double[] each(int n, IndexToDouble f) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = f.at(i);
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
