package org.slidestream.dicom;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A DICOM Part 10 file parser limited to what whole-slide images need (PS3.10 7.1, PS3.5 7): the
 * 128-byte preamble and {@code DICM}, the file meta group, then the data set in explicit or
 * implicit VR little endian; sequences and items of defined and undefined length; native and
 * encapsulated pixel data, whose position is recorded instead of its bytes. Values above
 * {@link #MAX_KEPT} bytes are skipped (except the offset tables). Sequences named in
 * {@code streamed} are handed to a consumer one item at a time and not kept, so that the per-frame
 * functional groups of a slide of 100,000 frames never sit in memory as objects.
 */
final class Part10Parser {
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";

    /** Largest value kept in a data set; larger ones (bulk data such as ICC profiles) are skipped. */
    static final int MAX_KEPT = 64 * 1024;
    /** Largest offset table kept: 8 bytes a frame, so 8 million frames. */
    private static final long MAX_TABLE = 64L << 20;
    /** Nesting deeper than any IOD defines (a damaged file could otherwise recurse without end). */
    private static final int MAX_DEPTH = 16;
    private static final long UNDEFINED = 0xFFFFFFFFL;

    /** What the parser found. */
    record Result(DicomDataset meta, DicomDataset dataset, String transferSyntax, PixelData pixelData) {}

    private final FileInput in;
    private final Map<Integer, Consumer<DicomDataset>> streamed;
    private Charset charset = StandardCharsets.ISO_8859_1;
    private boolean explicit;
    private PixelData pixelData;
    private boolean stop;

    private Part10Parser(FileInput in, Map<Integer, Consumer<DicomDataset>> streamed) {
        this.in = in;
        this.streamed = streamed;
    }

    /** True when a file's first bytes are a Part 10 header (preamble, then {@code DICM}). */
    static boolean isPart10(byte[] header) {
        return header.length >= 132 && header[128] == 'D' && header[129] == 'I' && header[130] == 'C' && header[131] == 'M';
    }

    /**
     * Parses a file.
     *
     * @param streamed top-level sequences to hand to a consumer item by item instead of keeping
     * @throws DicomException when the file is not Part 10, uses an unsupported encoding or is damaged
     */
    static Result parse(FileInput in, Map<Integer, Consumer<DicomDataset>> streamed) {
        return new Part10Parser(in, streamed).run();
    }

    private Result run() {
        if (in.size() < 132) throw new DicomException("file of " + in.size() + " bytes is too short for a DICOM header");
        in.seek(128);
        byte[] magic = in.bytes(4, "DICM prefix");
        if (magic[0] != 'D' || magic[1] != 'I' || magic[2] != 'C' || magic[3] != 'M') {
            throw new DicomException("not a DICOM Part 10 file (no DICM after the 128-byte preamble)");
        }
        DicomDataset meta = new DicomDataset();
        explicit = true;
        while (in.remaining() >= 8) {
            long at = in.position();
            int group = in.u16("tag");
            in.seek(at);
            if (group != 0x0002) break;
            readElement(meta, 0, Long.MAX_VALUE);
        }
        String ts = meta.string(Tags.TRANSFER_SYNTAX_UID);
        if (ts == null) throw new DicomException("file meta information has no TransferSyntaxUID (0002,0010)");
        switch (ts) {
            case EXPLICIT_BE -> throw new DicomException("unsupported transfer syntax " + ts + " (explicit VR big endian, retired)");
            case DEFLATED_LE -> throw new DicomException("unsupported transfer syntax " + ts + " (deflated: no random access to frames)");
            default -> explicit = !IMPLICIT_LE.equals(ts);
        }
        DicomDataset ds = new DicomDataset();
        readDataset(ds, 0, Long.MAX_VALUE);
        return new Result(meta, ds, ts, pixelData);
    }

    /** Reads elements until {@code end} (a defined length) or an item delimiter (undefined length). */
    private void readDataset(DicomDataset ds, int depth, long end) {
        while (!stop && in.position() < end && in.remaining() > 0) {
            if (!readElement(ds, depth, end)) return;
        }
        if (end != Long.MAX_VALUE && in.position() != end && !stop) {
            throw new DicomException("item ends at byte " + in.position() + ", its length says " + end);
        }
    }

    /** Reads one element into {@code ds}; false at an item delimiter. */
    private boolean readElement(DicomDataset ds, int depth, long end) {
        long at = in.position();
        int group = in.u16("tag");
        int element = in.u16("tag");
        int tag = group << 16 | element;
        if (tag == Tags.ITEM_DELIMITATION) {
            in.u32("item delimiter length");
            return false;
        }
        if (tag == Tags.ITEM || tag == Tags.SEQUENCE_DELIMITATION) {
            throw new DicomException("unexpected " + Tags.format(tag) + " at byte " + at + " outside a sequence");
        }
        Vr vr;
        long length;
        boolean explicitHere = explicit || group == 0x0002;
        if (explicitHere) {
            int b0 = in.u8("VR"), b1 = in.u8("VR");
            vr = Vr.of(b0, b1);
            if (vr == null) {
                throw new DicomException("element " + Tags.format(tag) + " at byte " + at + " has no valid VR (bytes "
                        + String.format("%02x %02x", b0, b1) + "): damaged header or not explicit VR");
            }
            if (vr.longLength()) {
                in.u16("reserved");
                length = in.u32("length");
            } else {
                length = in.u16("length");
            }
        } else {
            length = in.u32("length");
            Tags.Entry e = Tags.entry(tag);
            vr = e != null ? e.vr() : (length == UNDEFINED ? Vr.SQ : Vr.UN);
        }
        if (tag == Tags.PIXEL_DATA && depth == 0) {
            readPixelData(ds, length, vr);
            return true;
        }
        if (vr == Vr.SQ || length == UNDEFINED) {
            if (vr != Vr.SQ && vr != Vr.UN) {
                throw new DicomException("element " + Tags.name(tag) + " (" + vr + ") at byte " + at + " has undefined length");
            }
            boolean saved = explicit;
            if (vr == Vr.UN) explicit = false; // PS3.5 6.2.2: UN of undefined length is implicit VR little endian
            try {
                readSequence(ds, tag, depth, length);
            } finally {
                explicit = saved;
            }
            return true;
        }
        if (length > end - in.position()) {
            throw new DicomException("element " + Tags.name(tag) + " at byte " + at + " has length " + length
                    + ", past the end of its " + (end == Long.MAX_VALUE ? "file" : "item"));
        }
        if (tag == Tags.EXTENDED_OFFSET_TABLE || tag == Tags.EXTENDED_OFFSET_TABLE_LENGTHS) {
            if (length > MAX_TABLE || length % 8 != 0) {
                throw new DicomException(Tags.name(tag) + " has length " + length + " (not a multiple of 8 or over " + MAX_TABLE + ")");
            }
            ds.put(tag, Vr.OV, in.bytes(length, Tags.name(tag)));
            return true;
        }
        if (length > MAX_KEPT) {
            in.skip(length);
            return true;
        }
        byte[] value = in.bytes(length, Tags.name(tag));
        if (vr.text()) {
            String s = new String(value, tag == Tags.SPECIFIC_CHARACTER_SET ? StandardCharsets.US_ASCII : charset);
            s = stripPadding(s, vr);
            ds.put(tag, vr, s);
            if (tag == Tags.SPECIFIC_CHARACTER_SET && depth == 0) {
                charset = s.contains("ISO_IR 192") ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
            }
        } else {
            ds.put(tag, vr, value);
        }
        return true;
    }

    private static String stripPadding(String s, Vr vr) {
        int e = s.length();
        while (e > 0 && (s.charAt(e - 1) == ' ' || s.charAt(e - 1) == '\0')) e--;
        int b = 0;
        if (vr != Vr.LT && vr != Vr.ST && vr != Vr.UT) {
            while (b < e && s.charAt(b) == ' ') b++;
        }
        return s.substring(b, e);
    }

    private void readSequence(DicomDataset ds, int tag, int depth, long length) {
        if (depth >= MAX_DEPTH) throw new DicomException("sequences nested deeper than " + MAX_DEPTH + " at byte " + in.position());
        long end = length == UNDEFINED ? Long.MAX_VALUE : in.position() + length;
        if (end != Long.MAX_VALUE && length > in.remaining()) {
            throw new DicomException("sequence " + Tags.name(tag) + " of " + length + " bytes runs past the end of the file");
        }
        Consumer<DicomDataset> consumer = depth == 0 ? streamed.get(tag) : null;
        List<DicomDataset> items = consumer == null ? new ArrayList<>() : null;
        while (in.position() < end) {
            long at = in.position();
            int g = in.u16("item tag"), e = in.u16("item tag");
            int itemTag = g << 16 | e;
            long itemLength = in.u32("item length");
            if (itemTag == Tags.SEQUENCE_DELIMITATION) {
                if (length != UNDEFINED) throw new DicomException("sequence delimiter at byte " + at + " in a sequence of defined length");
                break;
            }
            if (itemTag != Tags.ITEM) {
                throw new DicomException("sequence " + Tags.name(tag) + " holds " + Tags.format(itemTag) + " at byte " + at + " instead of an item");
            }
            if (itemLength != UNDEFINED && itemLength > end - in.position()) {
                throw new DicomException("item at byte " + at + " of " + itemLength + " bytes runs past the end of its sequence");
            }
            DicomDataset item = new DicomDataset();
            readDataset(item, depth + 1, itemLength == UNDEFINED ? Long.MAX_VALUE : in.position() + itemLength);
            if (itemLength == UNDEFINED && in.remaining() == 0 && !stop) {
                throw new DicomException("truncated: item of undefined length at byte " + at + " has no delimiter");
            }
            if (consumer != null) consumer.accept(item);
            else items.add(item);
        }
        if (end != Long.MAX_VALUE && in.position() != end) {
            throw new DicomException("sequence " + Tags.name(tag) + " ends at byte " + in.position() + ", its length says " + end);
        }
        if (items != null) ds.put(tag, Vr.SQ, List.copyOf(items));
    }

    private void readPixelData(DicomDataset ds, long length, Vr vr) {
        if (length != UNDEFINED) {
            if (length > in.remaining()) {
                throw new DicomException("truncated: PixelData of " + length + " bytes at byte " + in.position() + " runs past the end of the file ("
                        + in.size() + " bytes)");
            }
            pixelData = new PixelData.Native(in.position(), length);
            in.skip(length);
            return;
        }
        // Encapsulated: the Basic Offset Table item, then one item per fragment, then a sequence delimiter.
        long[] bot = readItemHeader("Basic Offset Table");
        if ((int) bot[0] != Tags.ITEM) throw new DicomException("encapsulated pixel data does not start with a Basic Offset Table item");
        long botLength = bot[1];
        if (botLength % 4 != 0 || botLength > in.remaining()) {
            throw new DicomException("Basic Offset Table of " + botLength + " bytes is damaged");
        }
        byte[] table = in.bytes(botLength, "Basic Offset Table");
        long[] offsets = new long[(int) (botLength / 4)];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = (table[4 * i] & 0xFFL) | (table[4 * i + 1] & 0xFFL) << 8 | (table[4 * i + 2] & 0xFFL) << 16 | (table[4 * i + 3] & 0xFFL) << 24;
        }
        long firstItem = in.position();
        if (ds.contains(Tags.EXTENDED_OFFSET_TABLE) || offsets.length > 0) {
            // Frames are found through a table: no need to walk every fragment now.
            pixelData = new PixelData.Encapsulated(offsets, firstItem, null, null);
            stop = true;
            return;
        }
        LongList fragOffsets = new LongList(), fragLengths = new LongList();
        while (true) {
            long at = in.position();
            long[] h = readItemHeader("fragment");
            if ((int) h[0] == Tags.SEQUENCE_DELIMITATION) break;
            if ((int) h[0] != Tags.ITEM) throw new DicomException("encapsulated pixel data holds " + Tags.format((int) h[0]) + " at byte " + at);
            if (h[1] == UNDEFINED || h[1] > in.remaining()) {
                throw new DicomException("truncated: fragment at byte " + at + " of " + h[1] + " bytes runs past the end of the file ("
                        + in.size() + " bytes)");
            }
            fragOffsets.add(in.position());
            fragLengths.add(h[1]);
            in.skip(h[1]);
        }
        pixelData = new PixelData.Encapsulated(offsets, firstItem, fragOffsets.toArray(), fragLengths.toArray());
    }

    /** An item header: {tag as (group << 16 | element), length}. */
    private long[] readItemHeader(String what) {
        long[] h = in.header8(what + " item header");
        long v = h[0];
        long tag = (v & 0xFFFF) << 16 | (v >>> 16);
        return new long[] {tag & 0xFFFFFFFFL, h[1]};
    }

    /** A growable array of longs. */
    static final class LongList {
        private long[] a = new long[64];
        private int n;

        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int size() { return n; }

        long[] toArray() { return Arrays.copyOf(a, n); }
    }
}
