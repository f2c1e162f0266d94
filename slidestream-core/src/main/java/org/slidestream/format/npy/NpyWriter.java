package org.slidestream.format.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.slidestream.image.Raster;
import org.slidestream.io.AtomicOutput;

/**
 * Writes a {@code .npy} array row by row, with memory independent of the number of rows: a stack
 * of patches ({@code N x H x W x C uint8}), a feature matrix ({@code N x D float32}), coordinates
 * ({@code N x 2 int64}). A "row" is one index of the first dimension; {@code rowShape} is the rest.
 *
 * <p>The header is written padded so that it can be rewritten in place with the final row count,
 * whether or not the count was known in advance. Rows are appended in order, or written at their
 * index ({@link #write}) when the count is known, so that workers finishing out of order still
 * produce the same file.
 *
 * <pre>{@code
 * try (NpyWriter w = NpyWriter.create(dir.resolve("patches.npy"), NpyDtype.UINT8, new long[] {256, 256, 3})) {
 *     for (Raster patch : patches) w.append(patch);
 *     w.commit();               // final shape (N, 256, 256, 3), renamed into place
 * }                             // not committed (an exception): nothing is left under the name
 * }</pre>
 *
 * <p>Methods are synchronized; one writer thread is the expected use.
 */
public final class NpyWriter implements AutoCloseable {
    /** Largest chunk converted at once, so that writing a huge array needs no second copy of it. */
    private static final int SCRATCH_BYTES = 1 << 20;

    private final Path target;
    private final AtomicOutput atomic;
    private final FileChannel channel;
    private final NpyDtype dtype;
    private final long[] rowShape;
    private final long rowSamples;
    private final long rowBytes;
    private final long declaredRows;
    private final int headerLength;
    private final ByteBuffer scratch;
    private long rows;
    private boolean committed;
    private boolean closed;

    private NpyWriter(Path target, AtomicOutput atomic, FileChannel channel, NpyDtype dtype, long[] rowShape,
                      long declaredRows) throws IOException {
        this.target = target;
        this.atomic = atomic;
        this.channel = channel;
        this.dtype = dtype;
        this.rowShape = rowShape.clone();
        long n = 1;
        for (long d : rowShape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in row shape " + Arrays.toString(rowShape));
            n = Math.multiplyExact(n, d);
        }
        this.rowSamples = n;
        this.rowBytes = Math.multiplyExact(n, dtype.size());
        this.declaredRows = declaredRows;
        // Reserve room for the widest leading dimension so the final header always fits.
        this.headerLength = NpyHeader.encode(dtype, false, shape(Long.MAX_VALUE), 0).length;
        this.scratch = ByteBuffer.allocate((int) Math.max(dtype.size(), Math.min(SCRATCH_BYTES, rowBytes * 16)))
                .order(dtype.order());
        this.rows = 0;
        writeHeader(Math.max(declaredRows, 0));
    }

    /** An array of unknown length, written under a temporary name and renamed by {@link #commit()}. */
    public static NpyWriter create(Path target, NpyDtype dtype, long[] rowShape) throws IOException {
        return create(target, dtype, rowShape, -1, true);
    }

    /**
     * An array whose rows have shape {@code rowShape}.
     *
     * @param rows   the number of rows when known (rows may then be written in any order with
     *               {@link #write}; rows never written read as zeros), or -1 when unknown
     * @param atomic write under a temporary name ({@link AtomicOutput}) and rename at
     *               {@link #commit()}; false writes {@code target} directly
     */
    public static NpyWriter create(Path target, NpyDtype dtype, long[] rowShape, long rows, boolean atomic)
            throws IOException {
        if (rows < -1) throw new IllegalArgumentException("rows must be -1 (unknown) or a count: " + rows);
        AtomicOutput out = atomic ? AtomicOutput.file(target) : null;
        Path file = atomic ? out.path() : target;
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return new NpyWriter(target, out, ch, dtype, rowShape, rows);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (out != null) out.close();
            throw e;
        }
    }

    public NpyDtype dtype() { return dtype; }

    public long[] rowShape() { return rowShape.clone(); }

    /** Rows in the array so far: the highest row written plus one, or the declared count. */
    public synchronized long rows() {
        return Math.max(rows, declaredRows);
    }

    /**
     * Appends whole rows after the last one written. {@code samples} is a {@link Raster} (a patch
     * whose height x width x bands is the row shape, or several rows of samples), a primitive array
     * ({@code byte[]} for one-byte types, {@code short[]}, {@code int[]}, {@code long[]},
     * {@code float[]}, {@code double[]} matching the element size and integer/float kind), or a
     * {@link ByteBuffer} of raw elements already in the file's byte order.
     */
    public synchronized void append(Object samples) throws IOException {
        write(rows, samples);
    }

    /** Writes whole rows starting at row {@code firstRow} (see {@link #append} for the samples). */
    public synchronized void write(long firstRow, Object samples) throws IOException {
        ensureOpen();
        if (firstRow < 0) throw new IndexOutOfBoundsException("negative row " + firstRow);
        switch (samples) {
            case Raster r -> {
                if (!NpyDtype.of(r.type()).withOrder(dtype.order()).equals(dtype)) {
                    throw new IllegalArgumentException(r.type() + " raster written to a " + dtype + " array");
                }
                writeArray(firstRow, r.array(), r.sampleCount());
            }
            case ByteBuffer b -> writeBytes(firstRow, b);
            default -> {
                int n = Samples.length(samples);
                if (n < 0 || !Samples.holds(samples, dtype)) {
                    throw new IllegalArgumentException((samples == null ? "null" : samples.getClass().getSimpleName())
                            + " cannot hold " + dtype + " elements");
                }
                writeArray(firstRow, samples, n);
            }
        }
    }

    private void writeArray(long firstRow, Object array, int count) throws IOException {
        long newRows = checkRows(firstRow, count, rowSamples, "samples");
        long pos = offset(firstRow);
        int per = scratch.capacity() / dtype.size();
        for (int i = 0; i < count; i += per) {
            int k = Math.min(per, count - i);
            scratch.clear();
            Samples.put(array, i, k, scratch);
            scratch.flip();
            pos += writeFully(scratch, pos);
        }
        rows = Math.max(rows, newRows);
    }

    private void writeBytes(long firstRow, ByteBuffer b) throws IOException {
        long newRows = checkRows(firstRow, b.remaining(), rowBytes, "bytes");
        writeFully(b.duplicate(), offset(firstRow));
        b.position(b.limit());
        rows = Math.max(rows, newRows);
    }

    /** Checks that {@code amount} is whole rows fitting the declared count; returns the row after them. */
    private long checkRows(long firstRow, long amount, long perRow, String unit) {
        if (perRow == 0 ? amount != 0 : amount % perRow != 0) {
            throw new IllegalArgumentException(amount + " " + unit + " are not whole rows of " + perRow
                    + " (row shape " + Arrays.toString(rowShape) + ", " + dtype + ")");
        }
        long end = firstRow + (perRow == 0 ? 0 : amount / perRow);
        if (declaredRows >= 0 && end > declaredRows) {
            throw new IndexOutOfBoundsException("rows " + firstRow + ".." + (end - 1) + " beyond the declared "
                    + declaredRows + " rows of " + target);
        }
        return end;
    }

    private long offset(long row) {
        return headerLength + row * rowBytes;
    }

    private int writeFully(ByteBuffer b, long pos) throws IOException {
        int n = b.remaining();
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
        return n;
    }

    private void writeHeader(long rowCount) throws IOException {
        writeFully(ByteBuffer.wrap(NpyHeader.encode(dtype, false, shape(rowCount), headerLength)), 0);
    }

    private long[] shape(long rowCount) {
        long[] s = new long[rowShape.length + 1];
        s[0] = rowCount;
        System.arraycopy(rowShape, 0, s, 1, rowShape.length);
        return s;
    }

    /** Writes the final header and length, closes the file and renames it into place when atomic. */
    public synchronized void commit() throws IOException {
        ensureOpen();
        finishFile();
        if (atomic != null) atomic.commit();
        committed = true;
        closed = true;
    }

    private void finishFile() throws IOException {
        try (channel) {
            long n = rows();
            writeHeader(n);
            long end = offset(n);
            if (channel.size() > end) channel.truncate(end);
            else if (channel.size() < end) writeFully(ByteBuffer.allocate(1), end - 1); // rows never written: zeros
        }
    }

    /**
     * Without {@link #commit()}: an atomic writer deletes its temporary file (nothing appears under
     * the target name); a direct writer finishes the file with the rows written so far.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        if (atomic != null) {
            channel.close();
            atomic.close();
        } else {
            finishFile();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("npy writer for " + target + " is closed");
    }

    @Override
    public String toString() {
        return "NpyWriter[" + target + " " + dtype + " rows=" + rows + " x " + Arrays.toString(rowShape) + "]";
    }
}
