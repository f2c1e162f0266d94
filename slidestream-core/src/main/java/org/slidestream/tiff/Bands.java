package org.slidestream.tiff;

import java.util.Arrays;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * Copies and fills of rectangles between rasters of the same pixel type, for some bands only (a
 * channel of a multi-channel tile, the channels of one TIFF image into their place in a slide's
 * bands). One loop per array type, no per-sample dispatch.
 */
final class Bands {
    private Bands() {}

    /**
     * Copies bands {@code srcBand .. srcBand+n} of a {@code w x h} block at {@code (sx, sy)} of
     * {@code src} to bands {@code destBand ..} of {@code dest} at {@code (dx, dy)}.
     */
    static void copy(Raster src, int sx, int sy, int srcBand, Raster dest, int dx, int dy, int destBand, int n, int w, int h) {
        if (srcBand == 0 && destBand == 0 && n == src.bands() && n == dest.bands()) {
            dest.copyFrom(src, sx, sy, dx, dy, w, h);
            return;
        }
        int sb = src.bands(), db = dest.bands();
        Object s = src.array(), d = dest.array();
        for (int y = 0; y < h; y++) {
            int si = src.index(sx, sy + y, srcBand), di = dest.index(dx, dy + y, destBand);
            switch (s) {
                case byte[] a -> copyRow(a, si, sb, (byte[]) d, di, db, n, w);
                case short[] a -> { short[] o = (short[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                case int[] a -> { int[] o = (int[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                case float[] a -> { float[] o = (float[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                case double[] a -> { double[] o = (double[]) d; for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b]; }
                default -> throw new IllegalStateException(s.getClass().toString());
            }
        }
    }

    private static void copyRow(byte[] a, int si, int sb, byte[] o, int di, int db, int n, int w) {
        if (n == 1) {
            for (int x = 0; x < w; x++, si += sb, di += db) o[di] = a[si];
        } else {
            for (int x = 0; x < w; x++, si += sb, di += db) for (int b = 0; b < n; b++) o[di + b] = a[si + b];
        }
    }

    /** Sets bands {@code band0 .. band0+n} of a {@code w x h} block at {@code (x, y)} to {@code v}. */
    static void fill(Raster dest, int x, int y, int band0, int n, int w, int h, double v) {
        if (band0 == 0 && n == dest.bands()) {
            dest.fill(new Region(x, y, w, h), v);
            return;
        }
        Raster one = Raster.create(dest.type(), 1, 1, 1);
        one.fill(v);
        Object s = one.array(), d = dest.array();
        int db = dest.bands();
        for (int r = 0; r < h; r++) {
            int di = dest.index(x, y + r, band0);
            for (int c = 0; c < w; c++, di += db) {
                switch (d) {
                    case byte[] o -> Arrays.fill(o, di, di + n, ((byte[]) s)[0]);
                    case short[] o -> Arrays.fill(o, di, di + n, ((short[]) s)[0]);
                    case int[] o -> Arrays.fill(o, di, di + n, ((int[]) s)[0]);
                    case float[] o -> Arrays.fill(o, di, di + n, ((float[]) s)[0]);
                    case double[] o -> Arrays.fill(o, di, di + n, ((double[]) s)[0]);
                    default -> throw new IllegalStateException(d.getClass().toString());
                }
            }
        }
    }
}
