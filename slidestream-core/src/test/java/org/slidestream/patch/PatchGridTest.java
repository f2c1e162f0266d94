package org.slidestream.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tissue.TissueDetector;
import org.slidestream.tissue.TissueMask;
import org.slidestream.tissue.TissueMethod;
import org.slidestream.tissue.TissueParams;

class PatchGridTest {
    /** A 64 x 64 segmentation image at scale 16 (1024 x 1024 level 0) with a pink square at [16, 48). */
    static TissueMask squareMask() {
        Raster img = Raster.create(PixelType.UINT8, 64, 64, 3);
        img.fill(245);
        for (int y = 16; y < 48; y++) for (int x = 16; x < 48; x++) { img.set(x, y, 0, 200); img.set(x, y, 1, 90); img.set(x, y, 2, 160); }
        TissueParams p = new TissueParams(TissueMethod.CLAM, false, false, 20, 255, 30, 245, 1, 8, 0, 0.1, 0, 8, 512, false);
        return TissueDetector.detect(img, 16, 16, -1, p);
    }

    @Test
    void tissueFractionIsExactAreaOverlap() {
        TissueMask m = squareMask();
        assertThat(m.fraction(256, 256, 768, 768)).isEqualTo(1.0, within(1e-12));
        assertThat(m.fraction(0, 0, 256, 256)).isZero();
        assertThat(m.fraction(128, 256, 384, 512)).isEqualTo(0.5, within(1e-12));
        assertThat(m.fraction(248, 248, 264, 264)).isEqualTo(0.25, within(1e-12)); // a quarter of a mask pixel each side
    }

    @Test
    void tissueRuleKeepsPatchesByFraction() {
        TissueMask m = squareMask();
        List<PatchCoord> half = PatchGrid.plan(m, 1024, 1024, new PatchSpec(128, 128, PatchResolution.LEVEL_0, 0.5, PatchRule.TISSUE), 1);
        assertThat(half).hasSize(16); // [256, 768) is 4 x 4 patches of 128
        assertThat(half.get(0)).isEqualTo(new PatchCoord(256, 256, 1.0));
        List<PatchCoord> overlap = PatchGrid.plan(m, 1024, 1024, new PatchSpec(128, 64, PatchResolution.LEVEL_0, 0.5, PatchRule.TISSUE), 1);
        assertThat(overlap).hasSize(9 * 9 - 4); // 9 positions a side reach 0.5 alone; the corners have 0.25
        assertThat(overlap).allMatch(c -> c.tissueFraction() >= 0.5);
    }

    @Test
    void clamRulesTestPointsAgainstTheContour() {
        TissueMask m = squareMask();
        // contour through mask pixel centres 16..47, scaled as CLAM: level-0 256..752
        List<PatchCoord> center = PatchGrid.plan(m, 1024, 1024, new PatchSpec(128, 128, PatchResolution.LEVEL_0, 0, PatchRule.CENTER), 1);
        assertThat(center).extracting(PatchCoord::x).containsOnly(256L, 384L, 512L, 640L);
        List<PatchCoord> four = PatchGrid.plan(m, 1024, 1024, new PatchSpec(128, 128, PatchResolution.LEVEL_0, 0, PatchRule.FOUR_PT), 1);
        assertThat(four).hasSize(16);
        assertThat(PatchGrid.pointInPolygon(new long[] {0, 0, 10, 0, 10, 10, 0, 10}, 5, 5)).isEqualTo(1);
        assertThat(PatchGrid.pointInPolygon(new long[] {0, 0, 10, 0, 10, 10, 0, 10}, 10, 5)).isZero();
        assertThat(PatchGrid.pointInPolygon(new long[] {0, 0, 10, 0, 10, 10, 0, 10}, 11, 5)).isEqualTo(-1);
    }

    @Test
    void rowIndexedTestsAnswerAsThePlainPolygonTest() {
        java.util.Random rnd = new java.util.Random(5);
        for (int trial = 0; trial < 30; trial++) {
            // a random closed walk of unit and diagonal steps, scaled as CLAM scales contours
            int n = 40 + rnd.nextInt(200);
            long[] xy = new long[2 * n];
            long x = 100, y = 100;
            int scale = 1 + rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                xy[2 * i] = x * scale;
                xy[2 * i + 1] = y * scale;
                x += rnd.nextInt(3) - 1;
                y += rnd.nextInt(3) - 1;
            }
            long[] px = new long[2000];
            double[] py = new double[px.length];
            for (int q = 0; q < px.length; q++) {
                px[q] = (90 + rnd.nextInt(25)) * (long) scale + rnd.nextInt(scale);
                py[q] = (90 + rnd.nextInt(25)) * (long) scale + (q % 3 == 0 ? 0 : rnd.nextInt(scale)) + (q % 5 == 0 ? 0.5 : 0);
            }
            PatchGrid.PolygonRows rows = new PatchGrid.PolygonRows(xy, py);
            for (int q = 0; q < px.length; q++) {
                assertThat(rows.test(px[q], py[q])).as("point %d,%s", px[q], py[q]).isEqualTo(PatchGrid.pointInPolygon(xy, px[q], py[q]));
            }
        }
    }

    @Test
    void coordSetKeepsEachPositionOnce() {
        java.util.Random rnd = new java.util.Random(11);
        PatchGrid.CoordSet set = new PatchGrid.CoordSet();
        java.util.Set<List<Long>> plain = new java.util.HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            long x = 256L * rnd.nextInt(400), y = 256L * rnd.nextInt(400);
            if (i % 7 == 0) x = y = 0;
            assertThat(set.add(x, y)).as("%d,%d", x, y).isEqualTo(plain.add(List.of(x, y)));
        }
        assertThat(set.add(Integer.MAX_VALUE, Integer.MAX_VALUE)).isTrue();
        assertThat(set.add(Integer.MAX_VALUE, Integer.MAX_VALUE)).isFalse();
    }
}
