package org.slidestream.tiff.codec;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/**
 * TIFF predictors (tag 317): 2, horizontal differencing of samples (TIFF 6.0 section 14), and 3,
 * the floating-point predictor (Adobe TIFF Technical Note 3) that splits each row into byte planes
 * before differencing. Applied per row of a strip or tile, with a stride of the samples per pixel
 * stored in the block.
 */
public final class Predictor {
    public static final int NONE = 1;
    public static final int HORIZONTAL = 2;
    public static final int FLOATING_POINT = 3;

    private Predictor() {}

    /** Undoes horizontal differencing in place; {@code block} is one strip or tile as decoded. */
    public static void undoHorizontal(Raster block) {
        int w = block.width(), h = block.height(), s = block.bands(), row = w * s;
        switch (block.type().bytes()) {
            case 1 -> {
                byte[] a = block.bytes();
                for (int y = 0; y < h; y++) for (int i = y * row + s, e = (y + 1) * row; i < e; i++) a[i] += a[i - s];
            }
            case 2 -> {
                short[] a = block.shorts();
                for (int y = 0; y < h; y++) for (int i = y * row + s, e = (y + 1) * row; i < e; i++) a[i] += a[i - s];
            }
            case 4 -> {
                if (block.type().isFloat()) throw new CodecException("horizontal predictor on float samples is not supported");
                int[] a = block.ints();
                for (int y = 0; y < h; y++) for (int i = y * row + s, e = (y + 1) * row; i < e; i++) a[i] += a[i - s];
            }
            default -> throw new CodecException("horizontal predictor on " + block.type() + " is not supported");
        }
    }

    /** Applies horizontal differencing in place (the writer's side of {@link #undoHorizontal}). */
    public static void applyHorizontal(Raster block) {
        int w = block.width(), h = block.height(), s = block.bands(), row = w * s;
        switch (block.type().bytes()) {
            case 1 -> {
                byte[] a = block.bytes();
                for (int y = 0; y < h; y++) for (int i = (y + 1) * row - 1, b = y * row + s; i >= b; i--) a[i] -= a[i - s];
            }
            case 2 -> {
                short[] a = block.shorts();
                for (int y = 0; y < h; y++) for (int i = (y + 1) * row - 1, b = y * row + s; i >= b; i--) a[i] -= a[i - s];
            }
            case 4 -> {
                if (block.type().isFloat()) throw new IllegalArgumentException("use the floating-point predictor for float samples");
                int[] a = block.ints();
                for (int y = 0; y < h; y++) for (int i = (y + 1) * row - 1, b = y * row + s; i >= b; i--) a[i] -= a[i - s];
            }
            default -> throw new IllegalArgumentException("horizontal predictor on " + block.type() + " is not supported");
        }
    }

    /**
     * Undoes the floating-point predictor. Returns the samples as big-endian bytes (the predictor
     * stores the most significant byte plane first, whatever the file's byte order).
     */
    public static byte[] undoFloatingPoint(byte[] data, int width, int height, int samplesPerPixel, PixelType type) {
        int bps = type.bytes();
        int rowBytes = width * samplesPerPixel * bps;
        int wc = width * samplesPerPixel;
        byte[] out = new byte[rowBytes * height];
        for (int y = 0; y < height; y++) {
            int off = y * rowBytes;
            for (int i = off + samplesPerPixel, e = off + rowBytes; i < e; i++) data[i] += data[i - samplesPerPixel];
            for (int k = 0; k < wc; k++) {
                for (int b = 0; b < bps; b++) {
                    out[off + k * bps + b] = data[off + b * wc + k];
                }
            }
        }
        return out;
    }

    /** Applies the floating-point predictor to big-endian sample bytes (the writer's side). */
    public static byte[] applyFloatingPoint(byte[] bigEndian, int width, int height, int samplesPerPixel, PixelType type) {
        int bps = type.bytes();
        int rowBytes = width * samplesPerPixel * bps;
        int wc = width * samplesPerPixel;
        byte[] out = new byte[rowBytes * height];
        for (int y = 0; y < height; y++) {
            int off = y * rowBytes;
            for (int k = 0; k < wc; k++) {
                for (int b = 0; b < bps; b++) {
                    out[off + b * wc + k] = bigEndian[off + k * bps + b];
                }
            }
            for (int i = off + rowBytes - 1, s = off + samplesPerPixel; i >= s; i--) out[i] -= out[i - samplesPerPixel];
        }
        return out;
    }
}
