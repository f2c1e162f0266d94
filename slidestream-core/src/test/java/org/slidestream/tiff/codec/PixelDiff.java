package org.slidestream.tiff.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.slidestream.image.Raster;

/**
 * Differences between two images of the same band count over the smaller one's area: the mean
 * absolute difference of the worst band, the 99.9th percentile and the maximum of all samples.
 */
record PixelDiff(double worstBandMean, int p999, int max) {

    static PixelDiff of(Raster a, Raster b) {
        int w = Math.min(a.width(), b.width()), h = Math.min(a.height(), b.height()), bands = a.bands();
        assertThat(b.bands()).isEqualTo(bands);
        long[] sum = new long[bands];
        long[] histogram = new long[65_536];
        int max = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < bands; c++) {
                    int d = (int) Math.abs(a.get(x, y, c) - b.get(x, y, c));
                    sum[c] += d;
                    histogram[Math.min(d, 65_535)]++;
                    max = Math.max(max, d);
                }
            }
        }
        long n = (long) w * h;
        double worst = 0;
        for (long s : sum) worst = Math.max(worst, n == 0 ? 0 : (double) s / n);
        long rank = (long) Math.ceil(0.999 * n * bands), seen = 0;
        int p999 = 0;
        for (int d = 0; d < histogram.length; d++) {
            seen += histogram[d];
            if (seen >= rank) { p999 = d; break; }
        }
        return new PixelDiff(worst, p999, max);
    }

    /** Decoder tolerance of the project: mean absolute difference <= 1 per band, 99.9th percentile <= 4. */
    PixelDiff assertWithinCodecTolerance(String what) {
        assertThat(worstBandMean).as("%s: mean abs diff (%s)", what, this).isLessThanOrEqualTo(1.0);
        assertThat(p999).as("%s: 99.9th percentile (%s)", what, this).isLessThanOrEqualTo(4);
        return this;
    }

    void assertExact(String what) {
        assertThat(max).as("%s: max abs diff (%s)", what, this).isZero();
    }
}
