package org.slidestream.slide;

import java.util.Arrays;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.Reservation;

/**
 * Area-averaging resampling of level pixels to an arbitrary scale: each output pixel is the mean of
 * the level pixels its footprint covers, weighted by the exact overlap (box filter), so non-integer
 * factors and fractional origins are exact. Works in strips of output rows so that the level pixels
 * held at once stay within a scratch bound reserved from the budget, however large the request's
 * footprint at the level is.
 */
final class Resampler {
    /** Target scratch per read: big enough for few strips, small beside any sensible budget. */
    private static final long STRIP_TARGET_BYTES = 32L << 20;

    private Resampler() {}

    /** Per output column: the first source column, how many, and their weights (summing to 1). */
    private record Weights(int[] start, int[] count, double[][] weight) {
        static Weights of(double origin, double factor, int out, int srcSize) {
            int[] start = new int[out], count = new int[out];
            double[][] weight = new double[out][];
            for (int i = 0; i < out; i++) {
                double a = origin + i * factor, b = a + factor;
                int k0 = Math.max(0, (int) Math.floor(a)), k1 = Math.min(srcSize - 1, (int) Math.ceil(b) - 1);
                if (k1 < k0) k1 = k0;
                double[] w = new double[k1 - k0 + 1];
                for (int k = k0; k <= k1; k++) w[k - k0] = Math.max(0, Math.min(b, k + 1) - Math.max(a, k)) / factor;
                start[i] = k0;
                count[i] = w.length;
                weight[i] = w;
            }
            return new Weights(start, count, weight);
        }
    }

    /**
     * Writes {@code outW x outH} pixels into {@code dest}: output pixel (i, j) averages the level
     * pixels of {@code [sx0 + i*f, sx0 + (i+1)*f) x [sy0 + j*f, sy0 + (j+1)*f)}.
     */
    static void read(TiledSlide slide, int level, double sx0, double sy0, double f, int outW, int outH,
                     Plane plane, int bands, Raster dest) {
        PixelType type = dest.type();
        int ix0 = (int) Math.floor(sx0);
        int ix1 = Math.max(ix0 + 1, (int) Math.ceil(sx0 + outW * f - 1e-9));
        long srcW = (long) ix1 - ix0;
        if (srcW > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("region too wide at the level: " + srcW + " pixels");
        Weights hw = Weights.of(sx0 - ix0, f, outW, (int) srcW);
        long srcRowBytes = srcW * bands * type.bytes();
        long accRowBytes = (long) outW * bands * Double.BYTES;
        long perOutRow = (long) Math.ceil(f + 1) * srcRowBytes + accRowBytes;
        long target = Math.min(STRIP_TARGET_BYTES, slide.budget().total() / 8);
        int rowsPerStrip = (int) Math.max(1, Math.min(outH, target / Math.max(1, perOutRow)));
        int maxSrcRows = (int) Math.min(Integer.MAX_VALUE - 64, (long) Math.ceil(rowsPerStrip * f) + 2);
        long scratch = srcRowBytes * maxSrcRows + accRowBytes * (rowsPerStrip + 1) + srcW * bands * Double.BYTES
                + slide.maxTileBytes(level);
        try (Reservation r = slide.budget().reserve(scratch, "resampling " + outW + "x" + outH + " at downsample x" + f)) {
            Raster src = Raster.create(type, (int) srcW, maxSrcRows, bands);
            double[] drow = new double[(int) srcW * bands];
            double[] hrow = new double[outW * bands];
            double[] acc = new double[rowsPerStrip * outW * bands];
            for (int j0 = 0; j0 < outH; j0 += rowsPerStrip) {
                int j1 = Math.min(outH, j0 + rowsPerStrip);
                int iy0 = (int) Math.floor(sy0 + j0 * f);
                int iy1 = Math.max(iy0 + 1, (int) Math.ceil(sy0 + j1 * f - 1e-9));
                iy1 = Math.min(iy1, iy0 + maxSrcRows);
                int rows = iy1 - iy0;
                slide.readLevel(level, new Region(ix0, iy0, (int) srcW, rows), plane, src, 0, 0);
                Arrays.fill(acc, 0, (j1 - j0) * outW * bands, 0);
                for (int r0 = 0; r0 < rows; r0++) {
                    double sy = iy0 + r0;
                    int jFirst = Math.max(j0, (int) Math.floor((sy - sy0) / f) - 1);
                    boolean any = false;
                    for (int j = jFirst; j < j1; j++) {
                        double a = sy0 + j * f, b = a + f;
                        if (a >= sy + 1) break;
                        double w = (Math.min(b, sy + 1) - Math.max(a, sy)) / f;
                        if (w <= 0) continue;
                        if (!any) {
                            toDouble(src, r0, drow);
                            horizontal(drow, hw, bands, hrow);
                            any = true;
                        }
                        int o = (j - j0) * outW * bands;
                        for (int k = 0; k < hrow.length; k++) acc[o + k] += w * hrow[k];
                    }
                }
                for (int j = j0; j < j1; j++) store(acc, (j - j0) * outW * bands, dest, j, outW * bands);
            }
        }
    }

    private static void horizontal(double[] row, Weights hw, int bands, double[] out) {
        int outW = hw.start().length;
        for (int i = 0; i < outW; i++) {
            double[] w = hw.weight()[i];
            int s = hw.start()[i] * bands;
            for (int b = 0; b < bands; b++) {
                double sum = 0;
                for (int k = 0, p = s + b; k < w.length; k++, p += bands) sum += w[k] * row[p];
                out[i * bands + b] = sum;
            }
        }
    }

    private static void toDouble(Raster src, int y, double[] out) {
        int n = out.length, o = src.index(0, y, 0);
        switch (src.type()) {
            case UINT8 -> { byte[] a = src.bytes(); for (int i = 0; i < n; i++) out[i] = a[o + i] & 0xFF; }
            case INT8 -> { byte[] a = src.bytes(); for (int i = 0; i < n; i++) out[i] = a[o + i]; }
            case UINT16 -> { short[] a = src.shorts(); for (int i = 0; i < n; i++) out[i] = a[o + i] & 0xFFFF; }
            case INT16 -> { short[] a = src.shorts(); for (int i = 0; i < n; i++) out[i] = a[o + i]; }
            case UINT32 -> { int[] a = src.ints(); for (int i = 0; i < n; i++) out[i] = a[o + i] & 0xFFFFFFFFL; }
            case INT32 -> { int[] a = src.ints(); for (int i = 0; i < n; i++) out[i] = a[o + i]; }
            case FLOAT32 -> { float[] a = src.floats(); for (int i = 0; i < n; i++) out[i] = a[o + i]; }
            case FLOAT64 -> System.arraycopy(src.doubles(), o, out, 0, n);
        }
    }

    /** Writes one output row, integers rounded half up and clamped to the type's range. */
    private static void store(double[] acc, int from, Raster dest, int y, int n) {
        int o = dest.index(0, y, 0);
        PixelType type = dest.type();
        switch (type) {
            case UINT8, INT8 -> { byte[] a = dest.bytes(); for (int i = 0; i < n; i++) a[o + i] = (byte) round(acc[from + i], type); }
            case UINT16, INT16 -> { short[] a = dest.shorts(); for (int i = 0; i < n; i++) a[o + i] = (short) round(acc[from + i], type); }
            case UINT32, INT32 -> { int[] a = dest.ints(); for (int i = 0; i < n; i++) a[o + i] = (int) round(acc[from + i], type); }
            case FLOAT32 -> { float[] a = dest.floats(); for (int i = 0; i < n; i++) a[o + i] = (float) acc[from + i]; }
            case FLOAT64 -> System.arraycopy(acc, from, dest.doubles(), o, n);
        }
    }

    private static long round(double v, PixelType type) {
        double r = Math.floor(v + 0.5);
        return (long) Math.max(type.minValue(), Math.min(type.maxValue(), r));
    }
}
