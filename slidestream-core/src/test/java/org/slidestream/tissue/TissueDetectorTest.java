package org.slidestream.tissue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

class TissueDetectorTest {
    /**
     * CLAM and Otsu-on-saturation classify from the saturation plane alone, checking pen marks pixel
     * by pixel: the same foreground as thresholding the median of the full HSV planes.
     */
    @ParameterizedTest
    @CsvSource({"CLAM, 8, true", "CLAM, 8, false", "CLAM, -1, true", "OTSU, 8, true", "OTSU, 8, false"})
    void saturationPathEqualsPlanes(TissueMethod method, int sthresh, boolean pen) {
        int w = 97, h = 61;
        Raster rgb = Raster.create(PixelType.UINT8, w, h, 3);
        SplittableRandom rnd = new SplittableRandom(11);
        byte[] b = rgb.bytes();
        for (int i = 0; i < w * h; i++) {
            boolean tissue = (i % w) > 30 && (i / w) > 10;
            int kind = rnd.nextInt(20);
            int r = tissue ? 150 + rnd.nextInt(80) : 235 + rnd.nextInt(20), g = tissue ? 60 + rnd.nextInt(80) : 235 + rnd.nextInt(20);
            int bl = tissue ? 140 + rnd.nextInt(80) : 235 + rnd.nextInt(20);
            if (kind == 0) { r = 20; g = 40; bl = 200; } // blue ink
            if (kind == 1) { r = 10; g = 10; bl = 10; }  // black
            b[3 * i] = (byte) r;
            b[3 * i + 1] = (byte) g;
            b[3 * i + 2] = (byte) bl;
        }
        TissueParams d = TissueParams.defaults(method);
        TissueParams p = new TissueParams(method, false, d.combineUnion(), d.satMin(), d.satMax(), d.valMin(), d.valMax(),
                d.mthresh(), sthresh, d.close(), d.aT(), d.aH(), d.maxNHoles(), d.refPatchSize(), pen);
        byte[][] hsv = Hsv.planes(rgb);
        byte[] med = Morphology.median(hsv[1], w, h, p.mthresh());
        int t = method == TissueMethod.CLAM && sthresh >= 0 ? sthresh : Morphology.otsu(med);
        boolean[] want = new boolean[w * h];
        for (int i = 0; i < want.length; i++) {
            want[i] = (med[i] & 0xFF) > t && !(pen && TissueDetector.isPen(hsv[0][i] & 0xFF, hsv[1][i] & 0xFF, hsv[2][i] & 0xFF));
        }
        assertThat(TissueDetector.classify(rgb, p)).isEqualTo(want);
    }
}
