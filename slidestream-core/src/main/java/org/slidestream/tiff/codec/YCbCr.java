package org.slidestream.tiff.codec;

/**
 * YCbCr to RGB for 8-bit samples, in the two integer forms the reference decoders use, so that
 * our pixels match theirs exactly rather than within rounding:
 * <ul>
 * <li>{@link #jpegToRgb}: libjpeg's {@code jdcolor.c} (JFIF, 16-bit fixed point), which the JDK's
 * ImageIO, libjpeg-turbo and PIL all use;</li>
 * <li>{@link #aperioToRgb}: OpenSlide's tables for Aperio JPEG 2000 with YCbCr components
 * (compression 33003), which OpenJPEG leaves unconverted.</li>
 * </ul>
 */
final class YCbCr {
    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);

    // libjpeg: Cr_r_tab, Cb_b_tab (rounded), Cr_g_tab and Cb_g_tab (scaled, summed then shifted).
    private static final int[] JPEG_R_CR = new int[256];
    private static final int[] JPEG_B_CB = new int[256];
    private static final int[] JPEG_G_CR = new int[256];
    private static final int[] JPEG_G_CB = new int[256];

    // OpenSlide's make-tables.c: the same coefficients, rounded with C's round() (half away from zero).
    private static final int[] OS_R_CR = new int[256];
    private static final int[] OS_B_CB = new int[256];
    private static final int[] OS_G_CB = new int[256];
    private static final int[] OS_G_CR = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            long x = i - 128;
            JPEG_R_CR[i] = (int) ((fix(1.40200) * x + ONE_HALF) >> SCALE_BITS);
            JPEG_B_CB[i] = (int) ((fix(1.77200) * x + ONE_HALF) >> SCALE_BITS);
            JPEG_G_CR[i] = (int) (-fix(0.71414) * x);
            JPEG_G_CB[i] = (int) (-fix(0.34414) * x + ONE_HALF);

            OS_R_CR[i] = cRound(1.402 * x);
            OS_B_CB[i] = cRound(1.772 * x);
            OS_G_CB[i] = cRound((1 << 16) * (0.5 - 0.34414 * x));
            OS_G_CR[i] = cRound((1 << 16) * -0.71414 * x);
        }
    }

    private YCbCr() {}

    private static long fix(double v) {
        return (long) (v * (1L << SCALE_BITS) + 0.5);
    }

    private static int cRound(double v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5));
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Converts {@code pixels} interleaved Y,Cb,Cr triplets at {@code offset} to R,G,B in place (libjpeg). */
    static void jpegToRgb(byte[] data, int offset, int pixels) {
        for (int i = offset, e = offset + 3 * pixels; i < e; i += 3) {
            int y = data[i] & 0xFF, cb = data[i + 1] & 0xFF, cr = data[i + 2] & 0xFF;
            data[i] = (byte) clamp(y + JPEG_R_CR[cr]);
            data[i + 1] = (byte) clamp(y + ((JPEG_G_CB[cb] + JPEG_G_CR[cr]) >> SCALE_BITS));
            data[i + 2] = (byte) clamp(y + JPEG_B_CB[cb]);
        }
    }

    /** Converts {@code pixels} interleaved Y,Cb,Cr triplets at {@code offset} to R,G,B in place (OpenSlide). */
    static void aperioToRgb(byte[] data, int offset, int pixels) {
        for (int i = offset, e = offset + 3 * pixels; i < e; i += 3) {
            int y = data[i] & 0xFF, cb = data[i + 1] & 0xFF, cr = data[i + 2] & 0xFF;
            data[i] = (byte) clamp(y + OS_R_CR[cr]);
            data[i + 1] = (byte) clamp(y + ((OS_G_CB[cb] + OS_G_CR[cr]) >> 16));
            data[i + 2] = (byte) clamp(y + OS_B_CB[cb]);
        }
    }
}
