package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * Whole-slide {@code normalize} of the shared slides through the TIFF reader and writer, checked
 * region by region against the numpy reference applied with the same source and target stains to
 * the pixels OpenSlide reads.
 */
class NormalizeSlideTest {
    @TempDir Path tmp;

    static String script() throws IOException {
        try (InputStream in = NormalizeSlideTest.class.getResourceAsStream("/org/slidestream/stain/reference_stains.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void cmuNormalizedToTheTcgaStainsMatchesNumpyRegionByRegion() throws IOException {
        Path cmu = SharedData.slide("cmu-1-small-region.svs"), tcga = SharedData.slide("tcga-cr-7395-01a-01-ts1.svs");
        ReferenceTools.requirePythonModules("openslide", "numpy", "PIL", "tifffile");
        String script = script();
        for (String method : new String[] {"macenko", "vahadane"}) {
            Path target = tmp.resolve("tcga-" + method + ".json"), source = tmp.resolve("cmu-" + method + ".json");
            var fit = NormalizeCommandTest.run("normalize", "--fit", tcga.toString(), "--method", method, "-o", target.toString());
            assertThat(fit.code()).as(fit.err()).isZero();
            Path out = tmp.resolve("cmu-" + method + ".tif");
            var r = NormalizeCommandTest.run("normalize", cmu.toString(), "--target", target.toString(), "-o", out.toString(),
                    "--source-stains", source.toString(), "--max-memory", "200m");
            assertThat(r.code()).as(r.err()).isZero();
            Path dir = java.nio.file.Files.createDirectories(tmp.resolve(method));
            ReferenceTools.python(script, "regions", cmu, out, source, target, method, true, dir, 400, "800,1400", "300,600", "1700,2500")
                    .requireSuccess("numpy");
            for (String at : new String[] {"800-1400", "300-600", "1700-2500"}) {
                Raster mine = ImageFiles.read(dir.resolve("tif-" + at + ".png")), want = ImageFiles.read(dir.resolve("ref-" + at + ".png"));
                Raster orig = ImageFiles.read(dir.resolve("in-" + at + ".png"));
                assertThat(mad(mine, want)).as(method + " at " + at).isLessThan(2.0);
                assertThat(mad(mine, orig)).as("moved").isGreaterThan(2.0);
            }
        }
    }

    @Test
    void aSlideNormalizedToItsOwnStainsIsUnchangedUpToRounding() throws IOException {
        Path cmu = SharedData.slide("cmu-1-small-region.svs");
        ReferenceTools.requirePythonModules("openslide", "numpy", "PIL", "tifffile");
        Path own = tmp.resolve("own.json"), out = tmp.resolve("own.tif");
        assertThat(NormalizeCommandTest.run("normalize", "--fit", cmu.toString(), "-o", own.toString()).code()).isZero();
        var r = NormalizeCommandTest.run("normalize", cmu.toString(), "--target", own.toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        ReferenceTools.python(script(), "regions", cmu, out, "-", "-", "macenko", true, tmp, 700, "600,1200", "0,0").requireSuccess("numpy");
        Raster mine = ImageFiles.read(tmp.resolve("tif-600-1200.png")), orig = ImageFiles.read(tmp.resolve("in-600-1200.png"));
        assertThat(mine.type()).isEqualTo(PixelType.UINT8);
        int max = 0;
        for (int i = 0; i < mine.sampleCount(); i++) max = (int) Math.max(max, Math.abs(mine.getAt(i) - orig.getAt(i)));
        assertThat(max).isLessThanOrEqualTo(1);
    }

    @Test
    void fluorescenceAndDamagedSlidesAreOneLineErrors() throws IOException {
        Path ome = SharedData.slide("multi-channel-z-series.ome.tif"), broken = SharedData.slide("broken.svs");
        Path json = tmp.resolve("t.json");
        Raster t = NormalizeCommandTest.target(300, 200);
        Path png = tmp.resolve("t.png");
        ImageFiles.write(t, png);
        assertThat(NormalizeCommandTest.run("normalize", "--fit", png.toString(), "-o", json.toString()).code()).isZero();
        var r = NormalizeCommandTest.run("normalize", ome.toString(), "--target", json.toString(), "-o", tmp.resolve("o.tif").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("multi-channel-z-series.ome.tif: stain normalization needs an 8-bit RGB slide, not 3 channels of int8");
        r = NormalizeCommandTest.run("normalize", broken.toString(), "--target", json.toString(), "-o", tmp.resolve("b.tif").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> l.contains("broken.svs")).count()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(java.nio.file.Files.exists(tmp.resolve("b.tif"))).isFalse();
    }

    static double mad(Raster a, Raster b) {
        double s = 0;
        for (int i = 0; i < a.sampleCount(); i++) s += Math.abs(a.getAt(i) - b.getAt(i));
        return s / a.sampleCount();
    }
}
