package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.stain.StainProfile;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;
import org.slidestream.view.TestContent;
import org.slidestream.view.content.ViewContent;
import org.slidestream.view.layer.Palette;
import org.slidestream.view.session.SlideView;
import org.slidestream.view.session.SlideViews;
import org.slidestream.view.tile.DeepZoom;

/**
 * The slide page's layers on real outputs, drawn as the server draws their tiles: channels and
 * planes of the shared OME-TIFF, registered rounds over their reference, the stain-normalized view,
 * the shared annotations in their three formats, and attention scores in {@code predict}'s layout.
 */
class ViewLayersTest {
    @TempDir Path tmp;

    /** A layer's pixels over a whole Deep Zoom level (RGB or RGBA), as its tiles show them. */
    static Raster render(ViewContent content, String slide, String layer, int level, Map<String, String> options) throws Exception {
        try (SlideViews.Lease lease = content.lease(slide)) {
            SlideView v = lease.view();
            DeepZoom z = v.zoom();
            return v.layer(layer).render(z, level, new Region(0, 0, (int) z.levelWidth(level), (int) z.levelHeight(level)), options);
        }
    }

    static JsonNode layer(JsonNode slide, String id) {
        for (JsonNode l : slide.get("layers")) if (l.get("id").asText().equals(id)) return l;
        throw new AssertionError("no layer " + id + " in " + slide);
    }

    @Test
    void channelsAndPlanesOfTheSharedOmeTiff() throws Exception {
        ReferenceTools.requirePythonModules("tifffile", "numpy", "PIL");
        Path file = SharedData.slide("multi-channel-z-series.ome.tif");
        // each (c, z) plane through the window [-1, 96] onto 0..255, as the viewer's contrast window maps it
        ReferenceTools.python(String.join("\n",
                "import sys, numpy as np, tifffile",
                "from PIL import Image",
                "a = tifffile.TiffFile(sys.argv[1]).series[0].asarray()",  // CZYX
                "for c, z in ((0, 1), (0, 3), (2, 1)):",
                "    v = np.clip((a[c, z].astype(np.float64) + 1) / 97.0, 0, 1)",
                "    Image.fromarray(np.floor(v * 255 + 0.5).astype(np.uint8)).save('%s/c%d-z%d.png' % (sys.argv[2], c, z))"),
                file, tmp).requireSuccess("tifffile");
        try (ViewContent content = TestContent.of(List.of(file))) {
            JsonNode info = content.slideJson("multi-channel-z-series");
            assertThat(info.get("sizeZ").asInt()).isEqualTo(5);
            JsonNode image = layer(info, "image");
            assertThat(image.get("channels")).hasSize(3);
            assertThat(image.get("channels").get(0).get("visible").asBoolean()).isTrue();
            int full = info.get("deepZoom").get("maxLevel").asInt();
            for (int[] cz : new int[][] {{0, 1}, {0, 3}, {2, 1}}) {
                Raster ours = render(content, "multi-channel-z-series", "image", full,
                        Map.of("c", "" + cz[0], "z", "" + cz[1], "lo", "-1", "hi", "96", "color", "ffffff"));
                BufferedImage ref = ImageIO.read(tmp.resolve("c" + cz[0] + "-z" + cz[1] + ".png").toFile());
                assertThat(maxGrayDifference(ours, ref)).as("channel %d, z %d", cz[0], cz[1]).isLessThanOrEqualTo(1);
            }
            // the planes differ only where the image writes its plane number: the viewer shows the one asked for
            Raster z1 = render(content, "multi-channel-z-series", "image", full, Map.of("c", "0", "z", "1", "lo", "-1", "hi", "96"));
            assertThat(maxGrayDifference(z1, ImageIO.read(tmp.resolve("c0-z3.png").toFile()))).isGreaterThan(50);
        }
    }

    @Test
    void registeredRoundsLieOverTheirReference() throws Exception {
        Path rounds = tmp.resolve("rounds"), reg = tmp.resolve("registered");
        Cli synth = Cli.run("synth", "--rounds", "2", "--channels", "2", "--width", "768", "--height", "768", "--seed", "5",
                "-o", rounds.toString(), "--max-memory", "256m");
        assertThat(synth.exitCode()).as(synth.toString()).isZero();
        Cli register = Cli.run("register", rounds.resolve("round0.ome.tif").toString(), rounds.resolve("round1.ome.tif").toString(),
                "--channel", "DAPI", "-o", reg.toString(), "--max-memory", "512m");
        assertThat(register.exitCode()).as(register.toString()).isZero();
        try (ViewContent content = TestContent.of(List.of(reg, rounds))) {
            assertThat(content.cohortJson("registered").get("rows")).hasSize(1);
            JsonNode info = content.slideJson("round0");
            // the reference's nuclei in magenta, the round's in green (white where they coincide), the first round shown
            JsonNode reference = layer(info, "image").get("channels"), round = layer(info, "overlay-0");
            assertThat(round.get("title").asText()).isEqualTo("Round round1");
            assertThat(round.get("visible").asBoolean()).isTrue();
            assertThat(reference.get(0).get("name").asText()).isEqualTo("DAPI");
            assertThat(reference.get(0).get("color").asText()).isEqualTo("#ff00ff");
            assertThat(reference.get(1).get("visible").asBoolean()).isFalse();
            assertThat(round.get("channels").get(0).get("color").asText()).isEqualTo("#00ff00");
            assertThat(info.get("figures").toString()).contains("round1.qc.png");

            int level = info.get("deepZoom").get("maxLevel").asInt() - 1;
            double[] ref = gray(render(content, "round0", "image", level, window(reference.get(0))));
            double[] registered = gray(render(content, "round0", "overlay-0", level, window(round.get("channels").get(0))));
            JsonNode moving = layer(content.slideJson("round1"), "image").get("channels").get(0);
            double[] unregistered = gray(render(content, "round1", "image", level, window(moving)));
            double before = correlation(ref, unregistered), after = correlation(ref, registered);
            assertThat(after).as("nuclei correlation after registration (before: %.3f)", before).isGreaterThan(0.3).isGreaterThan(before + 0.15);
        }
    }

    static Map<String, String> window(JsonNode channel) {
        return Map.of("c", channel.get("index").asText(), "lo", channel.get("lo").asText(), "hi", channel.get("hi").asText(), "color", "ffffff");
    }

    @Test
    void theStainNormalizedLayerIsWhatNormalizeWrites() throws Exception {
        Path cmu = SharedData.slide("cmu-1-small-region.svs");
        Path target = tmp.resolve("tcga-stains.json"), normalized = tmp.resolve("cmu-normalized.ome.tif");
        Cli fit = Cli.run("normalize", "--fit", SharedData.slide("tcga-cr-7395-01a-01-ts1.svs").toString(), "-o", target.toString());
        assertThat(fit.exitCode()).as(fit.toString()).isZero();
        Cli norm = Cli.run("normalize", cmu.toString(), "--target", target.toString(), "-o", normalized.toString(), "--max-memory", "256m");
        assertThat(norm.exitCode()).as(norm.toString()).isZero();
        try (ViewContent content = TestContent.of(List.of(cmu), StainProfile.read(target), null)) {
            JsonNode n = layer(content.slideJson("cmu-1-small-region"), "normalized");
            assertThat(n.get("title").asText()).isEqualTo("Stain-normalized (macenko)");
            Raster ours;
            Region region;
            try (SlideViews.Lease lease = content.lease("cmu-1-small-region")) {
                DeepZoom z = lease.view().zoom();
                region = z.tileRegion(z.maxLevel(), 3, 5);
                ours = lease.view().layer("normalized").render(z, z.maxLevel(), region, Map.of());
            }
            Raster theirs = Raster.create(ours.type(), ours.width(), ours.height(), 3), original = Raster.create(ours.type(), ours.width(), ours.height(), 3);
            try (Slide s = Slide.open(normalized, SlideOptions.defaults()); Slide o = Slide.open(cmu, SlideOptions.defaults())) {
                s.readRegion(ReadRequest.atLevel(0, region.x(), region.y(), region.width(), region.height()), theirs);
                o.readRegion(ReadRequest.atLevel(0, region.x(), region.y(), region.width(), region.height()), original);
            }
            assertThat(meanAbsolute(ours, theirs)).as("against normalize's output").isLessThanOrEqualTo(0.5);
            assertThat(meanAbsolute(ours, original)).as("against the slide").isGreaterThan(10);
        }
    }

    @Test
    void theSharedAnnotationsInTheirThreeFormatsCoverTheSamePixels() throws Exception {
        try (ViewContent content = TestContent.of(List.of(SharedData.slide("cmu-1-small-region.svs")), null, SharedData.require().resolve("annotations"))) {
            JsonNode info = content.slideJson("cmu-1-small-region");
            List<String> files = new ArrayList<>();
            List<boolean[]> covered = new ArrayList<>();
            int level = info.get("deepZoom").get("maxLevel").asInt() - 3; // downsample 8
            for (JsonNode l : info.get("layers")) {
                if (!l.get("id").asText().startsWith("annotations-")) continue;
                files.add(l.get("title").asText());
                assertThat(l.get("legend").fieldNames()).toIterable().containsExactlyInAnyOrder("Tissue", "Tumor", "Necrosis");
                assertThat(l.get("visible").asBoolean()).isEqualTo(covered.isEmpty()); // the first file shown, the others ready
                Raster r = render(content, "cmu-1-small-region", l.get("id").asText(), level, Map.of());
                boolean[] c = new boolean[r.width() * r.height()];
                for (int i = 0; i < c.length; i++) c[i] = r.bytes()[4 * i + 3] != 0;
                covered.add(c);
            }
            assertThat(files).containsExactly("Annotations: cmu-1-small-region.geojson", "Annotations: cmu-1-small-region.asap.xml",
                    "Annotations: cmu-1-small-region.aperio.xml");
            boolean[] geojson = covered.get(0), asap = covered.get(1), aperio = covered.get(2);
            // Aperio's negative regions are holes in their own layer, as GeoJSON's holes are: the same pixels
            assertThat(iou(geojson, aperio)).as("GeoJSON against Aperio").isGreaterThan(0.99);
            // ASAP's Exclusion regions are holes in every region they overlap: fewer pixels, none outside GeoJSON's
            assertThat(iou(geojson, asap)).as("GeoJSON against ASAP").isGreaterThan(0.95);
            assertThat(inside(asap, geojson)).as("ASAP's pixels covered by GeoJSON's").isGreaterThan(0.995);
        }
    }

    @Test
    void attentionScoresInPredictsLayoutAreAPatchLayerColouredByPercentile() throws Exception {
        ReferenceTools.requirePythonModules("h5py", "numpy");
        Path cmu = SharedData.slide("cmu-1-small-region.svs");
        Path out = Files.createDirectories(tmp.resolve("predict").resolve("cmu-1-small-region"));
        // as predict writes it: attention (N) and coords (N x 2, level-0 corners, with the patch attributes)
        ReferenceTools.python(String.join("\n",
                "import sys, h5py, numpy as np",
                "xy = np.array([[x, y] for y in range(512, 2560, 512) for x in range(512, 1536, 512)], dtype=np.int64)",
                "with h5py.File(sys.argv[1], 'w') as f:",
                "    f['attention'] = np.linspace(-3, 5, len(xy)).astype(np.float32) ** 3",  // skewed scores
                "    d = f.create_dataset('coords', data=xy)",
                "    d.attrs['patch_size'] = 512; d.attrs['patch_level'] = 0; d.attrs['patch_size_level0'] = 512",
                "    d.attrs['downsample'] = np.array([1.0, 1.0]); d.attrs['slide_path'] = sys.argv[2]"),
                out.resolve("attention.h5"), cmu).requireSuccess("h5py");
        try (ViewContent content = TestContent.of(List.of(out))) {
            JsonNode l = layer(content.slideJson("cmu-1-small-region"), "attention");
            assertThat(l.get("title").asText()).isEqualTo("Attention (8 patches)");
            assertThat(l.get("visible").asBoolean()).isTrue();
            assertThat(l.get("values").get(0).asText()).isEqualTo("attention");
            int level = content.slideJson("cmu-1-small-region").get("deepZoom").get("maxLevel").asInt() - 2; // downsample 4
            Raster r = render(content, "cmu-1-small-region", "attention", level, Map.of());
            // the patch at (512, 512) has the lowest score, (1024, 2048) the highest; percentiles are evenly spread
            assertThat(rgbAt(r, (512 + 256) / 4, (512 + 256) / 4)).isEqualTo(Palette.viridis(0));
            assertThat(rgbAt(r, (1024 + 256) / 4, (2048 + 256) / 4)).isEqualTo(Palette.viridis(1));
            assertThat(rgbAt(r, (1024 + 256) / 4, (512 + 256) / 4)).isEqualTo(Palette.viridis(1 / 7.0));
        }
    }

    static int rgbAt(Raster rgba, int x, int y) {
        int i = rgba.index(x, y, 0);
        byte[] b = rgba.bytes();
        assertThat(b[i + 3] & 0xFF).as("opaque enough at %d, %d", x, y).isGreaterThan(0);
        return (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
    }

    static int maxGrayDifference(Raster rgb, BufferedImage gray) {
        assertThat(rgb.width()).isEqualTo(gray.getWidth());
        assertThat(rgb.height()).isEqualTo(gray.getHeight());
        int max = 0;
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                int g = gray.getRaster().getSample(x, y, 0);
                max = Math.max(max, Math.abs((rgb.bytes()[rgb.index(x, y, 0)] & 0xFF) - g));
            }
        }
        return max;
    }

    static double[] gray(Raster rgb) {
        double[] g = new double[rgb.width() * rgb.height()];
        for (int i = 0; i < g.length; i++) g[i] = rgb.bytes()[3 * i] & 0xFF;
        return g;
    }

    static double correlation(double[] a, double[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    static double meanAbsolute(Raster a, Raster b) {
        double s = 0;
        byte[] x = a.bytes(), y = b.bytes();
        for (int i = 0; i < x.length; i++) s += Math.abs((x[i] & 0xFF) - (y[i] & 0xFF));
        return s / x.length;
    }

    /** The fraction of {@code a}'s pixels that {@code b} covers too. */
    static double inside(boolean[] a, boolean[] b) {
        long both = 0, in = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i]) in++;
            if (a[i] && b[i]) both++;
        }
        return in == 0 ? 1 : (double) both / in;
    }

    static double iou(boolean[] a, boolean[] b) {
        long both = 0, either = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] && b[i]) both++;
            if (a[i] || b[i]) either++;
        }
        return either == 0 ? 1 : (double) both / either;
    }
}
