package org.slidestream.tiff.writer;

import org.slidestream.image.Raster;

/**
 * The two pixel operations the pyramid needs: a tile's 2x2 area average (the next level's pixels)
 * and edge replication of a partial tile's padding. Odd edges average the last row or column with
 * itself, so every output pixel is the mean of the input pixels it covers, rounded half up.
 */
final class Downsample {
    private Downsample() {}

    /** The 2x2 average of the top-left {@code vw x vh} pixels of {@code t}: ceil(vw/2) x ceil(vh/2). */
    static Raster half(Raster t, int vw, int vh) {
        return half(t, vw, vh, Raster.create(t.type(), (vw + 1) / 2, (vh + 1) / 2, t.bands()));
    }

    /** {@link #half(Raster, int, int)} into {@code out}, which has exactly the half's shape; every sample is written. */
    static Raster half(Raster t, int vw, int vh, Raster out) {
        int hw = (vw + 1) / 2, hh = (vh + 1) / 2, b = t.bands(), w = t.width();
        if (out.width() != hw || out.height() != hh || out.bands() != b || out.type() != t.type()) {
            throw new IllegalArgumentException("half of " + vw + "x" + vh + " does not fit " + out.width() + "x" + out.height());
        }
        switch (t.type()) {
            case UINT8 -> {
                halfBytes(t.bytes(), out.bytes(), w, vw, vh, b);
                return out;
            }
            case UINT16 -> {
                halfShorts(t.shorts(), out.shorts(), w, vw, vh, b);
                return out;
            }
            default -> { }
        }
        for (int y = 0; y < hh; y++) {
            int r0 = 2 * y * w, r1 = Math.min(2 * y + 1, vh - 1) * w;
            for (int x = 0; x < hw; x++) {
                int x0 = 2 * x, x1 = Math.min(2 * x + 1, vw - 1);
                int i00 = (r0 + x0) * b, i01 = (r0 + x1) * b, i10 = (r1 + x0) * b, i11 = (r1 + x1) * b;
                int o = (y * hw + x) * b;
                average(t, out, i00, i01, i10, i11, o, b);
            }
        }
        return out;
    }

    /** The top-left pixel of each 2x2 block of the top-left {@code vw x vh} pixels: ceil(vw/2) x ceil(vh/2). */
    static Raster nearest(Raster t, int vw, int vh) {
        int hw = (vw + 1) / 2, hh = (vh + 1) / 2, w = t.width();
        Raster out = Raster.create(t.type(), hw, hh, t.bands());
        for (int y = 0; y < hh; y++) {
            for (int x = 0; x < hw; x++) out.copyFrom(t, 2 * x, 2 * y, x, y, 1, 1);
        }
        return out;
    }

    /** The hot path: 8-bit samples, rows of {@code w} pixels of {@code b} samples. */
    private static void halfBytes(byte[] s, byte[] d, int w, int vw, int vh, int b) {
        int hw = (vw + 1) / 2, hh = (vh + 1) / 2, pairs = vw / 2;
        for (int y = 0; y < hh; y++) {
            int r0 = 2 * y * w * b, r1 = Math.min(2 * y + 1, vh - 1) * w * b;
            int o = y * hw * b;
            if (b == 3) {
                halfRgbRow(s, d, r0, r1, o, pairs);
            } else if (b == 1) {
                halfGrayRow(s, d, r0, r1, o, pairs);
            } else {
                for (int x = 0; x < pairs; x++) {
                    int i0 = r0 + 2 * x * b, i1 = r1 + 2 * x * b;
                    for (int c = 0; c < b; c++) {
                        d[o + x * b + c] = (byte) (((s[i0 + c] & 0xFF) + (s[i0 + b + c] & 0xFF) + (s[i1 + c] & 0xFF)
                                + (s[i1 + b + c] & 0xFF) + 2) >> 2);
                    }
                }
            }
            if (pairs < hw) { // odd width: the last column averages with itself
                int i0 = r0 + 2 * pairs * b, i1 = r1 + 2 * pairs * b, oo = o + pairs * b;
                for (int c = 0; c < b; c++) {
                    d[oo + c] = (byte) ((2 * (s[i0 + c] & 0xFF) + 2 * (s[i1 + c] & 0xFF) + 2) >> 2);
                }
            }
        }
    }

    /** One output row of RGB pixels from the two input rows at {@code r0} and {@code r1}, unrolled (the JIT keeps it in registers). */
    private static void halfRgbRow(byte[] s, byte[] d, int r0, int r1, int o, int pairs) {
        for (int x = 0; x < pairs; x++, r0 += 6, r1 += 6, o += 3) {
            d[o] = (byte) (((s[r0] & 0xFF) + (s[r0 + 3] & 0xFF) + (s[r1] & 0xFF) + (s[r1 + 3] & 0xFF) + 2) >> 2);
            d[o + 1] = (byte) (((s[r0 + 1] & 0xFF) + (s[r0 + 4] & 0xFF) + (s[r1 + 1] & 0xFF) + (s[r1 + 4] & 0xFF) + 2) >> 2);
            d[o + 2] = (byte) (((s[r0 + 2] & 0xFF) + (s[r0 + 5] & 0xFF) + (s[r1 + 2] & 0xFF) + (s[r1 + 5] & 0xFF) + 2) >> 2);
        }
    }

    private static void halfGrayRow(byte[] s, byte[] d, int r0, int r1, int o, int pairs) {
        for (int x = 0; x < pairs; x++, r0 += 2, r1 += 2, o++) {
            d[o] = (byte) (((s[r0] & 0xFF) + (s[r0 + 1] & 0xFF) + (s[r1] & 0xFF) + (s[r1 + 1] & 0xFF) + 2) >> 2);
        }
    }

    private static void halfShorts(short[] s, short[] d, int w, int vw, int vh, int b) {
        int hw = (vw + 1) / 2, hh = (vh + 1) / 2;
        for (int y = 0; y < hh; y++) {
            int r0 = 2 * y * w * b, r1 = Math.min(2 * y + 1, vh - 1) * w * b;
            int o = y * hw * b;
            for (int x = 0; x < hw; x++) {
                int i0 = r0 + 2 * x * b, i1 = r1 + 2 * x * b;
                int step = 2 * x + 1 < vw ? b : 0;
                for (int c = 0; c < b; c++, o++) {
                    d[o] = (short) (((s[i0 + c] & 0xFFFF) + (s[i0 + step + c] & 0xFFFF) + (s[i1 + c] & 0xFFFF)
                            + (s[i1 + step + c] & 0xFFFF) + 2) >> 2);
                }
            }
        }
    }

    private static void average(Raster t, Raster out, int i00, int i01, int i10, int i11, int o, int b) {
        switch (t.type()) {
            case UINT8 -> {
                byte[] s = t.bytes(), d = out.bytes();
                for (int c = 0; c < b; c++) {
                    d[o + c] = (byte) (((s[i00 + c] & 0xFF) + (s[i01 + c] & 0xFF) + (s[i10 + c] & 0xFF) + (s[i11 + c] & 0xFF) + 2) >> 2);
                }
            }
            case INT8 -> {
                byte[] s = t.bytes(), d = out.bytes();
                for (int c = 0; c < b; c++) d[o + c] = (byte) ((s[i00 + c] + s[i01 + c] + s[i10 + c] + s[i11 + c] + 2) >> 2);
            }
            case UINT16 -> {
                short[] s = t.shorts(), d = out.shorts();
                for (int c = 0; c < b; c++) {
                    d[o + c] = (short) (((s[i00 + c] & 0xFFFF) + (s[i01 + c] & 0xFFFF) + (s[i10 + c] & 0xFFFF) + (s[i11 + c] & 0xFFFF) + 2) >> 2);
                }
            }
            case INT16 -> {
                short[] s = t.shorts(), d = out.shorts();
                for (int c = 0; c < b; c++) d[o + c] = (short) ((s[i00 + c] + s[i01 + c] + s[i10 + c] + s[i11 + c] + 2) >> 2);
            }
            case UINT32 -> {
                int[] s = t.ints(), d = out.ints();
                for (int c = 0; c < b; c++) {
                    d[o + c] = (int) (((s[i00 + c] & 0xFFFFFFFFL) + (s[i01 + c] & 0xFFFFFFFFL) + (s[i10 + c] & 0xFFFFFFFFL)
                            + (s[i11 + c] & 0xFFFFFFFFL) + 2) >> 2);
                }
            }
            case INT32 -> {
                int[] s = t.ints(), d = out.ints();
                for (int c = 0; c < b; c++) d[o + c] = (int) (((long) s[i00 + c] + s[i01 + c] + s[i10 + c] + s[i11 + c] + 2) >> 2);
            }
            case FLOAT32 -> {
                float[] s = t.floats(), d = out.floats();
                for (int c = 0; c < b; c++) d[o + c] = ((s[i00 + c] + s[i01 + c]) + (s[i10 + c] + s[i11 + c])) * 0.25f;
            }
            case FLOAT64 -> {
                double[] s = t.doubles(), d = out.doubles();
                for (int c = 0; c < b; c++) d[o + c] = ((s[i00 + c] + s[i01 + c]) + (s[i10 + c] + s[i11 + c])) * 0.25;
            }
        }
    }

    /**
     * Fills the padding of a partial tile (outside its top-left {@code vw x vh}) by repeating the
     * last valid column and row: invisible to readers, and the cheapest padding for JPEG and the
     * predictors to encode.
     */
    static void pad(Raster t, int vw, int vh) {
        int w = t.width(), h = t.height(), b = t.bands();
        if (vw >= w && vh >= h) return;
        Object a = t.array();
        if (vw < w) {
            for (int y = 0; y < vh; y++) {
                int src = (y * w + vw - 1) * b;
                for (int x = vw; x < w; x++) System.arraycopy(a, src, a, (y * w + x) * b, b);
            }
        }
        for (int y = vh; y < h; y++) System.arraycopy(a, (vh - 1) * w * b, a, y * w * b, w * b);
    }
}
