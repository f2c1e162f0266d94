package org.slidestream.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import org.slidestream.image.Raster;

/**
 * Differences between our RGB pixels and OpenSlide's RGBA: where OpenSlide's alpha is 255 the RGB
 * samples are compared (mean absolute difference of the worst band, 99.9th percentile, maximum);
 * where it is 0 (outside the level) ours must be the background.
 */
public record Diff(double worstBandMean, int p999, int max, long compared, long outsideWrong) {

    public static Diff of(Raster ours, Raster reference, int background) {
        int w = reference.width(), h = reference.height(), rb = reference.bands(), bands = ours.bands();
        long[] sum = new long[bands];
        long[] hist = new long[65_536];
        long n = 0, wrong = 0;
        int max = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int alpha = rb == 4 ? (int) reference.get(x, y, 3) : 255;
                if (alpha == 0) {
                    for (int c = 0; c < bands; c++) if (ours.get(x, y, c) != background) wrong++;
                    continue;
                }
                if (alpha != 255) continue; // blended edge of a shifted level: not comparable
                n++;
                for (int c = 0; c < bands; c++) {
                    int d = (int) Math.abs(ours.get(x, y, c) - reference.get(x, y, c));
                    sum[c] += d;
                    hist[Math.min(d, 65_535)]++;
                    max = Math.max(max, d);
                }
            }
        }
        double worst = 0;
        for (long s : sum) worst = Math.max(worst, n == 0 ? 0 : (double) s / n);
        long rank = (long) Math.ceil(0.999 * n * bands), seen = 0;
        int p999 = 0;
        for (int d = 0; d < hist.length && n > 0; d++) {
            seen += hist[d];
            if (seen >= rank) { p999 = d; break; }
        }
        return new Diff(worst, p999, max, n, wrong);
    }

    public Diff assertWithinCodecTolerance(String what) {
        assertThat(outsideWrong).as("%s: pixels outside the image that are not background (%s)", what, this).isZero();
        assertThat(worstBandMean).as("%s: mean abs diff (%s)", what, this).isLessThanOrEqualTo(1.0);
        assertThat(p999).as("%s: 99.9th percentile (%s)", what, this).isLessThanOrEqualTo(4);
        return this;
    }

    /** As {@link #assertWithinCodecTolerance}, for pixels OpenSlide draws; where it draws none, ours are not checked. */
    public Diff assertWithinCodecToleranceWhereDrawn(String what) {
        assertThat(compared).as("%s: pixels compared (%s)", what, this).isPositive();
        assertThat(worstBandMean).as("%s: mean abs diff (%s)", what, this).isLessThanOrEqualTo(1.0);
        assertThat(p999).as("%s: 99.9th percentile (%s)", what, this).isLessThanOrEqualTo(4);
        return this;
    }

    public Diff assertExact(String what) {
        assertThat(outsideWrong).as("%s: outside pixels (%s)", what, this).isZero();
        assertThat(max).as("%s: max abs diff (%s)", what, this).isZero();
        return this;
    }
}
