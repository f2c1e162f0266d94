package org.slidestream.stain;

import java.util.Arrays;

/** Small statistics helpers with numpy's conventions. */
final class Stats {
    private Stats() {}

    /**
     * The {@code p}-th percentile of the first {@code n} values with numpy's default (linear)
     * interpolation: position {@code p/100 * (n-1)} of the sorted values. Sorts {@code values}.
     */
    static float percentile(float[] values, int n, double p) {
        if (n == 0) throw new IllegalArgumentException("percentile of no values");
        Arrays.sort(values, 0, n);
        double pos = p / 100.0 * (n - 1);
        int i = (int) Math.floor(pos);
        if (i >= n - 1) return values[n - 1];
        double f = pos - i;
        return (float) (values[i] + f * (values[i + 1] - values[i]));
    }
}
