package org.slidestream.format.png;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slidestream.format.FormatException;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.ZlibCompressor;

/**
 * PNG files to and from {@link Raster}s. Encoding is our own (no {@code BufferedImage}), for
 * 8- and 16-bit gray, gray + alpha, RGB and RGBA, with one reusable compressor per thread, so that
 * many threads can write patches at once. Decoding goes through ImageIO and gives 8- or 16-bit
 * samples; palette images become RGB(A), or gray when the palette is gray; 1-, 2- and 4-bit gray is
 * scaled to 0-255 as Pillow does.
 */
public final class Png {
    private static final ThreadLocal<Deflater> DEFLATERS = ThreadLocal.withInitial(Deflater::new);
    /** Largest image compressed in one native call: its filtered copy is held whole, which is the raster's size again. */
    public static final long WHOLE_BUFFER_LIMIT = 16L << 20;

    private Png() {}

    /** Encodes with {@link PngOptions#DEFAULT}. */
    public static byte[] encode(Raster raster) {
        return encode(raster, PngOptions.DEFAULT);
    }

    public static byte[] encode(Raster raster, PngOptions options) {
        return encode(raster, options, false);
    }

    /**
     * With {@code allowNatives}, an image of up to {@link #WHOLE_BUFFER_LIMIT} bytes is compressed
     * in one call by libdeflate where it is installed (same pixels, a different but equally valid
     * stream, two to three times faster than zlib); larger ones stream through zlib row by row.
     */
    public static byte[] encode(Raster raster, PngOptions options, boolean allowNatives) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, raster.byteSize() / 2 + 1024));
        try {
            write(raster, out, options, allowNatives);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Writes a PNG file with {@link PngOptions#DEFAULT}. */
    public static void write(Raster raster, Path file) throws IOException {
        write(raster, file, PngOptions.DEFAULT);
    }

    public static void write(Raster raster, Path file, PngOptions options) throws IOException {
        write(raster, file, options, false);
    }

    /** Writes a PNG file; {@code allowNatives} as for {@link #encode(Raster, PngOptions, boolean)}. */
    public static void write(Raster raster, Path file, PngOptions options, boolean allowNatives) throws IOException {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(raster, os, options, allowNatives);
        }
    }

    /** Writes a PNG stream (the stream stays open). */
    public static void write(Raster raster, OutputStream out, PngOptions options) throws IOException {
        write(raster, out, options, false);
    }

    /** Writes a PNG stream (the stream stays open); {@code allowNatives} as for {@link #encode(Raster, PngOptions, boolean)}. */
    public static void write(Raster raster, OutputStream out, PngOptions options, boolean allowNatives) throws IOException {
        ZlibCompressor whole = raster.byteSize() <= WHOLE_BUFFER_LIMIT ? Codecs.nativeZlib(allowNatives) : null;
        PngEncoder e = new PngEncoder(out, raster.width(), raster.height(), raster.bands(), raster.type(), options,
                whole == null ? DEFLATERS.get() : null, whole);
        e.start();
        e.writeRows(raster);
        e.finish();
    }

    /** Reads a PNG file. */
    public static Raster read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            return decode(in, file);
        }
    }

    /** Decodes a PNG held in memory. */
    public static Raster decode(byte[] png) throws FormatException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
            return decode(in, null);
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FormatException(null, "cannot read PNG: " + e.getMessage(), e);
        }
    }

    private static Raster decode(ImageInputStream in, Path file) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        ImageReader reader = readers.next();
        try {
            if (!isPng(in)) throw new FormatException(file, "not a PNG file");
            reader.setInput(in, true, true);
            return toRaster(reader.read(0));
        } catch (FormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FormatException(file, "damaged PNG: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    private static boolean isPng(ImageInputStream in) throws IOException {
        byte[] sig = new byte[8];
        in.mark();
        int n = in.read(sig);
        in.reset();
        return n == 8 && (sig[0] & 0xFF) == 0x89 && sig[1] == 'P' && sig[2] == 'N' && sig[3] == 'G';
    }

    /** Samples of a decoded image, interleaved in the colour model's band order. */
    static Raster toRaster(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel icm) return expandPalette(img, icm);
        WritableRaster wr = img.getRaster();
        int w = img.getWidth(), h = img.getHeight(), bands = wr.getNumBands();
        boolean sixteen = wr.getDataBuffer().getDataType() == DataBuffer.TYPE_USHORT;
        int bits = wr.getSampleModel().getSampleSize(0);
        int[] px = wr.getPixels(0, 0, w, h, (int[]) null);
        Raster out = Raster.create(sixteen ? PixelType.UINT16 : PixelType.UINT8, w, h, bands);
        if (sixteen) {
            short[] d = out.shorts();
            for (int i = 0; i < px.length; i++) d[i] = (short) px[i];
        } else {
            byte[] d = out.bytes();
            int max = (1 << Math.min(bits, 8)) - 1;
            for (int i = 0; i < px.length; i++) d[i] = (byte) (bits >= 8 ? px[i] : px[i] * 255 / max);
        }
        return out;
    }

    private static Raster expandPalette(BufferedImage img, IndexColorModel icm) {
        int n = icm.getMapSize();
        boolean alpha = icm.hasAlpha();
        boolean gray = !alpha;
        for (int i = 0; i < n && gray; i++) gray = icm.getRed(i) == icm.getGreen(i) && icm.getGreen(i) == icm.getBlue(i);
        int bands = gray ? 1 : alpha ? 4 : 3;
        int w = img.getWidth(), h = img.getHeight();
        int[] idx = img.getRaster().getPixels(0, 0, w, h, (int[]) null);
        Raster out = Raster.create(PixelType.UINT8, w, h, bands);
        byte[] d = out.bytes();
        for (int i = 0; i < idx.length; i++) {
            int k = idx[i];
            int o = i * bands;
            d[o] = (byte) icm.getRed(k);
            if (bands >= 3) {
                d[o + 1] = (byte) icm.getGreen(k);
                d[o + 2] = (byte) icm.getBlue(k);
            }
            if (bands == 4) d[o + 3] = (byte) icm.getAlpha(k);
        }
        return out;
    }
}
