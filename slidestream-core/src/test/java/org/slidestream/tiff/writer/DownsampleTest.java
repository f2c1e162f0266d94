package org.slidestream.tiff.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/** The 8-bit 2x2 average (unrolled for 1 and 3 bands) against the mean of the pixels each output pixel covers. */
class DownsampleTest {

    @Test
    void halfIsTheRoundedMeanOfEachBoxForEveryBandCountAndEdge() {
        Random rnd = new Random(3);
        for (int bands = 1; bands <= 4; bands++) {
            for (int i = 0; i < 12; i++) {
                int w = 1 + rnd.nextInt(40), h = 1 + rnd.nextInt(40);
                int vw = 1 + rnd.nextInt(w), vh = 1 + rnd.nextInt(h);
                Raster t = Raster.create(PixelType.UINT8, w, h, bands);
                for (int k = 0; k < t.bytes().length; k++) t.bytes()[k] = (byte) rnd.nextInt(256);
                Raster half = Downsample.half(t, vw, vh);
                assertThat(half.width()).isEqualTo((vw + 1) / 2);
                assertThat(half.height()).isEqualTo((vh + 1) / 2);
                for (int y = 0; y < half.height(); y++) {
                    for (int x = 0; x < half.width(); x++) {
                        int x0 = 2 * x, x1 = Math.min(2 * x + 1, vw - 1), y0 = 2 * y, y1 = Math.min(2 * y + 1, vh - 1);
                        for (int b = 0; b < bands; b++) {
                            int sum = (int) (t.get(x0, y0, b) + t.get(x1, y0, b) + t.get(x0, y1, b) + t.get(x1, y1, b));
                            assertThat((int) half.get(x, y, b)).as("%d bands, %dx%d of %dx%d, (%d, %d)", bands, vw, vh, w, h, x, y)
                                    .isEqualTo((sum + 2) >> 2);
                        }
                    }
                }
            }
        }
    }
}
