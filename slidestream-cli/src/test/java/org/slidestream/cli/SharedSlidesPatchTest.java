package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.slidestream.cli.PatchCommandTest.csv;
import static org.slidestream.cli.PatchCommandTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.image.Raster;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/** Patches of the real slides: on tissue by an independent measure, consistent with the mask, pixels as read. */
class SharedSlidesPatchTest {
    @TempDir Path tmp;

    /** Per patch: the fraction of its level-0 pixels that OpenSlide gives as saturated (HSV S > 25 of 255, not white). */
    static final String SATURATED = """
            import sys, openslide, numpy as np
            s = openslide.OpenSlide(sys.argv[1]); size = int(sys.argv[2])
            w, h = s.dimensions
            img = np.asarray(s.read_region((0, 0), 0, (w, h)).convert('RGB')).astype(np.int32)
            mx, mn = img.max(axis=2), img.min(axis=2)
            sat = np.where(mx > 0, (mx - mn) * 255 // np.maximum(mx, 1), 0)
            t = (sat > 25) & (mx < 235)
            for line in sys.stdin:
                x, y = map(int, line.split()[:2])
                print('%.4f' % t[y:y + size, x:x + size].mean() if x < w and y < h else '0')
            """;

    @Test
    void patchesOfTheSharedSlidesLieOnTissue() throws Exception {
        Path cmu = SharedData.slide("cmu-1-small-region.svs");
        Path tcga = SharedData.slide("tcga-cr-7395-01a-01-ts1.svs");
        Path broken = SharedData.slide("broken.svs");
        ReferenceTools.requirePythonModules("openslide", "numpy");
        Path out = tmp.resolve("out");
        PatchCommandTest.Run r = run("patch", cmu.toString(), tcga.toString(), broken.toString(), "-o", out.toString(),
                "--size", "128", "--a-t", "0.05", "--a-h", "0.01", "--min-tissue", "0.5", "--save", "npy", "--workers", "2");
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        List<List<String>> status = csv(out.resolve("status.csv"));
        assertThat(status.get(1)).startsWith("cmu-1-small-region", "success");
        assertThat(status.get(2)).startsWith("tcga-cr-7395-01a-01-ts1", "success");
        assertThat(status.get(3).get(1)).isEqualTo("failed");
        assertThat(status.get(3).get(2)).startsWith("broken.svs: ");

        for (Path slide : List.of(cmu, tcga)) {
            String id = CohortInputsId.of(slide);
            Path dir = out.resolve(id);
            List<List<String>> rows = csv(dir.resolve("patches.csv"));
            assertThat(rows.size()).as(id).isGreaterThan(20);
            Raster mask = ImageFiles.read(dir.resolve("mask.png"));
            try (Slide s = Slide.open(slide); NpyReader npy = NpyReader.open(dir.resolve("patches.npy"))) {
                double sx = s.level(0).width() / (double) mask.width(), sy = s.level(0).height() / (double) mask.height();
                assertThat(npy.shape()).containsExactly(rows.size() - 1, 128, 128, 3);
                StringBuilder all = new StringBuilder();
                for (int i = 1; i < rows.size(); i++) {
                    long x = Long.parseLong(rows.get(i).get(0)), y = Long.parseLong(rows.get(i).get(1));
                    // consistent with mask.png: its tissue covers at least --min-tissue of the patch
                    assertThat(maskFraction(mask, sx, sy, x, y, 128)).as(id + " patch " + x + "," + y).isGreaterThanOrEqualTo(0.5 - 1e-6);
                    if (i % 7 == 1) {
                        Raster expect = s.readRegion(ReadRequest.atLevel(0, (int) x, (int) y, 128, 128));
                        assertThat(npy.readRaster(i - 1).contentEquals(expect)).as(id + " pixels of patch " + (i - 1)).isTrue();
                    }
                    all.append(x).append(' ').append(y).append('\n');
                }
                // every grid cell: kept ones have tissue by OpenSlide's pixels, and background cells are never kept
                java.util.Set<String> kept = new java.util.HashSet<>();
                for (int i = 1; i < rows.size(); i++) kept.add(rows.get(i).get(0) + " " + rows.get(i).get(1));
                StringBuilder grid = new StringBuilder();
                for (int y = 0; y < s.level(0).height(); y += 128) for (int x = 0; x < s.level(0).width(); x += 128) grid.append(x).append(' ').append(y).append('\n');
                String[] cells = grid.toString().split("\n");
                String[] sat = pythonWithInput(SATURATED, grid.toString(), slide, 128).split("\n");
                int background = 0;
                double keptSum = 0;
                for (int k = 0; k < cells.length; k++) {
                    double f = Double.parseDouble(sat[k]);
                    if (kept.contains(cells[k])) {
                        assertThat(f).as(id + " tissue pixels in kept patch " + cells[k]).isGreaterThan(0.05); // pale stroma and fat inside the tissue outline count, background does not
                        keptSum += f;
                    } else if (f < 0.01) {
                        background++;
                    }
                }
                assertThat(background).as(id + " background cells").isPositive();
                assertThat(keptSum / kept.size()).as(id + " mean tissue pixels of kept patches").isGreaterThan(0.6);
            }
        }
    }

    /** Tissue fraction of a level-0 square from the mask image, by the overlap of each mask pixel. */
    static double maskFraction(Raster mask, double sx, double sy, long x, long y, int side) {
        double sum = 0;
        int mx0 = (int) Math.floor(x / sx), mx1 = (int) Math.ceil((x + side) / sx);
        int my0 = (int) Math.floor(y / sy), my1 = (int) Math.ceil((y + side) / sy);
        for (int my = my0; my < my1; my++) {
            for (int mx = mx0; mx < mx1; mx++) {
                if (mx < 0 || my < 0 || mx >= mask.width() || my >= mask.height()) continue;
                if ((mask.bytes()[my * mask.width() + mx] & 0xFF) == 0) continue;
                double ox = Math.min(x + side, (mx + 1) * sx) - Math.max(x, mx * sx);
                double oy = Math.min(y + side, (my + 1) * sy) - Math.max(y, my * sy);
                if (ox > 0 && oy > 0) sum += ox * oy;
            }
        }
        return sum / ((double) side * side);
    }

    static String pythonWithInput(String script, String input, Object... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(ReferenceTools.PYTHON, "-c", script));
        for (Object a : args) cmd.add(String.valueOf(a));
        Path in = Files.createTempFile("grid", ".txt");
        Files.writeString(in, input);
        Process p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor()).as(err).isZero();
        Files.delete(in);
        return out.strip();
    }

    /** The output folder name the cohort gives a slide. */
    static final class CohortInputsId {
        static String of(Path p) {
            return org.slidestream.pipeline.CohortInputs.slideId(p);
        }
    }
}
