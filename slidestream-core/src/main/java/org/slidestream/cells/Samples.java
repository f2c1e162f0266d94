package org.slidestream.cells;

import org.slidestream.image.Raster;

/** Raster samples as plain numbers: labels as longs (unsigned types unsigned), intensities as doubles. */
final class Samples {
    private Samples() {}

    /** Every sample as a label; negative labels (signed types) fail, naming where. */
    static long[] labels(Raster r, int originX, int originY, String what) {
        int n = r.width() * r.height() * r.bands();
        long[] out = new long[n];
        switch (r.type()) {
            case UINT8 -> { byte[] a = r.bytes(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFF; }
            case UINT16 -> { short[] a = r.shorts(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFFFF; }
            case UINT32 -> { int[] a = r.ints(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFFFFFFFFL; }
            case INT8 -> { byte[] a = r.bytes(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case INT16 -> { short[] a = r.shorts(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case INT32 -> { int[] a = r.ints(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            default -> throw new IllegalArgumentException(what + ": labels must be integers, not " + r.type().omeName());
        }
        for (int i = 0; i < n; i++) {
            if (out[i] < 0) {
                throw new IllegalArgumentException(what + ": negative label " + out[i] + " at (" + (originX + i % r.width()) + ", "
                        + (originY + i / r.width()) + ")");
            }
        }
        return out;
    }

    /** Every sample as a double (interleaved bands as stored). */
    static double[] values(Raster r) {
        int n = r.sampleCount();
        double[] out = new double[n];
        switch (r.type()) {
            case UINT8 -> { byte[] a = r.bytes(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFF; }
            case INT8 -> { byte[] a = r.bytes(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case UINT16 -> { short[] a = r.shorts(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFFFF; }
            case INT16 -> { short[] a = r.shorts(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case UINT32 -> { int[] a = r.ints(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFFFFFFFFL; }
            case INT32 -> { int[] a = r.ints(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case FLOAT32 -> { float[] a = r.floats(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case FLOAT64 -> System.arraycopy(r.doubles(), 0, out, 0, n);
        }
        return out;
    }
}
