package org.slidestream.tissue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MorphologyTest {
    /** The running-histogram median equals the median of every window sorted, borders replicated. */
    @ParameterizedTest
    @CsvSource({"3, 37, 23, 256", "5, 40, 31, 7", "7, 64, 50, 256", "7, 5, 9, 40", "9, 3, 2, 256"})
    void medianEqualsSortedWindows(int k, int w, int h, int range) {
        SplittableRandom rnd = new SplittableRandom(k * 1000L + w);
        byte[] src = new byte[w * h];
        for (int i = 0; i < src.length; i++) src[i] = (byte) (rnd.nextInt(10) < 7 ? rnd.nextInt(range) : rnd.nextInt(256));
        byte[] got = Morphology.median(src, w, h, k);
        int r = k / 2;
        int[] win = new int[k * k];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = 0;
                for (int dy = -r; dy <= r; dy++) {
                    for (int dx = -r; dx <= r; dx++) {
                        int yy = Math.clamp(y + dy, 0, h - 1), xx = Math.clamp(x + dx, 0, w - 1);
                        win[n++] = src[yy * w + xx] & 0xFF;
                    }
                }
                Arrays.sort(win);
                assertThat(got[y * w + x] & 0xFF).as("(%d, %d)", x, y).isEqualTo(win[win.length / 2]);
            }
        }
    }

    /** The box count gives exactly {@code median > t} for every threshold. */
    @ParameterizedTest
    @CsvSource({"1, 20, 20", "3, 37, 23", "7, 64, 50", "7, 5, 9", "9, 3, 2", "5, 1, 17"})
    void medianAboveEqualsThresholdedMedian(int k, int w, int h) {
        SplittableRandom rnd = new SplittableRandom(k * 77L + h);
        byte[] src = new byte[w * h];
        for (int i = 0; i < src.length; i++) src[i] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(20));
        byte[] median = Morphology.median(src, w, h, k);
        for (int t : new int[] {0, 5, 8, 15, 100, 255}) {
            boolean[] got = Morphology.medianAbove(src, w, h, k, t);
            for (int i = 0; i < src.length; i++) assertThat(got[i]).as("t=%d i=%d", t, i).isEqualTo((median[i] & 0xFF) > t);
        }
    }

    /** Closing equals dilation then erosion by a k x k square, each over the window clipped to the image. */
    @ParameterizedTest
    @CsvSource({"2, 70, 9", "4, 130, 40", "4, 64, 64", "3, 1, 30", "5, 200, 3", "7, 63, 17", "9, 129, 20", "70, 150, 12"})
    void closeEqualsClippedWindows(int k, int w, int h) {
        SplittableRandom rnd = new SplittableRandom(k * 31L + w);
        boolean[] m = new boolean[w * h];
        for (int i = 0; i < m.length; i++) m[i] = rnd.nextInt(10) < 3;
        int lo = -(k / 2), hi = k - 1 - k / 2;
        boolean[] d = new boolean[m.length], want = new boolean[m.length];
        for (int pass = 0; pass < 2; pass++) {
            boolean[] in = pass == 0 ? m : d, out = pass == 0 ? d : want;
            boolean dilate = pass == 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean v = !dilate;
                    for (int yy = Math.max(0, y + lo); yy <= Math.min(h - 1, y + hi); yy++) {
                        for (int xx = Math.max(0, x + lo); xx <= Math.min(w - 1, x + hi); xx++) {
                            v = dilate ? v || in[yy * w + xx] : v && in[yy * w + xx];
                        }
                    }
                    out[y * w + x] = v;
                }
            }
        }
        boolean[] closed = m.clone();
        Morphology.closeInPlace(closed, w, h, k);
        assertThat(closed).isEqualTo(want);
    }
}
