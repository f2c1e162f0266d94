package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.slidestream.cli.PatchCommandTest.csv;
import static org.slidestream.cli.PatchCommandTest.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.io.AtomicOutput;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.testing.ReferenceTools;

class PatchOutputsTest {
    @TempDir Path tmp;

    private Path synth(String name, int w, int h, long seed) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "synth " + w + " " + h + " " + seed + "\n");
        return p;
    }

    private static List<long[]> coords(Path csv) throws IOException {
        return csv(csv).stream().skip(1).map(r -> new long[] {Long.parseLong(r.get(0)), Long.parseLong(r.get(1))}).toList();
    }

    @Test
    void npyHoldsTheSlidesPixelsAndH5pyAndNumpyReadTheLayout() throws Exception {
        ReferenceTools.requirePythonModules("h5py", "numpy");
        Path slide = synth("s.tif", 2048, 1536, 7);
        Path out = tmp.resolve("out");
        // 0.5 um/px is no level of the slide (1, 4, 16): read from level 0 and resampled
        PatchCommandTest.Run r = run("patch", slide.toString(), "-o", out.toString(), "--size", "96", "--stride", "80",
                "--mpp", "0.5", "--a-t", "0.5", "--save", "npy");
        assertThat(r.code()).as(r.err()).isZero();
        List<long[]> xy = coords(out.resolve("s/patches.csv"));
        assertThat(xy).hasSizeGreaterThan(5);
        Path raw = tmp.resolve("expected.raw");
        try (Slide s = Slide.open(slide); OutputStream o = Files.newOutputStream(raw)) {
            for (long[] c : xy) {
                Raster p = Raster.create(PixelType.UINT8, 96, 96, 3);
                s.readRegion(ReadRequest.atDownsample(2.0, (int) c[0], (int) c[1], 96, 96), p);
                o.write(p.bytes());
            }
        }
        String script = """
                import sys, h5py, numpy as np
                d = sys.argv[1]
                with h5py.File(d + '/coords.h5', 'r') as f:
                    c = f['coords']
                    assert c.dtype == np.int64 and c.ndim == 2 and c.shape[1] == 2, (c.dtype, c.shape)
                    a = dict(c.attrs)
                    for k in ['patch_size', 'patch_level', 'downsample', 'downsampled_level_dim', 'level_dim', 'name',
                              'patch_size_level0', 'level0_magnification', 'target_magnification', 'overlap', 'mpp']:
                        assert k in a, k
                    assert a['patch_size'] == 96 and a['patch_size_level0'] == 192 and a['overlap'] == 16
                    assert a['target_magnification'] == 20 and a['level0_magnification'] == 40
                    assert abs(a['mpp'] - 0.5) < 1e-9 and isinstance(a['name'], str)
                    assert list(a['downsample']) == [2.0, 2.0] and list(a['level_dim']) == [1024, 768]
                    n = c.shape[0]
                    csv = np.loadtxt(d + '/patches.csv', delimiter=',', skiprows=1, ndmin=2)
                    assert (csv[:, :2].astype(np.int64) == c[:]).all()
                p = np.load(d + '/patches.npy')
                assert p.dtype == np.uint8 and p.shape == (n, 96, 96, 3), p.shape
                e = np.fromfile(sys.argv[2], dtype=np.uint8).reshape(p.shape)
                assert (p == e).all(), 'pixels differ'
                print(n)
                """;
        String n = ReferenceTools.python(script, out.resolve("s"), raw).requireSuccess("h5py/numpy").stdout().strip();
        assertThat(Long.parseLong(n)).isEqualTo(xy.size());
    }

    @Test
    void imagesAreNamedByCoordinatesAndHoldThePatch() throws Exception {
        Path slide = synth("s.tif", 1536, 1536, 3);
        Path out = tmp.resolve("out");
        PatchCommandTest.Run r = run("patch", slide.toString(), "-o", out.toString(), "--size", "128", "--level", "1",
                "--a-t", "0.5", "--save", "png", "--min-tissue", "0.8");
        assertThat(r.code()).as(r.err()).isZero();
        List<long[]> xy = coords(out.resolve("s/patches.csv"));
        assertThat(xy).isNotEmpty();
        try (var files = Files.list(out.resolve("s/patches"))) {
            assertThat(files.count()).isEqualTo(xy.size());
        }
        long[] c = xy.get(xy.size() / 2);
        Raster png = ImageFiles.read(out.resolve("s/patches/" + c[0] + "_" + c[1] + ".png"));
        try (Slide s = Slide.open(slide)) {
            Raster expect = s.readRegion(ReadRequest.atLevel(1, (int) c[0], (int) c[1], 128, 128));
            assertThat(png.contentEquals(expect)).isTrue();
        }
        PatchCommandTest.Run j = run("patch", slide.toString(), "-o", tmp.resolve("jpeg").toString(), "--size", "128", "--level", "1",
                "--a-t", "0.5", "--save", "jpeg", "--min-tissue", "0.8");
        assertThat(j.code()).as(j.err()).isZero();
        assertThat(tmp.resolve("jpeg/s/patches/" + c[0] + "_" + c[1] + ".jpg")).exists();
    }

    @Test
    void aSlideWithoutTissueSucceedsWithNoPatches() throws Exception {
        Raster white = Raster.create(PixelType.UINT8, 1200, 900, 3);
        white.fill(250);
        Path png = tmp.resolve("blank.png");
        ImageFiles.write(white, png);
        Path out = tmp.resolve("out");
        PatchCommandTest.Run r = run("patch", png.toString(), "-o", out.toString(), "--save", "npy");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(csv(out.resolve("status.csv")).get(1)).startsWith("blank", "success", "", "0");
        assertThat(csv(out.resolve("blank/patches.csv"))).hasSize(1);
        try (NpyReader n = NpyReader.open(out.resolve("blank/patches.npy"))) {
            assertThat(n.shape()).containsExactly(0, 256, 256, 3);
        }
    }

    @Test
    void aRerunAfterAnInterruptionCompletesWithTheSameOutputs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("slides"));
        Files.writeString(dir.resolve("a.tif"), "synth 1536 1536 11\n");
        Files.writeString(dir.resolve("b.tif"), "synth 1536 1024 12\n");
        String[] base = {"patch", dir.toString(), "--size", "128", "--a-t", "0.5", "--save", "npy", "-o"};
        Path ref = tmp.resolve("ref"), out = tmp.resolve("out");
        assertThat(run(concat(base, ref.toString())).code()).isZero();
        assertThat(run(concat(base, out.toString())).code()).isZero();
        // what a kill in the middle of slide b leaves: its completion mark gone, a half-written
        // stack and CSV under their temporary names, a truncated thumbnail from an older run
        Files.delete(out.resolve("b/coords.h5"));
        Files.delete(out.resolve("b/patches.npy"));
        Files.write(AtomicOutput.tempFor(out.resolve("b/patches.npy")), new byte[12345]);
        Files.writeString(AtomicOutput.tempFor(out.resolve("b/patches.csv")), "x,y,tissue_fr");
        Files.write(out.resolve("b/thumbnail.png"), new byte[10]);
        PatchCommandTest.Run again = run(concat(base, out.toString()));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("1 done, 1 skipped");
        PatchCommandTest.assertSameOutputs(ref, out);
    }

    @Test
    void manifestColumnsOverrideOptionsPerSlide() throws Exception {
        synth("a.tif", 1536, 1536, 5);
        synth("b.tif", 1536, 1536, 5);
        Files.writeString(tmp.resolve("cohort.csv"), "slide,min_tissue,size\na.tif,0.95,\nb.tif,,64\nmissing.tif,,\n");
        Path out = tmp.resolve("out");
        PatchCommandTest.Run r = run("patch", tmp.resolve("cohort.csv").toString(), "-o", out.toString(), "--a-t", "0.5",
                "--min-tissue", "0.3");
        assertThat(r.code()).as("the missing slide fails: " + r.err()).isEqualTo(1);
        List<List<String>> a = csv(out.resolve("a/patches.csv"));
        for (List<String> row : a.subList(1, a.size())) assertThat(Double.parseDouble(row.get(2))).isGreaterThanOrEqualTo(0.95);
        List<List<String>> b = csv(out.resolve("b/patches.csv"));
        assertThat(b.size()).isGreaterThan(a.size());
        assertThat(b.subList(1, b.size())).allMatch(row -> Long.parseLong(row.get(0)) % 64 == 0);
        assertThat(csv(out.resolve("status.csv")).get(3)).startsWith("missing", "failed");
    }

    @Test
    void tissueCommandWritesMaskContoursAndThumbnail() throws Exception {
        Path slide = synth("s.tif", 2048, 2048, 9);
        Path out = tmp.resolve("out");
        PatchCommandTest.Run r = run("tissue", slide.toString(), "-o", out.toString(), "--method", "otsu");
        assertThat(r.code()).as(r.err()).isZero();
        Raster mask = ImageFiles.read(out.resolve("s/mask.png"));
        assertThat(mask.width()).isEqualTo(64); // 8 um/px of a 0.25 um/px slide: 1/32
        String geo = Files.readString(out.resolve("s/tissue.geojson"));
        assertThat(geo).contains("\"FeatureCollection\"").contains("\"Polygon\"").contains("Tissue");
        var features = org.slidestream.format.geojson.GeoJson.read(out.resolve("s/tissue.geojson"));
        assertThat(features).isNotEmpty().allMatch(f -> "Tissue".equals(f.className()) && f.geometry().getArea() > 0);
        // level-0 coordinates: the outlines lie within the 2048 x 2048 slide and cover its tissue
        double area = features.stream().mapToDouble(f -> f.geometry().getArea()).sum();
        long tissuePx = 0;
        for (byte b : mask.bytes()) if ((b & 0xFF) != 0) tissuePx++;
        assertThat(area / (tissuePx * 32.0 * 32.0)).isBetween(0.8, 1.2);
        assertThat(features).allMatch(f -> f.geometry().getEnvelopeInternal().getMaxX() <= 2048);
        assertThat(ImageFiles.read(out.resolve("s/thumbnail.png")).width()).isEqualTo(64);
        assertThat(run("tissue", slide.toString(), "-o", out.toString(), "--method", "bogus").code()).isEqualTo(2);
    }

    private static String[] concat(String[] a, String b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = b;
        return r;
    }
}
