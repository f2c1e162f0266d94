package org.slidestream.tissue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TissueMaskTest {
    /** The summed-area table the mask was first answered from, bilinear inside a pixel: the reference. */
    private static final class Reference {
        final int w, h;
        final long[] sums;

        Reference(boolean[] m, int w, int h) {
            this.w = w;
            this.h = h;
            sums = new long[(w + 1) * (h + 1)];
            for (int y = 0; y < h; y++) {
                long row = 0;
                for (int x = 0; x < w; x++) {
                    if (m[y * w + x]) row++;
                    sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + row;
                }
            }
        }

        double integral(double x, double y) {
            x = Math.max(0, Math.min(w, x));
            y = Math.max(0, Math.min(h, y));
            int ix = (int) Math.min(w - 1, Math.floor(x)), iy = (int) Math.min(h - 1, Math.floor(y));
            double ax = x - ix, ay = y - iy;
            int sw = w + 1;
            return sums[iy * sw + ix] * (1 - ax) * (1 - ay) + sums[iy * sw + ix + 1] * ax * (1 - ay)
                    + sums[(iy + 1) * sw + ix] * (1 - ax) * ay + sums[(iy + 1) * sw + ix + 1] * ax * ay;
        }

        double fraction(double x0, double y0, double x1, double y1, double sx, double sy) {
            double mx0 = x0 / sx, mx1 = x1 / sx, my0 = y0 / sy, my1 = y1 / sy;
            double s = integral(mx1, my1) - integral(mx0, my1) - integral(mx1, my0) + integral(mx0, my0);
            return Math.max(0, Math.min(1, s / ((mx1 - mx0) * (my1 - my0))));
        }
    }

    @Test
    void fractionsAreTheAreaOverlapOfTheMaskPixels() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int w = 1 + rnd.nextInt(200), h = 1 + rnd.nextInt(150);
            double density = rnd.nextDouble();
            boolean[] m = new boolean[w * h];
            for (int i = 0; i < m.length; i++) m[i] = rnd.nextDouble() < density;
            double sx = 1 + rnd.nextInt(40) + (trial % 3 == 0 ? 0.37 : 0), sy = trial % 2 == 0 ? sx : 1 + rnd.nextInt(40);
            TissueMask mask = new TissueMask(w, h, sx, sy, -1, m, List.of(), 0);
            Reference ref = new Reference(m, w, h);
            long n = 0;
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
                assertThat(mask.isTissue(x, y)).isEqualTo(m[y * w + x]);
                if (m[y * w + x]) n++;
            }
            assertThat(mask.tissuePixels()).isEqualTo(n);
            for (int q = 0; q < 300; q++) {
                // rectangles of any size, on and off pixel edges, partly or wholly outside the mask
                double x0 = (rnd.nextDouble() * 1.2 - 0.1) * w * sx, y0 = (rnd.nextDouble() * 1.2 - 0.1) * h * sy;
                double side = q % 4 == 0 ? sx * (1 + rnd.nextInt(70)) : rnd.nextDouble() * 80 * sx;
                if (q % 5 == 0) x0 = Math.round(x0 / sx) * sx;
                double x1 = x0 + side, y1 = y0 + (q % 2 == 0 ? side : rnd.nextDouble() * 60 * sy);
                assertThat(mask.fraction(x0, y0, x1, y1)).as("trial %d: %s %s %s %s", trial, x0, y0, x1, y1)
                        .isEqualTo(ref.fraction(x0, y0, x1, y1, sx, sy), within(1e-9));
            }
        }
    }
}
