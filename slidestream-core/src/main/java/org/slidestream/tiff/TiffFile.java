package org.slidestream.tiff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.SlideException;

/**
 * A classic TIFF, BigTIFF or NDPI file, either byte order (see {@link OffsetLayout}): its IFD chain
 * (with SubIFDs) parsed with every count and offset checked against the file size before anything is
 * allocated, and positional reads through one {@link FileChannel}, which many threads may use at
 * once without a lock.
 */
public final class TiffFile implements AutoCloseable {
    /** More IFDs than any real file has (an OME-TIFF of 100,000 planes has 100,000). */
    static final int MAX_IFDS = 1_000_000;
    /** SubIFDs of SubIFDs of ...: deeper than any writer nests them. */
    private static final int MAX_SUBIFD_DEPTH = 4;

    private final Path path;
    private final long size;
    private final Object reopenLock = new Object();
    private volatile FileChannel channel;
    private volatile boolean closed;
    /** NDPI's marker tag: its presence in the first directory read with 64-bit offsets makes the file NDPI. */
    static final int NDPI_FORMAT_FLAG = 65420;

    private ByteOrder order;
    private OffsetLayout layout;
    private List<Ifd> ifds;

    private TiffFile(Path path) {
        this.path = path;
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.size = channel.size();
        } catch (NoSuchFileException e) {
            throw new SlideException(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new SlideException(path, "permission denied");
        } catch (IOException e) {
            throw new SlideException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Opens a file and parses its header and every IFD (main chain and SubIFDs). */
    public static TiffFile open(Path path) {
        TiffFile f = new TiffFile(path);
        try {
            f.parse(Integer.MAX_VALUE);
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Opens a file and parses only its first IFD (for probing). */
    static TiffFile openFirst(Path path) {
        TiffFile f = new TiffFile(path);
        try {
            f.parse(1);
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** True when the bytes start with a TIFF or BigTIFF signature. */
    public static boolean isTiff(byte[] h) {
        if (h.length < 8) return false;
        boolean ii = h[0] == 'I' && h[1] == 'I', mm = h[0] == 'M' && h[1] == 'M';
        if (!ii && !mm) return false;
        int magic = ii ? (h[2] & 0xFF) | (h[3] & 0xFF) << 8 : (h[2] & 0xFF) << 8 | (h[3] & 0xFF);
        return magic == 42 || magic == 43;
    }

    public Path path() { return path; }

    public long size() { return size; }

    public ByteOrder order() { return order; }

    public boolean isBigTiff() { return layout == OffsetLayout.BIG; }

    /** How this file stores its offsets: classic, BigTIFF or NDPI. */
    public OffsetLayout layout() { return layout; }

    /** The main IFD chain, in file order; each with its SubIFDs. */
    public List<Ifd> ifds() { return ifds; }

    /** An error naming this file and the problem. */
    public CorruptSlideException corrupt(String why) {
        return new CorruptSlideException(path, why);
    }

    private void parse(int maxMain) {
        if (size < 8) throw corrupt("file of " + size + " bytes is too short for a TIFF header");
        ByteBuffer h = read(0, (int) Math.min(16, size), "TIFF header");
        byte b0 = h.get(0), b1 = h.get(1);
        if (b0 == 'I' && b1 == 'I') order = ByteOrder.LITTLE_ENDIAN;
        else if (b0 == 'M' && b1 == 'M') order = ByteOrder.BIG_ENDIAN;
        else throw corrupt("not a TIFF file (no II/MM byte-order mark)");
        h.order(order);
        int magic = h.getShort(2) & 0xFFFF;
        long first;
        if (magic == 42) {
            layout = OffsetLayout.CLASSIC;
            first = h.getInt(4) & 0xFFFFFFFFL;
            if (size >= 12 && isNdpi(h.getLong(4))) {
                layout = OffsetLayout.NDPI;
                first = h.getLong(4);
            }
        } else if (magic == 43) {
            if (size < 16) throw corrupt("file too short for a BigTIFF header");
            layout = OffsetLayout.BIG;
            if ((h.getShort(4) & 0xFFFF) != 8 || h.getShort(6) != 0) throw corrupt("BigTIFF header has a bad offset size");
            first = h.getLong(8);
        } else {
            throw corrupt("not a TIFF file (magic number " + magic + ")");
        }
        if (first == 0) throw corrupt("TIFF file has no image (first IFD offset is 0)");
        Set<Long> seen = new HashSet<>();
        List<Ifd> main = new ArrayList<>();
        long next = first;
        while (next != 0 && main.size() < maxMain) {
            if (!seen.add(next)) {
                if (main.isEmpty()) throw corrupt("IFD loop at offset " + next);
                break; // a loop in the chain: libtiff stops there too, keeping the IFDs before it
            }
            Ifd ifd = readIfd(next, main.size());
            main.add(ifd);
            if (maxMain > 1) ifd.setSubIfds(readSubIfds(ifd, seen, 1));
            next = ifd.nextOffset();
            if (seen.size() > MAX_IFDS) throw corrupt("more than " + MAX_IFDS + " IFDs");
        }
        ifds = List.copyOf(main);
    }

    private List<Ifd> readSubIfds(Ifd parent, Set<Long> seen, int depth) {
        Ifd.Entry e = parent.entry(Tag.SUB_IFDS);
        if (e == null) return List.of();
        if (depth > MAX_SUBIFD_DEPTH) throw corrupt("SubIFDs nested deeper than " + MAX_SUBIFD_DEPTH);
        long[] offsets = parent.longs(Tag.SUB_IFDS);
        List<Ifd> out = new ArrayList<>(offsets.length);
        for (int i = 0; i < offsets.length; i++) {
            long off = offsets[i];
            if (off == 0) continue;
            if (!seen.add(off)) throw corrupt("IFD " + parent.index() + ": SubIFD " + i + " at " + off + " is already in use (IFD loop)");
            if (seen.size() > MAX_IFDS) throw corrupt("more than " + MAX_IFDS + " IFDs");
            Ifd sub = readIfd(off, parent.index());
            sub.setSubIfds(readSubIfds(sub, seen, depth + 1));
            out.add(sub);
        }
        return out;
    }

    /**
     * Whether a classic TIFF is NDPI: its header's first-directory offset, read as 64 bits, points
     * at a directory that parses in NDPI's layout and holds NDPI's marker tag (OpenSlide's test).
     */
    private boolean isNdpi(long first64) {
        if (first64 < 8 || first64 > size - 2) return false;
        layout = OffsetLayout.NDPI;
        try {
            return readIfd(first64, 0).has(NDPI_FORMAT_FLAG);
        } catch (CorruptSlideException e) {
            return false;
        } finally {
            layout = OffsetLayout.CLASSIC;
        }
    }

    private Ifd readIfd(long offset, int index) {
        OffsetLayout l = layout;
        if (offset < 8 || offset > size - l.countBytes) {
            throw corrupt("IFD " + index + " offset " + offset + " is past the end of the file (" + size + " bytes)");
        }
        ByteBuffer cb = read(offset, l.countBytes, "IFD " + index + " entry count");
        long n = l == OffsetLayout.BIG ? cb.getLong(0) : cb.getShort(0) & 0xFFFF;
        if (n <= 0 || n > 100_000 || offset + l.directoryBytes(n) > size) {
            throw corrupt("IFD " + index + " at offset " + offset + " claims " + n + " entries, past the end of the file");
        }
        ByteBuffer t = read(offset + l.countBytes, (int) (l.directoryBytes(n) - l.countBytes), "IFD " + index);
        int highWords = (int) (n * l.entryBytes + l.nextBytes); // NDPI: where the entries' high words start
        Ifd ifd = new Ifd(this, index, offset);
        for (int i = 0; i < n; i++) {
            int p = i * l.entryBytes;
            int tag = t.getShort(p) & 0xFFFF, type = t.getShort(p + 2) & 0xFFFF;
            long count = l == OffsetLayout.BIG ? t.getLong(p + 4) : t.getInt(p + 4) & 0xFFFFFFFFL;
            int typeSize = Ifd.typeSize(type);
            if (typeSize == 0) continue; // unknown field type: skipped, as libtiff does
            if (count < 0 || count > size) {
                throw corrupt("IFD " + index + ": tag " + tag + " claims " + count + " values, more than the file holds");
            }
            long bytes = count * typeSize;
            long fieldPos = offset + l.countBytes + p + (l == OffsetLayout.BIG ? 12 : 8);
            long high = l == OffsetLayout.NDPI ? t.getInt(highWords + 4 * i) & 0xFFFFFFFFL : 0;
            // NDPI stores ASCII values out of line even when they would fit the field.
            boolean inline = bytes <= l.valueBytes && !(l == OffsetLayout.NDPI && type == 2 && bytes > 0 && high != 0);
            long valuePos;
            if (inline) {
                valuePos = fieldPos;
            } else {
                long low = l == OffsetLayout.BIG ? t.getLong(p + 12) : t.getInt(p + 8) & 0xFFFFFFFFL;
                valuePos = l == OffsetLayout.NDPI ? ndpiValueOffset(offset, low, high, bytes) : low;
                if (valuePos < 0 || valuePos > size || bytes > size - valuePos) {
                    throw corrupt("IFD " + index + ": tag " + tag + " values (" + bytes + " bytes at offset " + valuePos
                            + ") run past the end of the file (" + size + " bytes)");
                }
                high = 0;
            }
            ifd.put(new Ifd.Entry(tag, type, count, valuePos, high));
        }
        int np = (int) (n * l.entryBytes);
        ifd.setNextOffset(l.nextBytes == 8 ? t.getLong(np) : t.getInt(np) & 0xFFFFFFFFL);
        return ifd;
    }

    /**
     * Where an NDPI entry's values lie: the 64-bit offset its high word gives when the word is set
     * and the offset lies in the file; else OpenSlide 3.4's rule (the largest offset with these low
     * bits below the directory), which older files without high words need and which gives the
     * stored offset itself in files under 4 GiB.
     */
    private long ndpiValueOffset(long directory, long low, long high, long bytes) {
        long full = high << 32 | low;
        if (high != 0 && full >= 0 && full <= size - bytes) return full;
        return OffsetLayout.belowDirectory(directory, low);
    }

    /**
     * An offset stored as a value (StripOffsets, TileOffsets) made absolute: as stored for classic
     * TIFF and BigTIFF; for NDPI by the rule of {@link #ndpiValueOffset}.
     */
    public long fileOffset(Ifd ifd, long value) {
        if (layout != OffsetLayout.NDPI) return value;
        return ndpiValueOffset(ifd.offset(), value & 0xFFFF_FFFFL, value >>> 32, 0);
    }

    /**
     * Reads {@code length} bytes at {@code offset}, checked against the file size first.
     *
     * @throws CorruptSlideException when the range is not inside the file
     */
    ByteBuffer read(long offset, int length, String what) {
        byte[] b = readBytes(offset, length, what);
        return ByteBuffer.wrap(b).order(order == null ? ByteOrder.BIG_ENDIAN : order);
    }

    /**
     * Reads {@code length} bytes at {@code offset} into a new array, checked against the file size
     * first; {@code what} names the data in the error.
     *
     * @throws CorruptSlideException when the range is not inside the file
     */
    public byte[] readBytes(long offset, long length, String what) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw corrupt(what + " (" + length + " bytes at offset " + offset + ") runs past the end of the file (" + size + " bytes)");
        }
        if (length > Integer.MAX_VALUE - 16) throw corrupt(what + " of " + length + " bytes is larger than one block can be");
        byte[] out = new byte[(int) length];
        ByteBuffer buf = ByteBuffer.wrap(out);
        long pos = offset;
        int attempts = 0;
        while (buf.hasRemaining()) {
            try {
                int k = channel.read(buf, pos);
                if (k < 0) throw corrupt(what + ": file ended at " + pos + " (was it truncated while open?)");
                pos += k;
            } catch (ClosedByInterruptException e) {
                reopen();
                Thread.currentThread().interrupt();
                throw new SlideException(path, "read interrupted", e);
            } catch (ClosedChannelException e) {
                // Another thread was interrupted inside a read, which closes the channel for everyone:
                // reopen it and go on, unless this file was closed on purpose.
                if (closed || ++attempts > 3) throw new SlideException(path, "slide is closed", e);
                reopen();
            } catch (IOException e) {
                throw new SlideException(path, "cannot read " + what + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private void reopen() {
        synchronized (reopenLock) {
            if (closed || channel.isOpen()) return;
            try {
                channel = FileChannel.open(path, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new SlideException(path, "cannot reopen: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (reopenLock) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
