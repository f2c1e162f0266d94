package org.slidestream.format.npy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.slidestream.format.FormatException;
import org.slidestream.image.Raster;

/**
 * Reads parts of a {@code .npy} file without loading it: rows of a stack, a box of a volume (a z
 * slice, or an xz or yz plane), converted to Java arrays. Reads go through a bounded buffer, so
 * memory is the size of what is read plus at most 1 MiB, whatever the file's size. C and Fortran
 * order, either byte order. Thread-safe.
 */
public final class NpyReader implements AutoCloseable {
    private static final int WINDOW_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final NpyHeader header;
    private final long[] shape;
    private final long[] strides;

    private NpyReader(Path file, FileChannel channel, NpyHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.shape = header.shape();
        this.strides = strides(shape, header.dtype().size(), header.fortranOrder());
    }

    /** Opens a file and checks its header against its length. */
    public static NpyReader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            NpyHeader h = NpyHeader.read(ch, file);
            long need;
            try {
                need = Math.addExact(h.dataOffset(), h.dataLength());
            } catch (ArithmeticException e) {
                throw new FormatException(file, "shape " + Arrays.toString(h.shape()) + " is too large", e);
            }
            if (ch.size() < need) {
                throw new FormatException(file, "truncated .npy: the header announces " + h.dataLength()
                        + " bytes of data, the file holds " + Math.max(0, ch.size() - h.dataOffset()));
            }
            return new NpyReader(file, ch, h);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static long[] strides(long[] shape, int item, boolean fortran) {
        long[] s = new long[shape.length];
        long acc = item;
        for (int i = 0; i < shape.length; i++) {
            int d = fortran ? i : shape.length - 1 - i;
            s[d] = acc;
            acc *= Math.max(1, shape[d]);
        }
        return s;
    }

    public NpyHeader header() { return header; }

    public NpyDtype dtype() { return header.dtype(); }

    public long[] shape() { return shape.clone(); }

    public Path file() { return file; }

    /**
     * The box {@code [start, start + size)} in C order, as the Java array that holds the element type
     * bit for bit: {@code byte[]} for one-byte types, {@code short[]}, {@code int[]} or
     * {@code float[]} for four bytes, {@code long[]} or {@code double[]} for eight.
     */
    public Object read(long[] start, int[] size) throws IOException {
        ByteBuffer b = readBox(start, size);
        int n = b.remaining() / dtype().size();
        Object out = Samples.allocate(dtype(), n);
        Samples.get(b, out, 0, n);
        return out;
    }

    /** The box {@code [start, start + size)} in C order, any numeric type converted to float. */
    public float[] readFloats(long[] start, int[] size) throws IOException {
        ByteBuffer b = readBox(start, size);
        NpyDtype t = dtype();
        float[] out = new float[b.remaining() / t.size()];
        for (int i = 0; i < out.length; i++) out[i] = Samples.getFloat(b, i * t.size(), t);
        return out;
    }

    /** Rows {@code first .. first + count - 1} (indices of the first dimension), as {@link #read}. */
    public Object readRows(long first, int count) throws IOException {
        if (shape.length == 0) throw new IllegalStateException(file + " holds a scalar, not rows");
        long[] start = new long[shape.length];
        int[] size = new int[shape.length];
        start[0] = first;
        size[0] = count;
        for (int d = 1; d < shape.length; d++) size[d] = Math.toIntExact(shape[d]);
        return read(start, size);
    }

    /**
     * Image {@code index} of a stack of shape {@code (N, H, W)} or {@code (N, H, W, C)}, such as a
     * {@code patches.npy}, as a raster of the matching sample type.
     */
    public Raster readRaster(long index) throws IOException {
        if (shape.length != 3 && shape.length != 4) {
            throw new IllegalStateException(file + " of shape " + Arrays.toString(shape) + " is not a stack of images");
        }
        int h = Math.toIntExact(shape[1]);
        int w = Math.toIntExact(shape[2]);
        int bands = shape.length == 4 ? Math.toIntExact(shape[3]) : 1;
        return Raster.wrap(dtype().pixelType(), w, h, bands, readRows(index, 1));
    }

    private ByteBuffer readBox(long[] start, int[] size) throws IOException {
        int rank = shape.length;
        if (start.length != rank || size.length != rank) {
            throw new IllegalArgumentException("box of rank " + start.length + "/" + size.length + " for an array of rank " + rank);
        }
        long count = 1;
        for (int d = 0; d < rank; d++) {
            if (start[d] < 0 || size[d] < 0 || start[d] + size[d] > shape[d]) {
                throw new IndexOutOfBoundsException("box start " + Arrays.toString(start) + " size " + Arrays.toString(size)
                        + " outside shape " + Arrays.toString(shape) + " of " + file);
            }
            count *= size[d];
        }
        int item = dtype().size();
        if (count * item > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("box of " + count + " elements is larger than one Java array; read it in parts");
        }
        ByteBuffer out = ByteBuffer.allocate((int) (count * item)).order(dtype().order());
        if (count == 0) return out;

        // The run: trailing dimensions read whole are contiguous in C order, so each run covers them
        // and the partial dimension before them; the outer dimensions are iterated.
        int k = rank;
        long runElems = 1;
        if (!header.fortranOrder() || rank <= 1) {
            k = rank - 1;
            runElems = rank == 0 ? 1 : size[k];
            while (k > 0 && size[k] == shape[k]) {
                k--;
                runElems *= size[k];
            }
            if (rank == 0) k = 0;
        }
        int runBytes = (int) (runElems * item);
        long gap = k > 0 ? strides[k - 1] : Long.MAX_VALUE;
        Window window = new Window(channel, file, header.dataOffset() + header.dataLength(), runBytes, gap);
        long[] idx = new long[k];
        long base = header.dataOffset();
        for (int d = k; d < rank; d++) base += start[d] * strides[d];
        while (true) {
            long off = base;
            for (int d = 0; d < k; d++) off += (start[d] + idx[d]) * strides[d];
            window.copy(off, runBytes, out);
            int d = k - 1;
            while (d >= 0 && ++idx[d] == size[d]) idx[d--] = 0;
            if (d < 0) break;
        }
        return out.flip();
    }

    /**
     * Serves runs of bytes from one buffer refilled from the file. When runs are close together
     * (a row of a plane) one refill serves many; when they are far apart (a yz plane of a large
     * volume) each run is read alone instead of reading the bytes between them.
     */
    private static final class Window {
        private final FileChannel channel;
        private final Path file;
        private final long end;
        private final int capacity;
        private ByteBuffer buf;
        private long bufStart = -1;

        Window(FileChannel channel, Path file, long end, int runBytes, long gap) {
            this.channel = channel;
            this.file = file;
            this.end = end;
            this.capacity = Math.max(1, gap <= WINDOW_BYTES / 2 ? WINDOW_BYTES : Math.min(runBytes, WINDOW_BYTES));
        }

        void copy(long off, int len, ByteBuffer out) throws IOException {
            if (len >= capacity) { // a run as large as the window: straight into the result
                readFully(out.slice(out.position(), len), off);
                out.position(out.position() + len);
                return;
            }
            if (buf == null) buf = ByteBuffer.allocate(capacity);
            if (bufStart < 0 || off < bufStart || off + len > bufStart + buf.limit()) {
                buf.clear();
                buf.limit((int) Math.min(buf.capacity(), end - off));
                readFully(buf, off);
                buf.flip();
                bufStart = off;
            }
            out.put(buf.array(), (int) (off - bufStart), len);
        }

        private void readFully(ByteBuffer dst, long pos) throws IOException {
            while (dst.hasRemaining()) {
                int k = channel.read(dst, pos);
                if (k < 0) throw new FormatException(file, "truncated .npy data", new EOFException());
                pos += k;
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "NpyReader[" + file + " " + header + "]";
    }
}
