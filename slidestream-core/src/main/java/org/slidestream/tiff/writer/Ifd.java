package org.slidestream.tiff.writer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * One image file directory being assembled: tags with their values, serialized (entries sorted by
 * tag, values too long to fit in an entry placed after it, word-aligned) once its offset and the
 * offsets it points to are known. Classic and BigTIFF differ only in field widths.
 */
final class Ifd {
    static final int BYTE = 1, ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5, IFD = 13, LONG8 = 16, IFD8 = 18;

    private record Entry(int type, long count, long[] values, byte[] bytes) {}

    private final Map<Integer, Entry> entries = new TreeMap<>();
    private final boolean big;

    Ifd(boolean big) {
        this.big = big;
    }

    Ifd shorts(int tag, long... v) { return put(tag, SHORT, v); }

    Ifd longs(int tag, long... v) { return put(tag, LONG, v); }

    /** Offsets or byte counts: LONG in classic TIFF, LONG8 in BigTIFF. */
    Ifd offsets(int tag, long[] v) { return put(tag, big ? LONG8 : LONG, v); }

    /** SubIFD offsets: IFD or IFD8. */
    Ifd ifds(int tag, long[] v) { return put(tag, big ? IFD8 : IFD, v); }

    /** Rationals as numerator, denominator pairs. */
    Ifd rationals(int tag, long... pairs) {
        entries.put(tag, new Entry(RATIONAL, pairs.length / 2, pairs, null));
        return this;
    }

    Ifd ascii(int tag, String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_8);
        entries.put(tag, new Entry(ASCII, b.length, null, b));
        return this;
    }

    private Ifd put(int tag, int type, long[] v) {
        entries.put(tag, new Entry(type, v.length, v, null));
        return this;
    }

    private static int typeSize(int type) {
        return switch (type) {
            case BYTE, ASCII -> 1;
            case SHORT -> 2;
            case LONG, IFD -> 4;
            case RATIONAL, LONG8, IFD8 -> 8;
            default -> throw new IllegalArgumentException("type " + type);
        };
    }

    private int inline() { return big ? 8 : 4; }

    private int entrySize() { return big ? 20 : 12; }

    private int headSize() { return big ? 8 : 2; }

    private long dataBytes(Entry e) {
        return e.count * typeSize(e.type);
    }

    /** Bytes the directory occupies, its out-of-line values included (even). */
    long size() {
        long n = headSize() + (long) entries.size() * entrySize() + inline();
        for (Entry e : entries.values()) {
            long d = dataBytes(e);
            if (d > inline()) n += d + (d & 1);
        }
        return n;
    }

    /** The directory as it is written at {@code offset}, followed by the next IFD at {@code next} (0: none). */
    ByteBuffer serialize(long offset, long next) {
        long total = size();
        if (total > Integer.MAX_VALUE) throw new IllegalStateException("IFD too large: " + total + " bytes");
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        long dataPos = offset + headSize() + (long) entries.size() * entrySize() + inline();
        ByteBuffer data = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        data.position((int) (dataPos - offset));
        if (big) b.putLong(entries.size()); else b.putShort((short) entries.size());
        for (Map.Entry<Integer, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            b.putShort((short) (int) me.getKey());
            b.putShort((short) e.type);
            if (big) b.putLong(e.count); else b.putInt((int) e.count);
            long d = dataBytes(e);
            if (d <= inline()) {
                int start = b.position();
                putValues(b, e);
                b.position(start + inline());
            } else {
                long at = offset + data.position();
                if (big) b.putLong(at); else b.putInt((int) at);
                putValues(data, e);
                if ((d & 1) != 0) data.put((byte) 0);
            }
        }
        if (big) b.putLong(next); else b.putInt((int) next);
        b.position(0);
        return b;
    }

    private static void putValues(ByteBuffer b, Entry e) {
        if (e.bytes != null) {
            b.put(e.bytes);
            return;
        }
        for (long v : e.values) {
            switch (e.type) {
                case BYTE -> b.put((byte) v);
                case SHORT -> b.putShort((short) v);
                case LONG, IFD, RATIONAL -> b.putInt((int) v);
                case LONG8, IFD8 -> b.putLong(v);
                default -> throw new IllegalArgumentException("type " + e.type);
            }
        }
    }
}
