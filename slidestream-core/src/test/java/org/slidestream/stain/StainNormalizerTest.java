package org.slidestream.stain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slidestream.format.FormatException;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.memory.MemoryBudget;

class StainNormalizerTest {
    static final StainParameters P = StainParameters.defaults();
    static final double[] H = {0.65, 0.70, 0.29};
    static final double[] E = {0.20, 0.90, 0.38};

    /** An H&E-like image: Beer-Lambert mixtures of two stains with noise, a quarter background. */
    static Raster synthetic(int w, int h, long seed, double[] hs, double[] es, double eScale) {
        Random rnd = new Random(seed);
        Raster r = Raster.create(PixelType.UINT8, w, h, 3);
        double[] hu = StainFitter.unit(hs), eu = StainFitter.unit(es);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (x < w / 4) {
                    for (int c = 0; c < 3; c++) r.set(x, y, c, 255 - rnd.nextInt(3));
                    continue;
                }
                double u = rnd.nextDouble();
                double ch = u < 0.3 ? 0.4 + 1.2 * rnd.nextDouble() : u < 0.6 ? 0.6 * rnd.nextDouble() : 0.03 * rnd.nextDouble();
                double ce = eScale * (u < 0.3 ? 0.03 * rnd.nextDouble() : 0.3 + 0.8 * rnd.nextDouble());
                for (int c = 0; c < 3; c++) {
                    double od = ch * hu[c] + ce * eu[c] + 0.02 * rnd.nextGaussian();
                    r.set(x, y, c, 255 * Math.exp(-od));
                }
            }
        }
        return r;
    }

    static StainProfile fit(Raster r, StainMethod m) {
        return StainFitter.fit(StainSample.of(r, P), m, "test").require("test");
    }

    @Test
    void odRoundingIsExact() {
        for (float io : new float[] {255f, 240f}) {
            ByteQuantizer q = OpticalDensity.toByte(io);
            Random rnd = new Random(3);
            for (int i = 0; i < 300_000; i++) {
                float x = (float) (rnd.nextDouble() * 9 - 1);
                long want = Math.max(0, Math.min(255, (long) Math.rint(io * Math.exp(-(double) x))));
                assertThat(q.apply(-x)).as("od %s io %s", x, io).isEqualTo((int) want);
            }
            float[] od = OpticalDensity.table(io);
            for (int v = 1; v < 256; v++) {
                if (v <= io) assertThat(q.apply(-od[v])).isEqualTo(v);
            }
            assertThat(q.apply(Float.NaN)).isZero();
        }
    }

    @Test
    void labRoundTripIsWithinRounding() {
        float[] lab = new float[3];
        Random rnd = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            int r = rnd.nextInt(256), g = rnd.nextInt(256), b = rnd.nextInt(256);
            Lab.toLab(r, g, b, lab);
            int back = Lab.toRgb(lab[0], lab[1], lab[2]);
            assertThat(Math.abs((back >> 16) - r)).isLessThanOrEqualTo(1);
            assertThat(Math.abs((back >> 8 & 0xFF) - g)).isLessThanOrEqualTo(1);
            assertThat(Math.abs((back & 0xFF) - b)).isLessThanOrEqualTo(1);
        }
        Lab.toLab(255, 255, 255, lab);
        assertThat(lab[0]).isCloseTo(100f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(Lab.toRgb(lab[0], lab[1], lab[2])).isEqualTo(0xFFFFFF);
    }

    @Test
    void jacobiGivesOrthonormalSortedEigenvectors() {
        Random rnd = new Random(11);
        for (int t = 0; t < 200; t++) {
            double[][] a = new double[3][3];
            for (int i = 0; i < 3; i++) for (int j = i; j < 3; j++) a[i][j] = a[j][i] = rnd.nextGaussian();
            Eigen3 e = new Eigen3(a);
            for (int k = 0; k < 3; k++) {
                double[] v = e.vectors[k];
                for (int i = 0; i < 3; i++) {
                    double av = a[i][0] * v[0] + a[i][1] * v[1] + a[i][2] * v[2];
                    assertThat(av).isCloseTo(e.values[k] * v[i], org.assertj.core.data.Offset.offset(1e-10));
                }
                assertThat(v[0] + v[1] + v[2]).isGreaterThanOrEqualTo(-1e-9);
                if (k > 0) assertThat(e.values[k]).isLessThanOrEqualTo(e.values[k - 1]);
            }
            assertThat(StainFitter.dot(e.vectors[0], e.vectors[1])).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @ParameterizedTest
    @EnumSource(StainMethod.class)
    void recoversKnownStainsAndNormalizingToItselfChangesNothing(StainMethod m) {
        Raster img = synthetic(300, 200, 1, H, E, 1);
        StainProfile p = fit(img, m);
        if (m != StainMethod.REINHARD) {
            assertThat(StainFitter.dot(toD(p.hematoxylin()), StainFitter.unit(H))).isGreaterThan(0.99);
            assertThat(StainFitter.dot(toD(p.eosin()), StainFitter.unit(E))).isGreaterThan(0.99);
        }
        Raster out = StainNormalizer.create(m, new StainEstimate(p, null), p, P, StainOutput.RGB, false).apply(img);
        assertThat(maxDiff(out, img)).isLessThanOrEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(StainMethod.class)
    void whiteStaysWhiteAndColoursMoveToTheTarget(StainMethod m) {
        Raster src = synthetic(300, 200, 1, H, E, 1);
        Raster tgt = synthetic(300, 200, 2, new double[] {0.55, 0.80, 0.25}, new double[] {0.15, 0.95, 0.30}, 0.6);
        StainProfile t = fit(tgt, m);
        StainNormalizer n = StainNormalizer.create(m, StainFitter.fit(StainSample.of(src, P), m, "src"), t, P, StainOutput.RGB, false);
        assertThat(n.warning()).isNull();
        Raster white = Raster.create(PixelType.UINT8, 16, 16, 3);
        white.fill(255);
        assertThat(n.apply(white).contentEquals(white)).isTrue();
        Raster out = n.apply(src);
        // refitted, the normalized source has the target's stains (or CIELAB statistics)
        StainProfile o = fit(out, m);
        if (m == StainMethod.REINHARD) {
            for (int c = 0; c < 3; c++) {
                assertThat(o.labMean()[c]).isCloseTo(t.labMean()[c], org.assertj.core.data.Offset.offset(1.5f));
                assertThat(o.labStd()[c]).isCloseTo(t.labStd()[c], org.assertj.core.data.Offset.offset(1.5f));
            }
        } else {
            assertThat(StainFitter.dot(toD(o.hematoxylin()), toD(t.hematoxylin()))).isGreaterThan(0.995);
            assertThat(StainFitter.dot(toD(o.eosin()), toD(t.eosin()))).isGreaterThan(0.995);
            for (int k = 0; k < 2; k++) {
                assertThat(o.maxConcentrations()[k]).isCloseTo(t.maxConcentrations()[k], org.assertj.core.data.Percentage.withPercentage(5));
            }
        }
        assertThat(maxDiff(out, src)).isGreaterThan(10);
    }

    @Test
    void reinhardLeavesOffWhiteGlassUnchanged() {
        // real glass is rarely 255: grey-white 243 (OD 0.05) is background, not tissue
        Raster src = synthetic(300, 200, 1, H, E, 1);
        Raster tgt = synthetic(300, 200, 2, new double[] {0.55, 0.80, 0.25}, new double[] {0.15, 0.95, 0.30}, 0.6);
        StainNormalizer n = StainNormalizer.create(StainMethod.REINHARD, StainFitter.fit(StainSample.of(src, P), StainMethod.REINHARD, "src"),
                fit(tgt, StainMethod.REINHARD), P, StainOutput.RGB, false);
        Raster glass = Raster.create(PixelType.UINT8, 16, 16, 3);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                glass.set(x, y, 0, 245);
                glass.set(x, y, 1, 243);
                glass.set(x, y, 2, 243);
            }
        }
        assertThat(maxDiff(n.apply(glass), glass)).isEqualTo(0);
    }

    @ParameterizedTest
    @EnumSource(StainMethod.class)
    void blankOrSingleStainInputFallsBackToIdentity(StainMethod m) {
        StainProfile t = fit(synthetic(300, 200, 2, H, E, 1), m);
        Raster blank = Raster.create(PixelType.UINT8, 64, 64, 3);
        blank.fill(250);
        StainEstimate none = StainFitter.fit(StainSample.of(blank, P), m, "blank");
        assertThat(none.ok()).isFalse();
        assertThat(none.problem()).contains("too few tissue pixels");
        assertThatThrownBy(() -> none.require("blank.png")).hasMessageStartingWith("blank.png: cannot fit stains: too few");
        StainNormalizer n = StainNormalizer.create(m, none, t, P, StainOutput.RGB, false);
        assertThat(n.warning()).contains("too few tissue pixels").contains("unchanged");
        Raster img = synthetic(100, 80, 4, H, E, 1);
        assertThat(n.apply(img).contentEquals(img)).isTrue();
        if (m != StainMethod.REINHARD) {
            Raster oneStain = synthetic(200, 100, 5, H, H, 1);
            StainEstimate single = StainFitter.fit(StainSample.of(oneStain, P), m, "h only");
            assertThat(single.ok()).isFalse();
            assertThat(single.problem()).containsAnyOf("one stain", "no eosin", "no hematoxylin");
            // concentrations of a source without stains use the target's, never NaN
            StainNormalizer c = StainNormalizer.create(m, single, t, P, StainOutput.HEMATOXYLIN, true);
            for (float v : c.apply(oneStain).floats()) assertThat(Float.isFinite(v)).isTrue();
        }
    }

    @Test
    void concentrationOutputs() {
        Raster img = synthetic(300, 200, 1, H, E, 1);
        StainProfile p = fit(img, StainMethod.MACENKO);
        StainEstimate self = new StainEstimate(p, null);
        Raster hf = StainNormalizer.create(StainMethod.MACENKO, self, p, P, StainOutput.HEMATOXYLIN, true).apply(img);
        Raster h8 = StainNormalizer.create(StainMethod.MACENKO, self, p, P, StainOutput.HEMATOXYLIN, false).apply(img);
        Raster e8 = StainNormalizer.create(StainMethod.MACENKO, self, p, P, StainOutput.EOSIN, false).apply(img);
        assertThat(hf.type()).isEqualTo(PixelType.FLOAT32);
        assertThat(hf.bands()).isEqualTo(1);
        // background has no stain; 8-bit is the float scaled so that 255 is the 99th percentile
        assertThat(hf.get(0, 0, 0)).isCloseTo(0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(h8.get(0, 0, 0)).isLessThanOrEqualTo(3);
        for (int i = 0; i < hf.sampleCount(); i += 97) {
            double want = Math.max(0, Math.min(255, Math.rint(hf.getAt(i) * 255 / p.maxConcentrations()[0])));
            assertThat(h8.getAt(i)).isCloseTo(want, org.assertj.core.data.Offset.offset(1.0));
        }
        assertThat(e8.get(150, 100, 0)).isGreaterThan(20);
        assertThatThrownBy(() -> StainNormalizer.create(StainMethod.REINHARD, self, p, P, StainOutput.EOSIN, false))
                .hasMessageContaining("no stain concentrations");
        StainProfile reinhard = fit(img, StainMethod.REINHARD);
        assertThatThrownBy(() -> StainNormalizer.create(StainMethod.MACENKO, self, reinhard, P, StainOutput.RGB, false))
                .hasMessageContaining("no stain vectors");
    }

    @Test
    void tilesAreIdenticalForAnyNumberOfWorkers() throws Exception {
        Raster whole = synthetic(700, 500, 9, H, E, 1);
        TileSource src = new TileSource() {
            final ImageInfo info = new ImageInfo(700, 500, 3, PixelType.UINT8, 128, 128);
            @Override public ImageInfo info() { return info; }
            @Override public void read(int plane, Region r, Raster dest) { dest.copyFrom(whole, r.x(), r.y(), 0, 0, r.width(), r.height()); }
        };
        StainProfile t = fit(synthetic(300, 200, 2, new double[] {0.55, 0.80, 0.25}, E, 0.6), StainMethod.VAHADANE);
        StainEstimate s = StainFitter.fit(StainSample.of(whole, P), StainMethod.VAHADANE, "whole");
        var n = StainNormalizer.create(StainMethod.VAHADANE, s, t, P, StainOutput.RGB, false);
        NormalizedSource ns = new NormalizedSource(src, n, new MemoryBudget(64 << 20));
        Raster one = readAll(ns, 1), four = readAll(ns, 4);
        assertThat(one.contentEquals(four)).isTrue();
        assertThat(one.contentEquals(n.apply(whole))).isTrue();
    }

    static Raster readAll(TileSource s, int threads) throws Exception {
        ImageInfo i = s.info();
        Raster out = Raster.create(i.pixelType(), i.width(), i.height(), i.bands());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int ty = i.tilesDown() - 1; ty >= 0; ty--) {
                for (int tx = 0; tx < i.tilesAcross(); tx++) {
                    Region r = i.tile(tx, ty);
                    fs.add(pool.submit(() -> {
                        Raster t = Raster.create(i.pixelType(), i.tileWidth(), i.tileHeight(), i.bands());
                        s.read(0, r, t);
                        synchronized (out) { out.copyFrom(t, 0, 0, r.x(), r.y(), r.width(), r.height()); }
                    }));
                }
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdown();
        }
        return out;
    }

    @Test
    void profileJsonRoundTrip(@TempDir Path dir) throws IOException {
        StainProfile p = fit(synthetic(300, 200, 1, H, E, 1), StainMethod.MACENKO);
        Path f = dir.resolve("stains.json");
        p.write(f);
        assertThat(Files.readString(f)).contains("\"format\" : \"slidestream-stains/1\"").contains("\"hematoxylin\"");
        assertThat(StainProfile.read(f)).isEqualTo(p);
        StainProfile r = fit(synthetic(300, 200, 1, H, E, 1), StainMethod.REINHARD);
        r.write(f);
        assertThat(Files.readString(f)).doesNotContain("hematoxylin");
        assertThat(StainProfile.read(f)).isEqualTo(r);
        Files.writeString(f, "{\"format\":\"slidestream-stains/1\",\"method\":\"macenko\",\"hematoxylin\":[1,0]}");
        assertThatThrownBy(() -> StainProfile.read(f)).isInstanceOf(FormatException.class)
                .hasMessageContaining("stains.json: not a stain profile: hematoxylin must have 3 values");
        Files.writeString(f, "[1,2");
        assertThatThrownBy(() -> StainProfile.read(f)).isInstanceOf(FormatException.class).hasMessageContaining("stains.json");
        assertThatThrownBy(() -> StainProfile.read(dir.resolve("missing.json"))).isInstanceOf(IOException.class).hasMessageContaining("missing.json");
    }

    @Test
    void samplesAreEvenlyThinnedBeyondTheMaximum() {
        // 5000 tissue pixels, each colour unique, in rows with background between them
        Raster r = Raster.create(PixelType.UINT8, 100, 100, 3);
        r.fill(255);
        int n = 0;
        for (int i = 0; i < 100 * 100; i += 2, n++) {
            r.setAt(3 * i, n % 200);
            r.setAt(3 * i + 1, n / 200);
            r.setAt(3 * i + 2, 100);
        }
        StainSample s = new StainSample(P.withMaxSamples(1000), 0f);
        s.add(r, new Region(0, 0, 100, 50));
        s.add(r, new Region(0, 50, 100, 50));
        assertThat(s.tissuePixels()).isEqualTo(5000);
        assertThat(s.pixelsSeen()).isEqualTo(10_000);
        byte[] kept = s.rgb();
        int stride = 8; // 5000 candidates, at most 1000 kept: 1, 2, 4, 8
        assertThat(s.size()).isEqualTo(625);
        for (int k = 0; k < s.size(); k++) {
            int c = k * stride;
            assertThat(kept[3 * k] & 0xFF).isEqualTo(c % 200);
            assertThat(kept[3 * k + 1] & 0xFF).isEqualTo(c / 200);
        }
    }

    static int maxDiff(Raster a, Raster b) {
        int m = 0;
        for (int i = 0; i < a.sampleCount(); i++) m = (int) Math.max(m, Math.abs(a.getAt(i) - b.getAt(i)));
        return m;
    }

    static double[] toD(float[] f) {
        return new double[] {f[0], f[1], f[2]};
    }
}
