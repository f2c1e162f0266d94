package org.slidestream.tissue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

class ContoursTest {
    static boolean[] rect(int w, int h, int x0, int y0, int x1, int y1, boolean[] m, boolean v) {
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) m[y * w + x] = v;
        return m;
    }

    @Test
    void squareWithAHoleAndAnIslandInIt() {
        int w = 40, h = 40;
        boolean[] m = new boolean[w * h];
        rect(w, h, 5, 5, 35, 35, m, true);   // 30 x 30 square
        rect(w, h, 10, 10, 30, 30, m, false); // 20 x 20 hole
        rect(w, h, 15, 15, 20, 20, m, true);  // 5 x 5 island inside the hole
        m[2 * w + 2] = true;                  // a lone pixel
        List<Contours.Border> b = Contours.find(m, w, h);
        assertThat(b).hasSize(4);
        assertThat(b.get(0).hole()).isFalse();
        assertThat(b.get(0).area()).isEqualTo(1 - 1, org.assertj.core.api.Assertions.within(0.0)); // the lone pixel first in the scan
        assertThat(b.get(1).hole()).isFalse();
        assertThat(b.get(1).area()).isEqualTo(29.0 * 29); // through pixel centres
        assertThat(b.get(2).hole()).isTrue();
        assertThat(b.get(2).parent()).isEqualTo(1);
        assertThat(b.get(2).area()).isEqualTo(21.0 * 21 - 2); // on the tissue pixels around it, corners cut (8-connected), as OpenCV: 439
        assertThat(b.get(3).hole()).isFalse();
        assertThat(b.get(3).area()).isEqualTo(16.0);

        // filled back: the square minus the hole's inside, plus the island
        TissueParams p = TissueParams.defaults(TissueMethod.CLAM).withAreas(0, 0, 8);
        boolean[] mask = new boolean[w * h];
        for (TissueRegion r : TissueDetector.filter(b, p, 1, 1)) Fill.region(r, mask, w, h);
        m[2 * w + 2] = false; // the lone pixel has no area: dropped, as CLAM drops a == 0
        assertThat(mask).isEqualTo(m);
    }

    @Test
    void areaFiltersCountInReferencePatchesAtTheSegmentationScale() {
        int w = 64, h = 64;
        boolean[] m = rect(w, h, 0, 0, 0, 0, new boolean[w * h], true);
        rect(w, h, 4, 4, 36, 36, m, true);  // 31^2 = 961 px by contour area
        rect(w, h, 40, 40, 50, 50, m, true); // 81 px
        // scale 16: a 512 px reference patch is 1024 segmentation pixels
        TissueParams p = TissueParams.defaults(TissueMethod.CLAM).withAreas(0.5, 0, 8);
        List<TissueRegion> kept = TissueDetector.filter(Contours.find(m, w, h), p, 16, 16);
        assertThat(kept).hasSize(1);
        assertThat(kept.get(0).area()).isEqualTo(961.0);
        TissueParams none = p.withAreas(1, 0, 8);
        assertThat(TissueDetector.filter(Contours.find(m, w, h), none, 16, 16)).isEmpty();
    }

    @Test
    void penMarksAreNotTissue() {
        Raster img = Raster.create(PixelType.UINT8, 60, 20, 3);
        img.fill(245);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) { img.set(x, y, 0, 200); img.set(x, y, 1, 90); img.set(x, y, 2, 160); } // eosin-pink
            for (int x = 20; x < 40; x++) { img.set(x, y, 0, 40); img.set(x, y, 1, 60); img.set(x, y, 2, 170); } // blue pen
            for (int x = 40; x < 60; x++) { img.set(x, y, 0, 40); img.set(x, y, 1, 140); img.set(x, y, 2, 60); } // green pen
        }
        TissueParams p = TissueParams.defaults(TissueMethod.HSV);
        boolean[] fg = TissueDetector.classify(img, p);
        assertThat(fg[10 * 60 + 10]).isTrue();
        assertThat(fg[10 * 60 + 30]).isFalse();
        assertThat(fg[10 * 60 + 50]).isFalse();
    }

    @Test
    void labelsAsShortsOrIntsGiveTheSameBorders() {
        java.util.Random rnd = new java.util.Random(9);
        int w = 500, h = 300;
        boolean[] m = new boolean[w * h];
        // a lattice of lone pixels, each its own border (over 32,767 of them: more than a short numbers), some missing below row 200
        for (int y = 0; y < h; y += 2) for (int x = 0; x < w; x += 2) m[y * w + x] = y < 200 || rnd.nextInt(3) > 0;
        List<Contours.Border> wide = Contours.find(m, w, h);
        assertThat(wide.size()).isGreaterThan(Short.MAX_VALUE); // labels beyond a short's range were needed
        assertThat(Contours.find(m, w, h, 0)).usingRecursiveFieldByFieldElementComparator().isEqualTo(wide);
        boolean[] small = java.util.Arrays.copyOf(m, w * 60); // the first 60 rows: under 16,383 runs
        List<Contours.Border> shortLabels = Contours.find(small, w, 60);
        assertThat(shortLabels).usingRecursiveFieldByFieldElementComparator().isEqualTo(Contours.find(small, w, 60, 0));
    }
}
