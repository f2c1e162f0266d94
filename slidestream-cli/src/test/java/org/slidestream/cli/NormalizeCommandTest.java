package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.stain.SlideStains;
import org.slidestream.stain.StainMethod;
import org.slidestream.stain.StainNormalizer;
import org.slidestream.stain.StainOutput;
import org.slidestream.stain.StainParameters;
import org.slidestream.stain.StainProfile;
import org.slidestream.testing.ReferenceTools;
import picocli.CommandLine;

/** {@code normalize}: fitting a target, whole-slide normalization through the writer, and {@code patch --normalize}. */
class NormalizeCommandTest {
    @TempDir Path tmp;
    Path slide;
    Path targetPng;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** An H&E-like image with other stain colours than the synthetic slides, as a PNG (also a test slide). */
    static Raster target(int w, int h) {
        Random rnd = new Random(7);
        double[] hs = unit(0.55, 0.80, 0.25), es = unit(0.15, 0.95, 0.30);
        Raster r = Raster.create(PixelType.UINT8, w, h, 3);
        for (int i = 0; i < w * h; i++) {
            if (i % w < w / 5) { for (int c = 0; c < 3; c++) r.setAt(3 * i + c, 254); continue; }
            double u = rnd.nextDouble();
            double ch = u < 0.3 ? 0.4 + rnd.nextDouble() : 0.3 * rnd.nextDouble(), ce = u < 0.3 ? 0.05 : 0.2 + 0.6 * rnd.nextDouble();
            for (int c = 0; c < 3; c++) r.setAt(3 * i + c, 255 * Math.exp(-(ch * hs[c] + ce * es[c] + 0.01 * rnd.nextGaussian())));
        }
        return r;
    }

    static double[] unit(double... v) {
        double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return new double[] {v[0] / n, v[1] / n, v[2] / n};
    }

    @BeforeEach
    void inputs() throws IOException {
        slide = tmp.resolve("slide.tif");
        Files.writeString(slide, "synth 1500 1100 4\n");
        targetPng = tmp.resolve("target.png");
        ImageFiles.write(target(400, 300), targetPng);
    }

    /** Level 0 of a TIFF as tifffile reads it, as raw samples. */
    static byte[] tifffileLevel0(Path tif) throws IOException {
        ReferenceTools.requirePythonModules("tifffile", "numpy");
        Path raw = tif.resolveSibling(tif.getFileName() + ".raw");
        ReferenceTools.python("""
                import sys, tifffile, numpy as np
                a = tifffile.imread(sys.argv[1], level=0)
                open(sys.argv[2], 'wb').write(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tobytes())
                print(a.shape, a.dtype)
                """, tif, raw).requireSuccess("tifffile");
        return Files.readAllBytes(raw);
    }

    @Test
    void fitsATargetAndNormalizesAWholeSlideTileByTile() throws IOException {
        Path json = tmp.resolve("target-stains.json");
        Run fit = run("normalize", "--fit", targetPng.toString(), "-o", json.toString());
        assertThat(fit.code()).as(fit.err()).isZero();
        StainProfile t = StainProfile.read(json);
        assertThat(t.method()).isEqualTo("macenko");
        assertThat(fit.out()).contains("hematoxylin (");

        Path out = tmp.resolve("out.ome.tif");
        Run r = run("normalize", slide.toString(), "--target", json.toString(), "-o", out.toString(), "--threads", "3", "--max-memory", "256m");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("source stains (fitted in").contains("macenko, hematoxylin").contains("peak memory");

        // the same as normalizing the pixels in memory with the source stains fitted on the slide
        MemoryBudget budget = new MemoryBudget(256 << 20);
        try (Slide s = Slide.open(slide)) {
            StainParameters p = StainParameters.defaults();
            var source = SlideStains.fit(s, null, StainMethod.MACENKO, p, budget);
            Raster in = s.levelSource(0).read(s.level(0).width() > 0 ? new org.slidestream.image.Region(0, 0, 1500, 1100) : null);
            Raster want = StainNormalizer.create(StainMethod.MACENKO, source, t, p, StainOutput.RGB, false).apply(in);
            byte[] got = tifffileLevel0(out);
            assertThat(got).isEqualTo(want.bytes());
            assertThat(maxDiff(want, in)).isGreaterThan(10);
        }
        // identical for one worker
        Path one = tmp.resolve("one.ome.tif");
        assertThat(run("normalize", slide.toString(), "--target", json.toString(), "-o", one.toString(), "--threads", "1").code()).isZero();
        assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void slideNormalizedToItsOwnStainsIsUnchanged() throws IOException {
        Path json = tmp.resolve("own.json");
        for (String method : new String[] {"macenko", "vahadane", "reinhard"}) {
            assertThat(run("normalize", "--fit", slide.toString(), "--method", method, "-o", json.toString()).code()).isZero();
            Path out = tmp.resolve("own-" + method + ".tif");
            Run r = run("normalize", slide.toString(), "--target", json.toString(), "-o", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            byte[] got = tifffileLevel0(out);
            try (Slide s = Slide.open(slide)) {
                Raster in = s.levelSource(0).read(new org.slidestream.image.Region(0, 0, 1500, 1100));
                assertThat(maxDiff(Raster.wrap(PixelType.UINT8, 1500, 1100, 3, got), in)).as(method).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void concentrationsAsFloatOrBytes() throws IOException {
        Path h = tmp.resolve("h.tif"), e = tmp.resolve("e.tif");
        Run r = run("normalize", slide.toString(), "--target", targetPng.toString(), "--output", "hematoxylin", "--float", "--compression", "none", "-o", h.toString());
        assertThat(r.code()).as(r.err()).isZero();
        byte[] f = tifffileLevel0(h);
        assertThat(f.length).isEqualTo(1500 * 1100 * 4);
        java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float max = 0;
        for (int i = 0; i < fb.limit(); i++) {
            assertThat(Float.isFinite(fb.get(i))).isTrue();
            max = Math.max(max, fb.get(i));
        }
        assertThat(max).isGreaterThan(0.3f);
        r = run("normalize", slide.toString(), "--target", targetPng.toString(), "--output", "eosin", "--method", "vahadane", "-o", e.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tifffileLevel0(e).length).isEqualTo(1500 * 1100);
    }

    @Test
    void blankSlideIsWrittenUnchangedWithAWarning() throws IOException {
        Raster blank = Raster.create(PixelType.UINT8, 600, 500, 3);
        blank.fill(250);
        Path png = tmp.resolve("blank.png");
        ImageFiles.write(blank, png);
        Path out = tmp.resolve("blank.tif");
        Run r = run("normalize", png.toString(), "--target", targetPng.toString(), "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("blank.png: warning: source stains not fitted (too few tissue pixels");
        assertThat(tifffileLevel0(out)).isEqualTo(blank.bytes());
        // a blank target is an error, not a silent identity
        Run t = run("normalize", "--fit", png.toString(), "-o", tmp.resolve("x.json").toString());
        assertThat(t.code()).isEqualTo(1);
        assertThat(t.err()).contains("blank.png: cannot fit stains: too few tissue pixels");
    }

    @Test
    void usageErrors() throws IOException {
        String o = tmp.resolve("o.tif").toString();
        assertThat(run("normalize", slide.toString(), "-o", o).code()).isEqualTo(2);
        assertThat(run("normalize", slide.toString(), "--target", targetPng.toString(), "--method", "foo", "-o", o).err()).contains("unknown stain method 'foo'");
        assertThat(run("normalize", "--fit", targetPng.toString(), "--region", "1,2,3", "-o", o).code()).isEqualTo(2);
        assertThat(run("normalize", slide.toString(), "--target", targetPng.toString(), "--output", "out.tif", "-o", o).err()).contains("unknown output 'out.tif'");
        assertThat(run("normalize", slide.toString(), "--target", targetPng.toString(), "--method", "reinhard", "--output", "eosin", "-o", o).code()).isEqualTo(2);
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"method\": \"macenko\"}");
        Run r = run("normalize", slide.toString(), "--target", bad.toString(), "-o", o);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.json: not a stain profile");
        Path json = tmp.resolve("r.json");
        assertThat(run("normalize", "--fit", targetPng.toString(), "--method", "reinhard", "-o", json.toString()).code()).isZero();
        r = run("normalize", slide.toString(), "--target", json.toString(), "--method", "macenko", "-o", o);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no stain vectors");
    }

    @Test
    void fitOnARegion() throws IOException {
        Path json = tmp.resolve("region.json");
        Run r = run("normalize", "--fit", slide.toString(), "--region", "300,200,600,500", "-o", json.toString(), "--method", "vahadane");
        assertThat(r.code()).as(r.err()).isZero();
        StainProfile p = StainProfile.read(json);
        assertThat(p.method()).isEqualTo("vahadane");
        assertThat(p.source()).contains("region 300,200,600,500");
    }

    @Test
    void patchNormalizeChangesSavedPatchesLikeTheNormalizer() throws IOException {
        Path json = tmp.resolve("t.json");
        assertThat(run("normalize", "--fit", targetPng.toString(), "-o", json.toString()).code()).isZero();
        Path plain = tmp.resolve("plain"), norm = tmp.resolve("norm");
        Path slides = Files.createDirectories(tmp.resolve("slides"));
        Files.copy(slide, slides.resolve("s.tif"));
        Run a = run("patch", slides.toString(), "-o", plain.toString(), "--size", "256", "--a-t", "0.5", "--save", "png");
        Run b = run("patch", slides.toString(), "-o", norm.toString(), "--size", "256", "--a-t", "0.5", "--save", "png", "--normalize", json.toString());
        assertThat(a.code()).as(a.err()).isZero();
        assertThat(b.code()).as(b.err()).isZero();
        StainNormalizer n;
        try (Slide s = Slide.open(slides.resolve("s.tif"))) {
            StainProfile t = StainProfile.read(json);
            n = StainNormalizer.create(StainMethod.MACENKO, SlideStains.fit(s, null, StainMethod.MACENKO, StainParameters.defaults(),
                    new MemoryBudget(64 << 20)), t, StainParameters.defaults(), StainOutput.RGB, false);
        }
        int files = 0;
        try (var list = Files.list(plain.resolve("s/patches"))) {
            for (Path p : list.toList()) {
                Raster before = ImageFiles.read(p), after = ImageFiles.read(norm.resolve("s/patches").resolve(p.getFileName()));
                assertThat(after.contentEquals(n.apply(before))).isTrue();
                files++;
            }
        }
        assertThat(files).isGreaterThan(3);
        assertThat(run("patch", slides.toString(), "-o", tmp.resolve("x").toString(), "--normalize", json.toString()).code()).isEqualTo(2);
        // an image as the target is fitted with the same defaults as normalize --fit: the same patches
        Path byImage = tmp.resolve("by-image");
        Run c = run("patch", slides.toString(), "-o", byImage.toString(), "--size", "256", "--a-t", "0.5", "--save", "png", "--normalize", targetPng.toString());
        assertThat(c.code()).as(c.err()).isZero();
        try (var list = Files.list(norm.resolve("s/patches"))) {
            for (Path p : list.toList()) {
                assertThat(Files.readAllBytes(byImage.resolve("s/patches").resolve(p.getFileName()))).isEqualTo(Files.readAllBytes(p));
            }
        }
    }

    static int maxDiff(Raster a, Raster b) {
        int m = 0;
        for (int i = 0; i < a.sampleCount(); i++) m = (int) Math.max(m, Math.abs(a.getAt(i) - b.getAt(i)));
        return m;
    }
}
