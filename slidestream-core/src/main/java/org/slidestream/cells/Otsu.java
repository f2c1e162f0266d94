package org.slidestream.cells;

/**
 * Otsu's threshold as {@code skimage.filters.threshold_otsu(image, nbins=256)} computes it for a
 * float image: {@code numpy.histogram} with 256 equal bins between the image's minimum and
 * maximum (filled tile by tile), and the centre of the bin that maximises the between-class
 * variance.
 */
final class Otsu {
    static final int BINS = 256;

    private Otsu() {}

    /** Adds {@code values} to numpy's 256-bin histogram of {@code [lo, hi]}. */
    static void histogram(double[] values, double lo, double hi, long[] counts) {
        if (!(hi > lo)) {
            counts[0] += values.length;
            return;
        }
        double norm = BINS / (hi - lo);
        for (double v : values) {
            int i = (int) ((v - lo) * norm);
            if (i >= BINS) i = BINS - 1;
            // numpy corrects the computed bin against the exact edges
            if (i > 0 && v < edge(lo, hi, i)) i--;
            else if (i < BINS - 1 && v >= edge(lo, hi, i + 1)) i++;
            counts[i]++;
        }
    }

    /** numpy.linspace(lo, hi, 257)[i]. */
    private static double edge(double lo, double hi, int i) {
        double step = (hi - lo) / BINS;
        return i == BINS ? hi : lo + i * step;
    }

    static double threshold(long[] counts, double lo, double hi) {
        if (!(hi > lo)) return lo;
        double[] centre = new double[BINS];
        for (int i = 0; i < BINS; i++) centre[i] = (edge(lo, hi, i) + edge(lo, hi, i + 1)) / 2;
        double[] w1 = new double[BINS], m1 = new double[BINS], w2 = new double[BINS], m2 = new double[BINS];
        double cw = 0, cm = 0;
        for (int i = 0; i < BINS; i++) {
            cw += counts[i];
            cm += counts[i] * centre[i];
            w1[i] = cw;
            m1[i] = cm / cw;
        }
        cw = 0;
        cm = 0;
        for (int i = BINS - 1; i >= 0; i--) {
            cw += counts[i];
            cm += counts[i] * centre[i];
            w2[i] = cw;
            m2[i] = cm / cw;
        }
        int best = 0;
        double bestVar = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < BINS - 1; i++) {
            double d = m1[i] - m2[i + 1];
            double v = w1[i] * w2[i + 1] * d * d;
            if (v > bestVar) {
                bestVar = v;
                best = i;
            }
        }
        return centre[best];
    }
}
