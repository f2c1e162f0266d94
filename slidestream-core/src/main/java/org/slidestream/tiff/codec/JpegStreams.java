package org.slidestream.tiff.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * JPEG marker utilities for TIFF tiles: merging abbreviated tile streams with the shared
 * JPEGTables (tag 347), reading the frame header, and marking a stream's colour space so that
 * every decoder (libjpeg inside the JDK, libjpeg-turbo) reads it the same way.
 *
 * <p>libjpeg decides whether three components are YCbCr or RGB from the markers alone: a JFIF
 * APP0 means YCbCr; otherwise an Adobe APP14 says it (transform 0 = RGB, 1 = YCbCr); otherwise
 * component ids {@code 'R','G','B'} mean RGB and anything else YCbCr. Aperio slides store RGB with
 * ids 0,1,2 and no marker, so libjpeg would wrongly convert them; {@link #withColour} adds the
 * Adobe marker that makes the guess right.
 */
public final class JpegStreams {
    static final int SOI = 0xD8;
    static final int EOI = 0xD9;
    static final int SOS = 0xDA;
    static final int APP0 = 0xE0;
    static final int APP14 = 0xEE;

    /** Adobe APP14 segment with transform 0 (RGB, no colour transform). */
    private static final byte[] ADOBE_RGB = adobeSegment(0);
    /** Adobe APP14 segment with transform 1 (YCbCr). */
    private static final byte[] ADOBE_YCBCR = adobeSegment(1);

    private JpegStreams() {}

    /** One component of the frame header (SOF). */
    public record Component(int id, int horizontalSampling, int verticalSampling) {}

    /**
     * What the markers before the first scan say.
     *
     * @param sofMarker      the SOF marker's second byte (0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...)
     * @param adobeTransform the Adobe APP14 transform flag, or -1 without an Adobe marker
     */
    public record Header(int width, int height, int precision, int sofMarker, List<Component> components,
                         boolean jfif, int adobeTransform) {
        public int componentCount() { return components.size(); }

        /** Huffman-coded baseline, extended or progressive DCT (the processes libjpeg decodes). */
        public boolean isHuffmanDct() { return sofMarker == 0xC0 || sofMarker == 0xC1 || sofMarker == 0xC2; }

        /** How libjpeg (and so ImageIO and libjpeg-turbo) will read three components. */
        public JpegColour impliedColour() {
            if (jfif) return JpegColour.YCBCR;
            if (adobeTransform >= 0) return adobeTransform == 0 ? JpegColour.RGB : JpegColour.YCBCR;
            boolean rgbIds = components.size() == 3 && components.get(0).id() == 'R'
                    && components.get(1).id() == 'G' && components.get(2).id() == 'B';
            return rgbIds ? JpegColour.RGB : JpegColour.YCBCR;
        }
    }

    /**
     * Merges an abbreviated tile stream with the shared tables: the tables stream without its EOI,
     * then the tile without its SOI. Without tables (null or empty) the tile is returned as is.
     *
     * @throws CodecException when either stream is not JPEG
     */
    public static byte[] withTables(byte[] jpegTables, byte[] abbreviated) {
        if (jpegTables == null || jpegTables.length == 0) {
            return abbreviated;
        }
        requireSoi(jpegTables, "JPEGTables");
        int tablesEnd = jpegTables.length;
        if (tablesEnd >= 4 && isMarker(jpegTables, tablesEnd - 2, EOI)) tablesEnd -= 2;
        int tileStart = isMarker(abbreviated, 0, SOI) ? 2 : 0;
        if (abbreviated.length - tileStart < 2 || (abbreviated[tileStart] & 0xFF) != 0xFF) {
            throw new CodecException("JPEG tile does not start with a marker");
        }
        byte[] out = new byte[tablesEnd + abbreviated.length - tileStart];
        System.arraycopy(jpegTables, 0, out, 0, tablesEnd);
        System.arraycopy(abbreviated, tileStart, out, tablesEnd, abbreviated.length - tileStart);
        return out;
    }

    /**
     * {@link #withTables(byte[], byte[])}, then {@link #withColour} for three-component data
     * (Aperio tiles: {@link JpegColour#RGB}).
     */
    public static byte[] withTables(byte[] jpegTables, byte[] abbreviated, JpegColour colour) {
        return withColour(withTables(jpegTables, abbreviated), colour);
    }

    /**
     * Makes libjpeg read a three-component stream as {@code colour}: returns the stream itself when
     * its markers already say so, else a copy with an Adobe APP14 marker (transform 0 for RGB, 1 for
     * YCbCr) right after SOI and any JFIF or Adobe marker that said otherwise removed. Streams of
     * other component counts are returned unchanged.
     */
    public static byte[] withColour(byte[] jpeg, JpegColour colour) {
        Header h = header(jpeg);
        if (h.componentCount() != 3 || h.impliedColour() == colour) {
            return jpeg;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + ADOBE_RGB.length);
        out.write(jpeg, 0, 2);
        out.writeBytes(colour == JpegColour.RGB ? ADOBE_RGB : ADOBE_YCBCR);
        int pos = 2;
        for (Segment s : segments(jpeg)) {
            if (s.marker() == SOS) break;
            out.write(jpeg, pos, s.start() - pos); // standalone markers between segments, if any
            if (!isColourMarker(jpeg, s)) {
                out.write(jpeg, s.start(), s.end() - s.start());
            }
            pos = s.end();
        }
        out.write(jpeg, pos, jpeg.length - pos);
        return out.toByteArray();
    }

    /**
     * Reads the markers up to the first scan.
     *
     * @throws CodecException when the stream is not JPEG, is cut before its frame header, or
     *                        declares an empty image
     */
    public static Header header(byte[] jpeg) {
        boolean jfif = false;
        int adobe = -1;
        for (Segment s : segments(jpeg)) {
            int m = s.marker();
            if (m == APP0 && startsWith(jpeg, s, "JFIF\0")) jfif = true;
            if (m == APP14 && startsWith(jpeg, s, "Adobe") && s.end() - s.payload() >= 12) {
                adobe = jpeg[s.payload() + 11] & 0xFF;
            }
            if (isSof(m)) {
                return frame(jpeg, s, jfif, adobe);
            }
            if (m == SOS) break;
        }
        throw new CodecException("JPEG stream has no frame header (SOF) before its first scan");
    }

    private static Header frame(byte[] jpeg, Segment s, boolean jfif, int adobe) {
        int p = s.payload();
        int len = s.end() - p;
        if (len < 6) throw new CodecException("JPEG frame header too short");
        int precision = jpeg[p] & 0xFF;
        int height = u16(jpeg, p + 1);
        int width = u16(jpeg, p + 3);
        int n = jpeg[p + 5] & 0xFF;
        if (n == 0 || len < 6 + 3 * n) throw new CodecException("JPEG frame header with " + n + " components is truncated");
        if (width == 0 || height == 0) throw new CodecException("JPEG frame header declares an empty image " + width + "x" + height);
        List<Component> comps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int q = p + 6 + 3 * i;
            int hv = jpeg[q + 1] & 0xFF;
            comps.add(new Component(jpeg[q] & 0xFF, hv >> 4, hv & 15));
        }
        return new Header(width, height, precision, s.marker(), List.copyOf(comps), jfif, adobe);
    }

    /** A marker segment: marker at {@code start} (the 0xFF), payload after the length field, {@code end} exclusive. */
    private record Segment(int marker, int start, int payload, int end) {}

    /** The segments from after SOI up to and including the first SOS (or the end of the data). */
    private static List<Segment> segments(byte[] jpeg) {
        requireSoi(jpeg, "JPEG stream");
        List<Segment> out = new ArrayList<>();
        int pos = 2;
        while (pos < jpeg.length) {
            if ((jpeg[pos] & 0xFF) != 0xFF) throw new CodecException("JPEG marker expected at byte " + pos);
            int start = pos;
            while (pos < jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) pos++; // fill bytes
            if (pos >= jpeg.length) break;
            int marker = jpeg[pos++] & 0xFF;
            if (marker == EOI) break;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // standalone markers: TEM, RSTn
            }
            if (pos + 2 > jpeg.length) throw new CodecException("JPEG stream cut inside marker 0xFF" + hex(marker));
            int len = u16(jpeg, pos);
            if (len < 2 || pos + len > jpeg.length) {
                throw new CodecException("JPEG marker 0xFF" + hex(marker) + " has length " + len + " past the end of the data");
            }
            out.add(new Segment(marker, start, pos + 2, pos + len));
            pos += len;
            if (marker == SOS) break;
        }
        return out;
    }

    private static boolean isSof(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    private static boolean isColourMarker(byte[] jpeg, Segment s) {
        return (s.marker() == APP0 && startsWith(jpeg, s, "JFIF\0"))
                || (s.marker() == APP14 && startsWith(jpeg, s, "Adobe"));
    }

    private static boolean startsWith(byte[] jpeg, Segment s, String id) {
        byte[] b = id.getBytes(StandardCharsets.US_ASCII);
        return s.end() - s.payload() >= b.length && Arrays.equals(jpeg, s.payload(), s.payload() + b.length, b, 0, b.length);
    }

    private static void requireSoi(byte[] b, String what) {
        if (b == null || !isMarker(b, 0, SOI)) throw new CodecException(what + " does not start with a JPEG SOI marker");
    }

    private static boolean isMarker(byte[] b, int at, int marker) {
        return at + 1 < b.length && (b[at] & 0xFF) == 0xFF && (b[at + 1] & 0xFF) == marker;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static String hex(int marker) {
        return String.format("%02X", marker);
    }

    private static byte[] adobeSegment(int transform) {
        // FF EE, length 14, "Adobe", version 100, flags0 0, flags1 0, transform
        return new byte[] {(byte) 0xFF, (byte) 0xEE, 0x00, 0x0E, 'A', 'd', 'o', 'b', 'e', 0x00, 0x64,
                0x00, 0x00, 0x00, 0x00, (byte) transform};
    }
}
