package org.slidestream.tiff;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One image file directory: its entries (tag, type, count and where the values lie in the file,
 * inline values included) and its SubIFDs. Values are read from the file when asked for, each read
 * bounded by the file size, which {@link TiffFile} checked when it parsed the entry.
 */
public final class Ifd {
    /**
     * A directory entry; {@code position} is where its values start in the file; {@code high} is
     * NDPI's high word of an inline value (0 elsewhere).
     */
    record Entry(int tag, int type, long count, long position, long high) {
        Entry(int tag, int type, long count, long position) {
            this(tag, type, count, position, 0);
        }
    }

    private final TiffFile file;
    private final int index;
    private final long offset;
    private final Map<Integer, Entry> entries = new LinkedHashMap<>();
    private long nextOffset;
    private List<Ifd> subIfds = List.of();

    Ifd(TiffFile file, int index, long offset) {
        this.file = file;
        this.index = index;
        this.offset = offset;
    }

    /** Size in bytes of one value of a TIFF field type, or 0 for an unknown type. */
    static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;   // BYTE, ASCII, SBYTE, UNDEFINED
            case 3, 8 -> 2;         // SHORT, SSHORT
            case 4, 9, 11, 13 -> 4; // LONG, SLONG, FLOAT, IFD
            case 5, 10, 12, 16, 17, 18 -> 8; // RATIONAL, SRATIONAL, DOUBLE, LONG8, SLONG8, IFD8
            default -> 0;
        };
    }

    void put(Entry e) { entries.putIfAbsent(e.tag(), e); }

    void setNextOffset(long next) { nextOffset = next; }

    void setSubIfds(List<Ifd> subs) { subIfds = List.copyOf(subs); }

    long nextOffset() { return nextOffset; }

    /** Position in the main chain (for SubIFDs: of the IFD they belong to). */
    public int index() { return index; }

    public long offset() { return offset; }

    public List<Ifd> subIfds() { return subIfds; }

    TiffFile file() { return file; }

    Entry entry(int tag) { return entries.get(tag); }

    /** The number of values a tag claims, or 0 when absent. */
    public long count(int tag) {
        Entry e = entries.get(tag);
        return e == null ? 0 : e.count();
    }

    /** The file this directory belongs to. */
    public TiffFile tiff() { return file; }

    public boolean has(int tag) { return entries.containsKey(tag); }

    private ByteBuffer raw(Entry e) {
        return file.read(e.position(), (int) (e.count() * typeSize(e.type())), "IFD " + index + " tag " + e.tag());
    }

    /** Most values read from one tag at once (whatever its count claims): 128 MiB of longs. */
    static final int MAX_VALUES = 1 << 24;

    /** Integer values of a tag (any integer type; rationals and floats truncated), or null when absent. */
    public long[] longs(int tag) {
        return longs(tag, MAX_VALUES);
    }

    /** The first {@code max} (at most) integer values of a tag, or null when absent. */
    public long[] longs(int tag, long max) {
        Entry e = entries.get(tag);
        return e == null ? null : longs(e, (int) Math.min(Math.min(e.count(), max), MAX_VALUES));
    }

    private long[] longs(Entry e, int n) {
        ByteBuffer b = file.read(e.position(), n * typeSize(e.type()), "IFD " + index + " tag " + e.tag());
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (e.type()) {
                case 1, 7, 2 -> b.get(i) & 0xFF;
                case 6 -> b.get(i);
                case 3 -> b.getShort(2 * i) & 0xFFFF;
                case 8 -> b.getShort(2 * i);
                case 4, 13 -> b.getInt(4 * i) & 0xFFFFFFFFL;
                case 9 -> b.getInt(4 * i);
                case 11 -> (long) b.getFloat(4 * i);
                case 5 -> { long den = b.getInt(8 * i + 4) & 0xFFFFFFFFL; yield den == 0 ? 0 : (b.getInt(8 * i) & 0xFFFFFFFFL) / den; }
                case 10 -> { long den = b.getInt(8 * i + 4); yield den == 0 ? 0 : b.getInt(8 * i) / den; }
                case 12 -> (long) b.getDouble(8 * i);
                default -> b.getLong(8 * i);
            };
        }
        if (e.high() != 0 && n == 1 && (e.type() == 4 || e.type() == 9)) {
            out[0] = e.high() << 32 | (out[0] & 0xFFFF_FFFFL); // NDPI: a 32-bit value widened by its high word
        }
        return out;
    }

    /** Numeric values as doubles (rationals divided), or null when absent. */
    public double[] doubles(int tag) {
        Entry e = entries.get(tag);
        if (e == null) return null;
        if (e.type() != 5 && e.type() != 10 && e.type() != 11 && e.type() != 12) {
            long[] l = longs(tag);
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) d[i] = l[i];
            return d;
        }
        ByteBuffer b = raw(e);
        int n = (int) e.count();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (e.type()) {
                case 5 -> { long den = b.getInt(8 * i + 4) & 0xFFFFFFFFL; yield den == 0 ? Double.NaN : (b.getInt(8 * i) & 0xFFFFFFFFL) / (double) den; }
                case 10 -> { int den = b.getInt(8 * i + 4); yield den == 0 ? Double.NaN : b.getInt(8 * i) / (double) den; }
                case 11 -> b.getFloat(4 * i);
                default -> b.getDouble(8 * i);
            };
        }
        return out;
    }

    /** The first value of an integer tag, or {@code fallback} when absent or empty. */
    public long longValue(int tag, long fallback) {
        Entry e = entries.get(tag);
        if (e == null || e.count() == 0) return fallback;
        return longs(e, 1)[0];
    }

    public double doubleValue(int tag, double fallback) {
        double[] d = doubles(tag);
        return d == null || d.length == 0 ? fallback : d[0];
    }

    /** An ASCII tag up to its first NUL (as UTF-8, which ASCII is a subset of), or null. */
    public String ascii(int tag) {
        Entry e = entries.get(tag);
        if (e == null) return null;
        byte[] b = file.readBytes(e.position(), e.count() * typeSize(e.type()), "IFD " + index + " tag " + tag);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** The raw bytes of a tag's values (for UNDEFINED/BYTE tags such as JPEGTables), or null. */
    public byte[] bytes(int tag) {
        Entry e = entries.get(tag);
        if (e == null) return null;
        return file.readBytes(e.position(), e.count() * typeSize(e.type()), "IFD " + index + " tag " + tag);
    }

    /** The ImageDescription, or "" when absent. */
    public String description() {
        String d = ascii(Tag.IMAGE_DESCRIPTION);
        return d == null ? "" : d;
    }
}
