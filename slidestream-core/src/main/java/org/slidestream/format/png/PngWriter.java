package org.slidestream.format.png;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/**
 * Writes a PNG of known size from strips of rows, so an image larger than memory (a mask of a
 * whole slide at a low level) can be written as it is produced. For one raster in memory use
 * {@link Png#write}.
 *
 * <pre>{@code
 * try (OutputStream os = Files.newOutputStream(file);
 *      PngWriter png = new PngWriter(os, width, height, 1, PixelType.UINT8, PngOptions.DEFAULT)) {
 *     for (Raster strip : strips) png.writeRows(strip);
 *     png.finish();
 * }
 * }</pre>
 */
public final class PngWriter implements AutoCloseable {
    private final Deflater deflater = new Deflater();
    private final PngEncoder encoder;
    private boolean closed;

    /** Starts the stream (writes the signature and header). {@code out} is not closed by this writer. */
    public PngWriter(OutputStream out, int width, int height, int bands, PixelType type, PngOptions options)
            throws IOException {
        try {
            encoder = new PngEncoder(out, width, height, bands, type, options, deflater);
            encoder.start();
        } catch (IOException | RuntimeException e) {
            deflater.end();
            throw e;
        }
    }

    /** Encodes the next rows: a raster of the image's width, bands and type, any height. */
    public void writeRows(Raster rows) throws IOException {
        ensureOpen();
        encoder.writeRows(rows);
    }

    /** Rows written so far. */
    public int rowsWritten() {
        return encoder.rowsWritten();
    }

    /** Completes the PNG; all rows must have been written. */
    public void finish() throws IOException {
        ensureOpen();
        encoder.finish();
    }

    /** Frees the compressor (native memory). Does not close the output stream. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deflater.end();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("PNG writer is closed");
    }
}
