package org.slidestream.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.testing.SharedData;

class SyntheticSlideTest {

    static boolean isTissue(Raster r, int i) {
        byte[] p = r.bytes();
        int red = p[3 * i] & 0xFF, g = p[3 * i + 1] & 0xFF, b = p[3 * i + 2] & 0xFF;
        return Math.max(red, Math.max(g, b)) - Math.min(red, Math.min(g, b)) > 12;
    }

    /** Tissue fraction from a grid of single-pixel reads spread over the whole slide. */
    static double tissueFraction(SyntheticSlide s, int n) {
        int w = s.info().width(), h = s.info().height(), k = 0;
        Raster px = Raster.create(PixelType.UINT8, 1, 1, 3);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                s.read(0, new Region((int) ((i + 0.5) * w / n), (int) ((j + 0.5) * h / n), 1, 1), px);
                if (isTissue(px, 0)) k++;
            }
        }
        return k / (double) (n * n);
    }

    @Test
    void pixelsDoNotDependOnTiling() {
        SyntheticSlide s = SyntheticSlide.procedural(1200, 900, 3);
        Raster whole = s.read(new Region(100, 50, 1000, 800));
        Raster tiled = Raster.create(PixelType.UINT8, 1000, 800, 3);
        for (int y = 0; y < 800; y += 131) {
            for (int x = 0; x < 1000; x += 97) {
                Region r = new Region(100 + x, 50 + y, Math.min(97, 1000 - x), Math.min(131, 800 - y));
                Raster t = s.read(r);
                tiled.copyFrom(t, 0, 0, x, y, r.width(), r.height());
            }
        }
        assertThat(tiled.contentEquals(whole)).isTrue();
        assertThat(SyntheticSlide.procedural(1200, 900, 3).read(new Region(100, 50, 1000, 800)).contentEquals(whole)).isTrue();
        assertThat(SyntheticSlide.procedural(1200, 900, 4).read(new Region(100, 50, 1000, 800)).contentEquals(whole)).isFalse();
    }

    @Test
    void halfTissueAtEverySize() {
        for (int size : new int[] {600, 5_000, 60_000, 200_000}) {
            for (long seed = 1; seed <= 3; seed++) {
                double f = tissueFraction(SyntheticSlide.procedural(size, size * 3 / 4, seed), 120);
                assertThat(f).as("size %d seed %d", size, seed).isBetween(0.4, 0.6);
            }
        }
    }

    @Test
    void looksLikeHematoxylinAndEosin() {
        SyntheticSlide s = SyntheticSlide.procedural(3000, 3000, 8);
        Raster r = s.read(new Region(0, 0, 3000, 3000));
        byte[] p = r.bytes();
        long nuclei = 0, stroma = 0, glass = 0;
        for (int i = 0; i < 3000 * 3000; i++) {
            int red = p[3 * i] & 0xFF, g = p[3 * i + 1] & 0xFF, b = p[3 * i + 2] & 0xFF;
            if (b > g + 50 && red < 170) nuclei++;
            else if (red > g + 25 && b > g + 10) stroma++;
            else if (red > 230 && g > 230 && b > 230) glass++;
        }
        double n = 3000.0 * 3000;
        assertThat(nuclei / n).as("nuclei").isBetween(0.02, 0.3);
        assertThat(stroma / n).as("stroma").isBetween(0.2, 0.6);
        assertThat(glass / n).as("background").isBetween(0.3, 0.6);
        // the corner is always glass: the tissue outline fades out towards the border
        assertThat(r.get(0, 0, 0)).isGreaterThan(235);
    }

    @Test
    void outsideTheImageIsBackground() {
        SyntheticSlide s = SyntheticSlide.procedural(300, 200, 1);
        Raster r = s.read(new Region(250, 150, 100, 100));
        assertThat(r.get(99, 99, 0)).isEqualTo(243);
        assertThat(r.get(10, 10, 0)).isEqualTo(s.read(new Region(260, 160, 1, 1)).get(0, 0, 0));
        assertThat(SyntheticSlide.mppX()).isEqualTo(0.25);
        assertThatThrownBy(() -> SyntheticSlide.procedural(0, 10, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mosaicOfARealSlide() {
        try (Slide src = Slide.open(SharedData.slide("cmu-1-small-region.svs"))) {
            SyntheticSlide s = SyntheticSlide.fromSlide(src, 9000, 7000, 2);
            assertThat(tissueFraction(s, 60)).isBetween(0.4, 0.6);
            Region area = new Region(2000, 1500, 1400, 1100);
            Raster whole = s.read(area);
            Raster tiled = Raster.create(PixelType.UINT8, area.width(), area.height(), 3);
            for (int y = 0; y < area.height(); y += 300) {
                for (int x = 0; x < area.width(); x += 257) {
                    Region r = new Region(area.x() + x, area.y() + y, Math.min(257, area.width() - x), Math.min(300, area.height() - y));
                    tiled.copyFrom(s.read(r), 0, 0, x, y, r.width(), r.height());
                }
            }
            assertThat(tiled.contentEquals(whole)).isTrue();
            assertThat(SyntheticSlide.fromSlide(src, 9000, 7000, 2).read(area).contentEquals(whole)).isTrue();
            // tissue pixels are the source's: H&E colours, mean close to the source's tissue
            double[] mine = tissueMean(s.read(new Region(0, 0, 9000, 7000).intersect(new Region(1000, 1000, 3000, 3000))));
            double[] theirs = tissueMean(src.readRegion(ReadRequest.atLevel(0, 0, 0, 2220, 2967)));
            for (int c = 0; c < 3; c++) assertThat(mine[c]).as("band " + c).isCloseTo(theirs[c], org.assertj.core.data.Offset.offset(25.0));
        }
    }

    @Test
    void mosaicNeedsAnRgbSlide() {
        try (Slide src = Slide.open(SharedData.slide("multi-channel-z-series.ome.tif"))) {
            assertThatThrownBy(() -> SyntheticSlide.fromSlide(src, 1000, 1000, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8-bit RGB");
        }
    }

    static double[] tissueMean(Raster r) {
        double[] sum = new double[3];
        long n = 0;
        for (int i = 0; i < r.width() * r.height(); i++) {
            if (!isTissue(r, i) || r.getAt(3 * i) > 235) continue;
            for (int c = 0; c < 3; c++) sum[c] += r.getAt(3 * i + c);
            n++;
        }
        assertThat(n).isGreaterThan(1000);
        for (int c = 0; c < 3; c++) sum[c] /= n;
        return sum;
    }
}
