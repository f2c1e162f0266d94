package org.slidestream.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;
import org.slidestream.view.content.ViewContent;
import org.slidestream.view.tile.DeepZoom;

/**
 * Deep Zoom tiles against OpenSlide's {@code DeepZoomGenerator} (Debian {@code python3-openslide})
 * with its defaults, which are also the viewer's: 254 px tiles, 1 px overlap, the whole level 0
 * ({@code limit_bounds=False}). Same pyramid layout and tile sizes; at a stored resolution the same
 * pixels before encoding and the same JPEG loss as OpenSlide's Deep Zoom server (Pillow, quality 75);
 * at other resolutions the average of each output pixel's footprint (checked against OpenSlide's own
 * level-0 pixels averaged in numpy), where {@code DeepZoomGenerator} shrinks with Lanczos: the two
 * filters differ at edges in the tissue, by less than a shift of one pixel would.
 */
class DeepZoomReferenceTest {
    @TempDir static Path tmp;
    static ViewContent content;

    /** A tile to compare, and how the viewer makes it. */
    record Case(String file, int level, int col, int row, Kind kind) {
        String slideId() { return file.substring(0, file.indexOf('.')); }
    }

    enum Kind {
        /** Level 0 as stored: DeepZoomGenerator's tile exactly. */
        LEVEL0,
        /** Another stored level whose grid is within half a pixel of the Deep Zoom level's: that level as stored. */
        LEVEL1,
        /** Level 0 averaged over f x f pixels (read at a downsample, or halved from the Deep Zoom level above). */
        AVERAGED,
        /** Halved from a Deep Zoom level read from a stored level by area averaging. */
        MADE
    }

    static final List<Case> CASES = List.of(
            // CMU-1 region: one stored level, 2220 x 2967 -> Deep Zoom levels 0-12
            new Case("cmu-1-small-region.svs", 12, 0, 0, Kind.LEVEL0),
            new Case("cmu-1-small-region.svs", 12, 3, 5, Kind.LEVEL0),
            new Case("cmu-1-small-region.svs", 12, 8, 11, Kind.LEVEL0),    // the last, smaller tile
            new Case("cmu-1-small-region.svs", 11, 2, 3, Kind.AVERAGED),    // 2x from level 0
            new Case("cmu-1-small-region.svs", 9, 0, 1, Kind.AVERAGED),     // 8x: made from the level above
            new Case("cmu-1-small-region.svs", 6, 0, 0, Kind.AVERAGED),     // 64x: the whole slide in one tile
            // TCGA frozen section: JPEG 2000, two stored levels (downsample 2.0005)
            new Case("tcga-cr-7395-01a-01-ts1.svs", 13, 5, 4, Kind.LEVEL0),
            new Case("tcga-cr-7395-01a-01-ts1.svs", 12, 3, 2, Kind.LEVEL1),   // 2x: level 1 (2.0005) as stored; OpenSlide shrinks level 0
            new Case("tcga-cr-7395-01a-01-ts1.svs", 10, 1, 0, Kind.MADE));    // 8x: from level 1

    /**
     * DeepZoomGenerator's tile (PNG) and the same as Pillow's JPEG at quality 75; for AVERAGED, level 0
     * averaged over each pixel's footprint (white beyond the slide); for LEVEL1, level 1's pixels from
     * the nearest one to the tile's corner.
     */
    static final String REFERENCE = String.join("\n",
            "import sys, json, numpy as np, openslide",
            "from PIL import Image",
            "from openslide.deepzoom import DeepZoomGenerator",
            "out, layouts = sys.argv[1], {}",
            "for i, spec in enumerate(sys.argv[2:]):",
            "    path, level, col, row, kind = spec.split(',')",
            "    level, col, row = int(level), int(col), int(row)",
            "    osr = openslide.OpenSlide(path)",
            "    dz = DeepZoomGenerator(osr)",
            "    layouts[path] = {'levels': dz.level_count, 'tiles': dz.level_tiles}",
            "    tile = dz.get_tile(level, (col, row)).convert('RGB')",
            "    tile.save('%s/%d.png' % (out, i))",
            "    tile.save('%s/%d.jpeg' % (out, i), quality=75)",
            "    f = 2 ** (dz.level_count - 1 - level)",
            "    cols, rows = dz.level_tiles[level]",
            "    x0, y0 = col * 254 - (1 if col else 0), row * 254 - (1 if row else 0)",
            "    lw, lh = dz.level_dimensions[level]",
            "    x1, y1 = min(lw, (col + 1) * 254 + (1 if col < cols - 1 else 0)), min(lh, (row + 1) * 254 + (1 if row < rows - 1 else 0))",
            "    w, h = x1 - x0, y1 - y0",
            "    if kind == 'LEVEL1':  # read whole from (0, 0): OpenSlide interpolates a region that starts between pixels",
            "        ds, (l1w, l1h) = osr.level_downsamples[1], osr.level_dimensions[1]",
            "        lx, ly = round(x0 * f / ds), round(y0 * f / ds)",
            "        whole = osr.read_region((0, 0), 1, (l1w, l1h)).convert('RGB')",
            "        whole.crop((lx, ly, lx + w, ly + h)).save('%s/%d.ref.png' % (out, i))",
            "    if kind == 'AVERAGED':",
            "        rgba = osr.read_region((x0 * f, y0 * f), 0, (w * f, h * f))",
            "        white = Image.new('RGB', rgba.size, (255, 255, 255))",
            "        a = np.asarray(Image.composite(rgba, white, rgba).convert('RGB'), dtype=np.float64)",
            "        box = a.reshape(h, f, w, f, 3).mean(axis=(1, 3))",
            "        Image.fromarray(np.floor(box + 0.5).astype(np.uint8)).save('%s/%d.ref.png' % (out, i))",
            "print(json.dumps(layouts))");

    @BeforeAll
    static void open() throws IOException {
        content = TestContent.of(List.of(SharedData.require().resolve("slides")));
    }

    @AfterAll
    static void close() {
        if (content != null) content.close();
    }

    @Test
    void tilesMatchOpenSlidesDeepZoomGenerator() throws Exception {
        ReferenceTools.requirePythonModules("openslide", "PIL", "numpy");
        Path slides = SharedData.require().resolve("slides");
        List<Object> args = new ArrayList<>(List.of(tmp));
        for (Case c : CASES) args.add(slides.resolve(c.file()) + "," + c.level() + "," + c.col() + "," + c.row() + "," + c.kind());
        String layouts = ReferenceTools.python(REFERENCE, args.toArray()).requireSuccess("OpenSlide's DeepZoomGenerator").stdout();

        List<String> report = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            String what = c.file() + " level " + c.level() + " tile " + c.col() + "_" + c.row();
            BufferedImage theirs = ImageIO.read(tmp.resolve(i + ".png").toFile());
            BufferedImage theirsJpeg = ImageIO.read(tmp.resolve(i + ".jpeg").toFile());
            byte[] jpeg = content.tile(c.slideId(), "image", c.level(), c.col(), c.row(), "jpeg", new TreeMap<>()).bytes();
            BufferedImage ours = ImageIO.read(new ByteArrayInputStream(jpeg));
            BufferedImage raw;
            try (var lease = content.lease(c.slideId())) {
                DeepZoom zoom = lease.view().zoom();
                raw = toImage(lease.view().layer("image").render(zoom, c.level(), zoom.tileRegion(c.level(), c.col(), c.row()), Map.of()));
            }
            assertThat(ours.getWidth()).as(what + " width").isEqualTo(theirs.getWidth());
            assertThat(ours.getHeight()).as(what + " height").isEqualTo(theirs.getHeight());
            Difference served = Difference.of(ours, theirs), before = Difference.of(raw, theirs), pillow = Difference.of(theirsJpeg, theirs);
            report.add(String.format(Locale.ROOT, "%s (%dx%d, %s): served %s; before encoding %s; Pillow's JPEG %s",
                    what, ours.getWidth(), ours.getHeight(), c.kind(), served, before, pillow));
            switch (c.kind()) {
                case LEVEL0 -> {
                    // the same pixels, and the same loss as OpenSlide's Deep Zoom server's JPEG
                    assertThat(before.max()).as(what + " before encoding").isLessThanOrEqualTo(2);
                    assertThat(served.meanAbs()).as(what + " served").isLessThanOrEqualTo(pillow.meanAbs() * 1.1 + 0.3);
                    assertThat(served.psnr()).as(what + " served").isGreaterThanOrEqualTo(pillow.psnr() - 1);
                }
                case LEVEL1, AVERAGED -> {
                    Difference reference = Difference.of(raw, ImageIO.read(tmp.resolve(i + ".ref.png").toFile()));
                    report.add("    against " + (c.kind() == Kind.LEVEL1 ? "level 1 as stored: " : "level 0 averaged in numpy: ") + reference);
                    assertThat(reference.max()).as(what + " against " + c.kind() + " (rounding only)").isLessThanOrEqualTo(2);
                    assertThat(reference.meanAbs()).as(what + " against " + c.kind()).isLessThanOrEqualTo(0.5);
                    assertLanczosClose(what, before);
                }
                case MADE -> assertLanczosClose(what, before);
            }
        }
        System.out.println(String.join("\n", report));
        // the same pyramid: level count and the tile grid of every level
        for (Case c : CASES) {
            DeepZoom zoom;
            try (var lease = content.lease(c.slideId())) {
                zoom = lease.view().zoom();
            }
            StringBuilder grid = new StringBuilder("\"" + slides.resolve(c.file()) + "\": {\"levels\": " + (zoom.maxLevel() + 1) + ", \"tiles\": [");
            for (int l = 0; l <= zoom.maxLevel(); l++) {
                grid.append(l == 0 ? "" : ", ").append('[').append(zoom.columns(l)).append(", ").append(zoom.rows(l)).append(']');
            }
            assertThat(layouts).as(c.slideId() + " Deep Zoom levels and tile grid").contains(grid.append("]}"));
        }
    }

    /** Area averaging against Lanczos: close on average, no shift in brightness; a one-pixel shift would give PSNR under 22 dB here. */
    static void assertLanczosClose(String what, Difference d) {
        assertThat(d.meanAbs()).as(what + " against DeepZoomGenerator's Lanczos").isLessThanOrEqualTo(8);
        assertThat(Math.abs(d.meanSigned())).as(what + " brightness against DeepZoomGenerator's").isLessThanOrEqualTo(2);
        assertThat(d.psnr()).as(what + " against DeepZoomGenerator's Lanczos").isGreaterThanOrEqualTo(24);
    }

    static BufferedImage toImage(Raster r) {
        BufferedImage img = new BufferedImage(r.width(), r.height(), BufferedImage.TYPE_INT_RGB);
        byte[] b = r.bytes();
        for (int y = 0; y < r.height(); y++) {
            for (int x = 0; x < r.width(); x++) {
                int i = 3 * (y * r.width() + x);
                img.setRGB(x, y, (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF));
            }
        }
        return img;
    }

    /** Differences over the RGB samples of two images of one size: mean |d|, mean d (first - second), max |d|, PSNR. */
    record Difference(double meanAbs, double meanSigned, int max, double psnr) {
        static Difference of(BufferedImage a, BufferedImage b) {
            double abs = 0, signed = 0, sq = 0;
            int max = 0;
            long n = 0;
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    int p = a.getRGB(x, y), q = b.getRGB(x, y);
                    for (int shift = 0; shift <= 16; shift += 8) {
                        int d = ((p >> shift) & 0xFF) - ((q >> shift) & 0xFF);
                        abs += Math.abs(d);
                        signed += d;
                        sq += (double) d * d;
                        max = Math.max(max, Math.abs(d));
                        n++;
                    }
                }
            }
            double mse = sq / n;
            return new Difference(abs / n, signed / n, max, mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "mean |d| %.2f, mean d %+.2f, max %d, PSNR %.1f dB", meanAbs, meanSigned, max, psnr);
        }
    }
}
