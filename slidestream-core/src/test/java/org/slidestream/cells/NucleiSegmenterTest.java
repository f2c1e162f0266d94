package org.slidestream.cells;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;
import org.slidestream.tiff.writer.WriteMetadata;

public class NucleiSegmenterTest {
    @TempDir static Path dir;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /** Nuclei: bright ellipses of 6-11 px radius on a noisy background, many touching, some crossing tile edges. */
    static Path dapi(int w, int h, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[w * h];
        for (int k = 0; k < w * h / 350; k++) {
            double cx = rnd.nextDouble(w), cy = rnd.nextDouble(h), a = 6 + rnd.nextDouble(5), b = 6 + rnd.nextDouble(4);
            double th = rnd.nextDouble(Math.PI), c = Math.cos(th), s = Math.sin(th), level = 2500 + rnd.nextDouble(1500);
            for (int y = (int) Math.max(0, cy - 12); y < Math.min(h, cy + 12); y++) {
                for (int x = (int) Math.max(0, cx - 12); x < Math.min(w, cx + 12); x++) {
                    double u = ((x - cx) * c + (y - cy) * s) / a, q = (-(x - cx) * s + (y - cy) * c) / b;
                    if (u * u + q * q <= 1) v[y * w + x] = Math.max(v[y * w + x], level);
                }
            }
        }
        short[] px = new short[w * h * 2];
        for (int i = 0; i < w * h; i++) {
            px[2 * i] = (short) (v[i] + 300 + rnd.nextInt(400));
            px[2 * i + 1] = (short) rnd.nextInt(1000);
        }
        Path f = dir.resolve("dapi-" + seed + ".ome.tif");
        TiffWriter.write(CellQuantifierTest.source(PixelType.UINT16, w, h, 2, px), f, TiffWriteOptions.defaults()
                .withCompression(Compression.DEFLATE).withTileSize(64), WriteMetadata.channels(List.of("DAPI", "CD45"), 0.65, 0.65),
                WriteContext.of(MemoryBudget.of(64L << 20), 2));
        return f;
    }

    /** The same steps in scikit-image on the whole image, and the F1 of objects matched at IoU > 0.5. */
    public static final String REFERENCE = """
            import sys, numpy as np, tifffile
            from scipy import ndimage as ndi
            from skimage.filters import gaussian, threshold_otsu
            from skimage.feature import peak_local_max
            from skimage.segmentation import watershed
            img = tifffile.imread(sys.argv[1]); ours = tifffile.imread(sys.argv[2]).astype(np.int64)
            ch = int(sys.argv[3]); sigma = float(sys.argv[4]); md = int(sys.argv[5])
            dapi = img[ch] if img.ndim == 3 else img
            s = gaussian(dapi.astype(np.float64), sigma, preserve_range=True)
            t = threshold_otsu(s)
            mask = s > t
            dist = ndi.distance_transform_edt(mask)
            peaks = peak_local_max(dist, min_distance=md, exclude_border=False)
            markers = np.zeros(dist.shape, dtype=np.int32)
            markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
            ref = watershed(-dist, markers, mask=mask)
            # objects matched one to one at IoU > 0.5
            pairs = np.stack([ref.ravel(), ours.ravel()], 1)
            pairs = pairs[(pairs[:, 0] > 0) & (pairs[:, 1] > 0)]
            key, inter = np.unique(pairs[:, 0] * (1 << 32) + pairs[:, 1], return_counts=True)
            a, b = key >> 32, key & 0xFFFFFFFF
            area_ref = np.bincount(ref.ravel()); area_ours = np.bincount(ours.ravel())
            iou = inter / (area_ref[a] + area_ours[b] - inter)
            tp = int(np.sum(iou > 0.5))
            n_ref, n_ours = len(np.unique(ref)) - 1, len(np.unique(ours)) - 1
            f1 = 2 * tp / (n_ref + n_ours)
            print(f'{f1:.4f} {tp} {n_ref} {n_ours} {t:.6f} {np.mean(mask == (ours > 0)):.6f}')
            """;

    @Test
    void agreesWithScikitImagesWatershedOnTheWholeImage() throws IOException {
        Path img = dapi(700, 530, 5);
        Path out = dir.resolve("labels.ome.tif");
        NucleiSegmenter.Result r;
        try (Slide s = Slide.open(img)) {
            r = NucleiSegmenter.segment(s, out, NucleiSegmenter.Options.of(0).withTileSize(128).withOverlap(32),
                    new Workers(pool, 2, MemoryBudget.of(128L << 20)), true, Progress.NONE);
        }
        assertThat(r.nuclei()).isGreaterThan(400);
        try (Slide labels = Slide.open(out)) {
            assertThat(labels.metadata().pixelType()).isEqualTo(PixelType.UINT16);
            assertThat(labels.level(0).width()).isEqualTo(700);
        }
        ReferenceTools.requirePythonModules("skimage", "tifffile", "scipy");
        String[] f = ReferenceTools.python(REFERENCE, img, out, 0, 2.0, 5).requireSuccess("scikit-image").stdout().strip().split(" ");
        System.out.println("nuclei F1, matched, reference, ours, threshold, mask agreement: " + String.join(" ", f));
        assertThat(Double.parseDouble(f[4])).as("Otsu threshold").isCloseTo(r.threshold(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Double.parseDouble(f[5])).as("mask agreement").isGreaterThan(0.9999);
        assertThat(Double.parseDouble(f[0])).as("F1 " + String.join(" ", f)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theSameLabelsForAnyThreadCount() throws IOException {
        Path img = dapi(300, 260, 9);
        Path a = dir.resolve("a.ome.tif"), b = dir.resolve("b.ome.tif");
        try (Slide s = Slide.open(img)) {
            NucleiSegmenter.Options o = NucleiSegmenter.Options.of(0).withTileSize(64).withOverlap(32).withThreshold(2000.0);
            NucleiSegmenter.segment(s, a, o, new Workers(pool, 1, MemoryBudget.of(64L << 20)), true, Progress.NONE);
            NucleiSegmenter.segment(s, b, o, new Workers(pool, 2, MemoryBudget.of(64L << 20)), true, Progress.NONE);
        }
        assertThat(java.nio.file.Files.readAllBytes(b)).isEqualTo(java.nio.file.Files.readAllBytes(a));
    }
}
