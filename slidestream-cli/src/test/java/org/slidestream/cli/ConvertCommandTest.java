package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

class ConvertCommandTest {
    @TempDir Path dir;

    static SynthCommandTest.Run run(String... args) {
        return SynthCommandTest.run(args);
    }

    /** Every plane of level 0 of two slides, read with this project's reader, is identical. */
    static void assertSamePixels(Path a, Path b) {
        try (Slide sa = Slide.open(a); Slide sb = Slide.open(b)) {
            TileSource pa = sa.levelSource(0), pb = sb.levelSource(0);
            assertThat(pb.info().width()).isEqualTo(pa.info().width());
            assertThat(pb.info().height()).isEqualTo(pa.info().height());
            assertThat(pb.planes()).isEqualTo(pa.planes());
            Region all = pa.info().bounds();
            for (int p = 0; p < pa.planes(); p++) {
                Raster ra = Raster.create(pa.info().pixelType(), all.width(), all.height(), pa.info().bands());
                Raster rb = Raster.create(pb.info().pixelType(), all.width(), all.height(), pb.info().bands());
                pa.read(p, all, ra);
                pb.read(p, all, rb);
                assertThat(rb.contentEquals(ra)).as("plane " + p).isTrue();
            }
        }
    }

    @Test
    void svsToLosslessOmeTiffKeepsPixelsAndMetadata() {
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        Path out = dir.resolve("cmu.ome.tif");
        var r = run("convert", svs.toString(), "-o", out.toString(), "--compression", "deflate", "--threads", "2", "--max-memory", "256m");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("cmu.ome.tif: 2220x2967, 3 levels, ome deflate");
        assertSamePixels(svs, out);
        try (Slide s = Slide.open(out)) {
            SlideMetadata m = s.metadata();
            assertThat(m.mppX()).isCloseTo(0.499, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(m.magnification()).isEqualTo(20.0);
            assertThat(s.levels()).extracting(l -> l.width()).containsExactly(2220, 1110, 555);
        }
        ReferenceTools.requirePythonModules("tifffile");
        ReferenceTools.python("""
                import sys, tifffile
                with tifffile.TiffFile(sys.argv[1]) as t:
                    s = t.series[0]
                    assert t.is_ome and s.shape == (2967, 2220, 3) and len(s.levels) == 3, (s.shape, len(s.levels))
                """, out).requireSuccess("tifffile");
    }

    @Test
    void omeZStackKeepsChannelsAndPlanes() {
        Path src = SharedData.slide("multi-channel-z-series.ome.tif");
        Path out = dir.resolve("z.ome.tif");
        var r = run("convert", src.toString(), "-o", out.toString(), "--compression", "zstd", "--tile", "128");
        assertThat(r.code()).as(r.err()).isZero();
        assertSamePixels(src, out);
        try (Slide a = Slide.open(src); Slide b = Slide.open(out)) {
            assertThat(b.metadata().sizeZ()).isEqualTo(a.metadata().sizeZ());
            assertThat(b.metadata().sizeC()).isEqualTo(a.metadata().sizeC());
            assertThat(b.metadata().channelNames()).isEqualTo(a.metadata().channelNames());
            assertThat(b.metadata().pixelType()).isEqualTo(a.metadata().pixelType());
        }
    }

    @Test
    void strippedTiffToGenericJpegIsReadByOpenSlide() {
        Path src = SharedData.slide("kidney-48-5.tif");
        Path out = dir.resolve("kidney.tif");
        var r = run("convert", src.toString(), "-o", out.toString(), "--layout", "generic", "--compression", "jpeg", "--quality", "85");
        assertThat(r.code()).as(r.err()).isZero();
        ReferenceTools.requirePythonModules("openslide");
        String dims = ReferenceTools.python("""
                import sys, openslide
                print(openslide.OpenSlide(sys.argv[1]).level_dimensions)
                """, out).requireSuccess("openslide").stdout().trim();
        assertThat(dims).isEqualTo("((1493, 901), (747, 451))");
    }

    @Test
    void errorsAreOneLine() {
        Path broken = SharedData.slide("broken.svs");
        Path out = dir.resolve("b.tif");
        var r = run("convert", broken.toString(), "-o", out.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err().strip()).startsWith("slidestream convert: ").contains("broken.svs").doesNotContain("\n").doesNotContain("Exception");
        assertThat(out).doesNotExist();
        r = run("convert", broken.toString(), "-o", broken.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        r = run("convert", SharedData.slide("multi-channel-z-series.ome.tif").toString(), "-o", out.toString(), "--layout", "generic");
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILED);
        assertThat(r.err()).contains("multi-channel-z-series.ome.tif: the generic layout holds one plane");
        assertThat(out).doesNotExist();
    }
}
