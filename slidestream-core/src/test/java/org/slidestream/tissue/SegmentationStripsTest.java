package org.slidestream.tissue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.synth.SyntheticSlide;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;

/** Saturation methods read the segmentation level a strip of rows at a time: the same result as the whole image. */
class SegmentationStripsTest {
    @TempDir Path dir;

    @Test
    void segmentingByStripsEqualsTheWholeLevel() throws IOException {
        MemoryBudget budget = new MemoryBudget(256L << 20);
        Path tif = dir.resolve("slide.tif");
        // tiles of 64: the 750 x 550 level 1 is read in 9 strips of a tile row each
        TiffWriter.write(SyntheticSlide.procedural(1500, 1100, 5), tif,
                TiffWriteOptions.defaults().withTileSize(64).withMinLevelSide(100), SyntheticSlide.writeMetadata(), WriteContext.of(budget, 2));
        for (TissueMethod method : new TissueMethod[] {TissueMethod.CLAM, TissueMethod.OTSU}) {
            TissueParams p = TissueParams.defaults(method).withAreas(0.05, 0.01, 8);
            try (Slide slide = Slide.open(tif, SlideOptions.forBudget(budget))) {
                Segmentation seg = TissueDetector.segment(slide, 1, 0, p, budget);
                LevelInfo l = slide.level(1);
                Raster whole = Raster.create(PixelType.UINT8, l.width(), l.height(), 3);
                slide.readRegion(ReadRequest.atLevel(1, 0, 0, l.width(), l.height()), whole);
                TissueMask want = TissueDetector.detect(whole, 1500 / (double) l.width(), 1100 / (double) l.height(), 1, p);
                assertThat(seg.mask().tissuePixels()).as(method.name()).isPositive().isEqualTo(want.tissuePixels());
                assertThat(seg.mask().toRaster().contentEquals(want.toRaster())).as(method.name()).isTrue();
                assertThat(seg.mask().regions()).hasSameSizeAs(want.regions());
                for (int i = 0; i < want.regions().size(); i++) {
                    assertThat(seg.mask().regions().get(i).outer()).isEqualTo(want.regions().get(i).outer());
                }
                assertThat(seg.image().contentEquals(Overlays.preview(whole))).isTrue();
            }
        }
    }

    @Test
    void previewFromStripsEqualsThePreviewOfTheImage() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int[] size : new int[][] {{4500, 301}, {2049, 2050}, {700, 90}}) {
            Raster img = Raster.create(PixelType.UINT8, size[0], size[1], 3);
            byte[] b = img.bytes();
            for (int i = 0; i < b.length; i++) b[i] = (byte) rnd.nextInt(256);
            Overlays.Preview p = Overlays.preview(size[0], size[1], 3);
            for (int y0 = 0; y0 < size[1]; ) {
                int rows = Math.min(size[1] - y0, 1 + rnd.nextInt(40));
                Raster strip = Raster.create(PixelType.UINT8, size[0], rows, 3);
                System.arraycopy(b, y0 * size[0] * 3, strip.bytes(), 0, rows * size[0] * 3);
                p.add(strip, y0);
                y0 += rows;
            }
            assertThat(p.image().contentEquals(Overlays.preview(img))).as("%dx%d", size[0], size[1]).isTrue();
        }
    }
}
