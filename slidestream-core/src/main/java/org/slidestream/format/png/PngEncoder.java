package org.slidestream.format.png;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tiff.codec.ZlibCompressor;

/**
 * Writes a PNG stream row by row: signature and IHDR first, then filtered rows compressed into
 * IDAT chunks of at most 64 KiB as the compressor produces them, then IEND. Memory is a few rows
 * and the chunk buffer, whatever the image size. Not thread-safe; the Deflater is the caller's.
 * With a whole-buffer {@link ZlibCompressor} instead (for small images, such as patches), the
 * filtered rows are gathered and compressed in one call at {@link #finish}.
 */
final class PngEncoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int CHUNK = 64 * 1024;
    /** Filtered rows are gathered into blocks this big before each call into zlib. */
    private static final int INPUT_BLOCK = 32 * 1024;

    private final OutputStream out;
    private final int width;
    private final int height;
    private final int bands;
    private final PixelType type;
    private final PngFilter filter;
    private final Deflater deflater;
    private final ZlibCompressor whole;
    private final int level;
    private byte[] gathered;
    private int gatheredLength;
    private final int bpp;
    private final int rowBytes;
    private byte[] prev;
    private byte[] cur;
    private final byte[] filtered;
    private final byte[] input;
    private int inputLength;
    private final byte[] chunk = new byte[CHUNK];
    private int chunkLength;
    private final CRC32 crc = new CRC32();
    private int rowsWritten;

    PngEncoder(OutputStream out, int width, int height, int bands, PixelType type, PngOptions options, Deflater deflater) {
        this(out, width, height, bands, type, options, deflater, null);
    }

    /** With {@code whole} non-null, rows are compressed by it at the end and {@code deflater} is unused. */
    PngEncoder(OutputStream out, int width, int height, int bands, PixelType type, PngOptions options, Deflater deflater,
               ZlibCompressor whole) {
        if (type != PixelType.UINT8 && type != PixelType.UINT16) {
            throw new IllegalArgumentException("PNG holds 8 or 16-bit unsigned samples, not " + type);
        }
        if (bands < 1 || bands > 4) throw new IllegalArgumentException("PNG holds 1 to 4 bands, not " + bands);
        if (width < 1 || height < 1) throw new IllegalArgumentException("PNG needs at least one pixel: " + width + "x" + height);
        this.out = out;
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.type = type;
        this.filter = options.filter();
        this.deflater = deflater;
        this.bpp = bands * type.bytes();
        this.rowBytes = Math.multiplyExact(width, bpp);
        this.prev = new byte[rowBytes];
        this.cur = new byte[rowBytes];
        this.filtered = new byte[rowBytes + 1];
        this.whole = whole;
        this.level = options.level();
        if (whole != null) {
            this.input = null;
            this.gathered = new byte[Math.multiplyExact(height, rowBytes + 1)];
            return;
        }
        this.input = new byte[Math.max(INPUT_BLOCK, rowBytes + 1)];
        deflater.reset();
        deflater.setLevel(options.level());
        // zlib's strategy for filtered image data, as libpng chooses it.
        deflater.setStrategy(filter == PngFilter.NONE ? Deflater.DEFAULT_STRATEGY : Deflater.FILTERED);
    }

    void start() throws IOException {
        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = (byte) type.bits();
        ihdr[9] = (byte) switch (bands) {
            case 1 -> 0; // gray
            case 2 -> 4; // gray + alpha
            case 3 -> 2; // RGB
            default -> 6; // RGBA
        };
        // bytes 10-12: Deflate compression, adaptive filtering, no interlace
        writeChunk("IHDR", ihdr, ihdr.length);
    }

    int rowsWritten() { return rowsWritten; }

    /** Encodes every row of {@code rows}, which must have this image's width, bands and type. */
    void writeRows(Raster rows) throws IOException {
        if (rows.width() != width || rows.bands() != bands || rows.type() != type) {
            throw new IllegalArgumentException("rows " + rows + " do not match the PNG's " + width + " x " + bands + " " + type);
        }
        if (rowsWritten + rows.height() > height) {
            throw new IllegalStateException("more than the " + height + " rows the PNG was declared with");
        }
        for (int y = 0; y < rows.height(); y++) {
            loadRow(rows, y);
            byte[] filtered = filterRow();
            if (whole != null) {
                System.arraycopy(filtered, 0, gathered, gatheredLength, filtered.length);
                gatheredLength += filtered.length;
                rotateRows();
                continue;
            }
            if (inputLength + filtered.length > input.length) feed();
            System.arraycopy(filtered, 0, input, inputLength, filtered.length);
            inputLength += filtered.length;
            rotateRows();
        }
    }

    private void rotateRows() {
        byte[] t = prev;
        prev = cur;
        cur = t;
        rowsWritten++;
    }

    private void loadRow(Raster r, int y) {
        int samples = width * bands;
        int start = y * samples;
        if (type == PixelType.UINT8) {
            System.arraycopy(r.bytes(), start, cur, 0, samples);
        } else {
            short[] s = r.shorts();
            for (int i = 0; i < samples; i++) { // PNG stores 16-bit samples big-endian
                short v = s[start + i];
                cur[2 * i] = (byte) (v >>> 8);
                cur[2 * i + 1] = (byte) v;
            }
        }
    }

    /** The filtered row with its filter-type byte first. */
    private byte[] filterRow() {
        PngFilter f = filter == PngFilter.ADAPTIVE ? choose() : filter;
        apply(f, filtered);
        return filtered;
    }

    /**
     * The adaptive choice: the filter whose output has the smallest sum of absolute values as
     * signed bytes (libpng's and Pillow's heuristic). On long rows the sums are taken over every
     * fourth byte, in one pass that computes all five residuals from the same loads; this picks
     * the same filter nearly always at a fraction of the cost of filtering the row five times, and
     * the output is a valid PNG whatever is picked.
     */
    private PngFilter choose() {
        byte[] x = cur, b = prev;
        int step = rowBytes >= 512 ? 4 : 1;
        long none = 0, sub = 0, up = 0, avg = 0, pae = 0;
        for (int i = 0; i < rowBytes; i += step) {
            int xi = x[i] & 0xFF, bi = b[i] & 0xFF;
            int a = i >= bpp ? x[i - bpp] & 0xFF : 0;
            int c = i >= bpp ? b[i - bpp] & 0xFF : 0;
            none += Math.abs((byte) xi);
            sub += Math.abs((byte) (xi - a));
            up += Math.abs((byte) (xi - bi));
            avg += Math.abs((byte) (xi - ((a + bi) >>> 1)));
            pae += Math.abs((byte) (xi - paeth(a, bi, c)));
        }
        // Ties keep the earlier filter, as libpng does.
        PngFilter best = PngFilter.NONE;
        long min = none;
        if (sub < min) { min = sub; best = PngFilter.SUB; }
        if (up < min) { min = up; best = PngFilter.UP; }
        if (avg < min) { min = avg; best = PngFilter.AVERAGE; }
        if (pae < min) best = PngFilter.PAETH;
        return best;
    }

    private void apply(PngFilter f, byte[] dst) {
        byte[] x = cur, b = prev;
        int n = rowBytes, lead = Math.min(bpp, n);
        dst[0] = (byte) f.ordinal();
        switch (f) {
            case NONE -> System.arraycopy(x, 0, dst, 1, n);
            case SUB -> {
                System.arraycopy(x, 0, dst, 1, lead);
                for (int i = bpp; i < n; i++) dst[i + 1] = (byte) (x[i] - x[i - bpp]);
            }
            case UP -> {
                for (int i = 0; i < n; i++) dst[i + 1] = (byte) (x[i] - b[i]);
            }
            case AVERAGE -> {
                for (int i = 0; i < lead; i++) dst[i + 1] = (byte) (x[i] - ((b[i] & 0xFF) >>> 1));
                for (int i = bpp; i < n; i++) dst[i + 1] = (byte) (x[i] - (((x[i - bpp] & 0xFF) + (b[i] & 0xFF)) >>> 1));
            }
            case PAETH -> {
                for (int i = 0; i < lead; i++) dst[i + 1] = (byte) (x[i] - b[i]); // Paeth(0, b, 0) = b
                for (int i = bpp; i < n; i++) {
                    dst[i + 1] = (byte) (x[i] - paeth(x[i - bpp] & 0xFF, b[i] & 0xFF, b[i - bpp] & 0xFF));
                }
            }
            case ADAPTIVE -> throw new AssertionError(f);
        }
    }

    /** The Paeth predictor; the distances are written so that the JIT can avoid branches. */
    static int paeth(int a, int b, int c) {
        int pa = Math.abs(b - c);          // |p - a| with p = a + b - c
        int pb = Math.abs(a - c);          // |p - b|
        int pc = Math.abs(a + b - c - c);  // |p - c|
        int ab = pb < pa ? b : a;          // ties prefer a, then b, as the specification orders them
        int pab = Math.min(pa, pb);
        return pc < pab ? c : ab;
    }

    /** Hands the gathered rows to zlib and writes what it produces. */
    private void feed() throws IOException {
        if (inputLength == 0) return;
        deflater.setInput(input, 0, inputLength);
        while (!deflater.needsInput()) drain(Deflater.NO_FLUSH);
        inputLength = 0;
    }

    private void drain(int flush) throws IOException {
        int n = deflater.deflate(chunk, chunkLength, CHUNK - chunkLength, flush);
        chunkLength += n;
        if (chunkLength == CHUNK) flushIdat();
    }

    private void flushIdat() throws IOException {
        if (chunkLength == 0) return;
        writeChunk("IDAT", chunk, chunkLength);
        chunkLength = 0;
    }

    /** Completes the stream; every declared row must have been written. */
    void finish() throws IOException {
        if (rowsWritten != height) {
            throw new IllegalStateException("PNG declared " + height + " rows but " + rowsWritten + " were written");
        }
        if (whole != null) {
            byte[] z = whole.compress(gathered, 0, gatheredLength, level);
            gathered = null;
            for (int off = 0; off < z.length; off += CHUNK) writeChunk("IDAT", z, off, Math.min(CHUNK, z.length - off));
        } else {
            feed();
            deflater.finish();
            while (!deflater.finished()) drain(Deflater.NO_FLUSH);
            flushIdat();
        }
        writeChunk("IEND", chunk, 0);
        out.flush();
    }

    private void writeChunk(String name, byte[] data, int length) throws IOException {
        writeChunk(name, data, 0, length);
    }

    private void writeChunk(String name, byte[] data, int off, int length) throws IOException {
        byte[] head = new byte[8];
        putInt(head, 0, length);
        byte[] tag = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, head, 4, 4);
        crc.reset();
        crc.update(tag);
        crc.update(data, off, length);
        out.write(head);
        out.write(data, off, length);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(tail);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
