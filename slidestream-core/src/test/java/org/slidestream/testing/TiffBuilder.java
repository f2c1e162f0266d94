package org.slidestream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slidestream.tiff.OffsetLayout;

/**
 * Writes TIFF-like files tag by tag, as scanners lay them out, for the vendor-format writers of the
 * tests and benchmarks: classic TIFF, BigTIFF or NDPI (64-bit header and next-directory offsets,
 * a high word per entry after each directory). Data is appended as it comes and each directory
 * is written after its data (as NDPI files are), so a file of any size streams; {@link #skip}
 * leaves a hole (a sparse region) to place data past 4 GiB cheaply. Little-endian.
 */
public final class TiffBuilder implements AutoCloseable {
    private final FileChannel ch;
    private final OffsetLayout layout;
    private long end;
    /** Where the offset to the next directory is to be written (header first). */
    private long linkAt;

    private TiffBuilder(Path path, OffsetLayout layout) throws IOException {
        this.ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        this.layout = layout;
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 'I').put((byte) 'I');
        if (layout == OffsetLayout.BIG) {
            h.putShort((short) 43).putShort((short) 8).putShort((short) 0);
            linkAt = 8;
        } else {
            h.putShort((short) 42);
            linkAt = 4;
        }
        h.position(16).flip();
        writeAt(0, h);
        end = 16;
    }

    public static TiffBuilder create(Path path, OffsetLayout layout) {
        try {
            return new TiffBuilder(path, layout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends bytes (tile data, a strip) and returns their offset. */
    public long append(byte[] data) {
        long at = end;
        writeAt(at, ByteBuffer.wrap(data));
        end += data.length;
        if ((end & 1) != 0) end++; // word-aligned, as TIFF asks for offsets
        return at;
    }

    /** Appends bytes right after the previous ones (one stream written in pieces) and returns their offset. */
    public long appendUnaligned(byte[] data) {
        long at = end;
        writeAt(at, ByteBuffer.wrap(data));
        end += data.length;
        return at;
    }

    /** Leaves {@code bytes} unwritten (a hole in a sparse file). */
    public void skip(long bytes) {
        end += bytes;
    }

    /** The offset the next appended bytes will have. */
    public long position() { return end; }

    /** A directory to fill with tags and then {@link #write}. */
    public Dir directory() { return new Dir(); }

    /** One directory: tags with their values. */
    public final class Dir {
        private record Field(int type, int count, byte[] values) {}

        private final TreeMap<Integer, Field> fields = new TreeMap<>();

        private Dir put(int tag, int type, int count, ByteBuffer values) {
            byte[] b = new byte[values.position()];
            values.flip().get(b);
            fields.put(tag, new Field(type, count, b));
            return this;
        }

        private ByteBuffer buf(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

        public Dir shorts(int tag, int... v) {
            ByteBuffer b = buf(2 * v.length);
            for (int x : v) b.putShort((short) x);
            return put(tag, 3, v.length, b);
        }

        /** LONG values (type 4); in an NDPI file a value past 32 bits keeps its high word in the directory's extension. */
        public Dir longs(int tag, long... v) {
            if (layout == OffsetLayout.BIG) {
                ByteBuffer b = buf(8 * v.length);
                for (long x : v) b.putLong(x);
                return put(tag, 16, v.length, b);
            }
            ByteBuffer b = buf(8 * v.length); // low words, then high words (NDPI)
            for (long x : v) b.putInt((int) x);
            Dir d = put(tag, 4, v.length, b.position(4 * v.length));
            if (v.length == 1 && (v[0] >>> 32) != 0) {
                if (layout != OffsetLayout.NDPI) throw new IllegalArgumentException("value " + v[0] + " does not fit a classic TIFF");
                highs.put(tag, v[0] >>> 32);
            }
            return d;
        }

        private final TreeMap<Integer, Long> highs = new TreeMap<>();

        public Dir slongs(int tag, int... v) {
            ByteBuffer b = buf(4 * v.length);
            for (int x : v) b.putInt(x);
            return put(tag, 9, v.length, b);
        }

        public Dir floats(int tag, float... v) {
            ByteBuffer b = buf(4 * v.length);
            for (float x : v) b.putFloat(x);
            return put(tag, 11, v.length, b);
        }

        public Dir rational(int tag, long numerator, long denominator) {
            return put(tag, 5, 1, buf(8).putInt((int) numerator).putInt((int) denominator));
        }

        public Dir ascii(int tag, String s) {
            byte[] b = (s + "\0").getBytes(StandardCharsets.UTF_8);
            return put(tag, 2, b.length, buf(b.length).put(b));
        }

        public Dir bytes(int tag, int type, byte[] v) {
            return put(tag, type, v.length, buf(v.length).put(v));
        }
    }

    /** Writes a directory (after everything appended so far) and links it after the previous one. */
    public long write(Dir d) {
        int n = d.fields.size();
        int valueBytes = layout.valueBytes;
        // Values that do not fit their field go first, then the directory.
        List<long[]> outOfLine = new ArrayList<>();
        for (var e : d.fields.entrySet()) {
            Dir.Field f = e.getValue();
            boolean inline = f.values().length <= valueBytes && !(layout == OffsetLayout.NDPI && f.type() == 2 && f.values().length > 4);
            outOfLine.add(inline ? null : new long[] {append(f.values())});
        }
        long at = end;
        int countBytes = layout == OffsetLayout.BIG ? 8 : 2, entryBytes = layout == OffsetLayout.BIG ? 20 : 12;
        int nextBytes = layout == OffsetLayout.CLASSIC ? 4 : 8;
        int size = countBytes + n * entryBytes + nextBytes + (layout == OffsetLayout.NDPI ? 4 * n : 0);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        if (layout == OffsetLayout.BIG) b.putLong(n); else b.putShort((short) n);
        long[] high = new long[n];
        int i = 0;
        for (var e : d.fields.entrySet()) {
            Dir.Field f = e.getValue();
            b.putShort((short) (int) e.getKey()).putShort((short) f.type());
            if (layout == OffsetLayout.BIG) b.putLong(f.count()); else b.putInt(f.count());
            long[] off = outOfLine.get(i);
            int fieldStart = b.position();
            if (off == null) {
                b.put(f.values());
                high[i] = d.highs.getOrDefault(e.getKey(), 0L);
            } else if (layout == OffsetLayout.BIG) {
                b.putLong(off[0]);
            } else {
                b.putInt((int) off[0]);
                high[i] = off[0] >>> 32;
                if (high[i] != 0 && layout != OffsetLayout.NDPI) throw new IllegalStateException("offset past 4 GiB in a classic TIFF");
            }
            b.position(fieldStart + valueBytes);
            i++;
        }
        if (nextBytes == 8) b.putLong(0); else b.putInt(0);
        if (layout == OffsetLayout.NDPI) for (long h : high) b.putInt((int) h);
        b.flip();
        writeAt(at, b);
        end = at + size + (size & 1);
        ByteBuffer link = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (layout == OffsetLayout.CLASSIC) link.putInt((int) at); else link.putLong(at);
        link.flip();
        writeAt(linkAt, link);
        linkAt = at + countBytes + (long) n * entryBytes;
        return at;
    }

    private void writeAt(long pos, ByteBuffer b) {
        try {
            while (b.hasRemaining()) pos += ch.write(b, pos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (ch.size() < end) writeAt(end - 1, ByteBuffer.wrap(new byte[1]));
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
