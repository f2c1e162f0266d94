package org.slidestream.stain;

/**
 * Rounds a monotone function of a float to 0..255 with two small tables and no transcendental call:
 * given the inputs {@code t[v-1]} (increasing) at which the output steps from {@code v-1} to
 * {@code v}, the output for {@code x} is the number of thresholds at or below {@code x}. The input
 * range is cut into bins narrower than the smallest gap between thresholds, so that each bin holds
 * at most one threshold: one table lookup and one comparison give the exact count.
 */
final class ByteQuantizer {
    private final float lo;
    private final float binsPerUnit;
    private final byte[] base;
    private final float[] next;

    ByteQuantizer(double[] thresholds, int binsPerUnitWanted) {
        double minGap = Double.MAX_VALUE;
        for (int i = 1; i < thresholds.length; i++) minGap = Math.min(minGap, thresholds[i] - thresholds[i - 1]);
        double width = 1.0 / binsPerUnitWanted;
        while (width >= minGap) width /= 2;
        float[] t = new float[thresholds.length];
        for (int i = 0; i < t.length; i++) t[i] = (float) thresholds[i];
        this.lo = t[0];
        this.binsPerUnit = (float) (1 / width);
        int n = (int) Math.ceil((t[t.length - 1] - lo) * binsPerUnit) + 2;
        base = new byte[n];
        next = new float[n];
        int count = 0; // thresholds <= start of the bin
        for (int k = 0; k < n; k++) {
            float start = binStart(k);
            while (count < t.length && t[count] <= start) count++;
            base[k] = (byte) count;
            next[k] = count < t.length ? t[count] : Float.POSITIVE_INFINITY;
        }
    }

    private float binStart(int k) {
        // the smallest float mapping to bin k under the same arithmetic as apply()
        float s = lo + k / binsPerUnit;
        while (s > lo && (int) ((s - lo) * binsPerUnit) >= k) s = Math.nextDown(s);
        while ((int) ((s - lo) * binsPerUnit) < k) s = Math.nextUp(s);
        return s;
    }

    int apply(float x) {
        if (!(x >= lo)) return 0; // also NaN
        int k = (int) ((x - lo) * binsPerUnit);
        if (k >= base.length) return 255;
        int v = base[k] & 0xFF;
        // within a bin at most one threshold remains; the base count may be 255
        return x >= next[k] ? v + 1 : v;
    }
}
