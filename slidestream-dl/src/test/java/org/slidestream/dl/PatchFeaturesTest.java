package org.slidestream.dl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.FormatException;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Type;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

class PatchFeaturesTest {
    static final int W = 300, H = 260;
    static ExecutorService pool;
    static ArraySlide slide;
    @TempDir static Path tmp;
    static Path png;

    @BeforeAll
    static void setUp() throws IOException {
        pool = Executors.newFixedThreadPool(3);
        slide = new ArraySlide(tmp.resolve("slide-a.tif"), List.of(ArraySlide.rgb(W, H, 11)), true);
        png = tmp.resolve("slide-a.png");
        ImageFiles.write(ArraySlide.rgb(W, H, 11), png);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    private static long extract(Path coords, Path out, ModelConfig cfg, int batch, int threads) throws IOException {
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), cfg, Device.CPU, 2);
             PatchCoords c = PatchCoords.open(coords)) {
            return PatchFeatures.extract(slide, c, m, out, new PatchFeatures.Options(batch, 2),
                    new PatchFeatures.Workers(pool, threads, new MemoryBudget(64 << 20)), n -> { });
        }
    }

    private static float[] features(Path h5) throws IOException {
        try (H5File f = H5File.open(h5)) {
            var d = f.dataset("features");
            return d.readFloats(0, (int) d.rows());
        }
    }

    /** PyTorch on the same patches: crops from the PNG (white outside), cv2 resize, normalize, the same ViT. */
    private static final String PYTORCH = """
            import sys, numpy as np, h5py, cv2, torch
            sys.path.insert(0, sys.argv[1])
            import make_vit
            from PIL import Image
            img = np.asarray(Image.open(sys.argv[2]).convert('RGB')).astype(np.float32)
            feats, coords_file, mode, ds = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
            with h5py.File(coords_file, 'r') as f:
                coords = f['coords'][()]
                ps = int(f['coords'].attrs['patch_size'])
            side = ps * ds
            pad = np.full((img.shape[0] + 2 * side, img.shape[1] + 2 * side, 3), 255, np.float32)
            pad[side:side + img.shape[0], side:side + img.shape[1]] = img
            mean = np.array([0.485, 0.456, 0.406], np.float32); std = np.array([0.229, 0.224, 0.225], np.float32)
            batch = []
            for x, y in coords:
                p = pad[y + side:y + 2 * side, x + side:x + 2 * side]
                p = np.floor(p.reshape(ps, ds, ps, ds, 3).mean(axis=(1, 3)) + 0.5)   # the slide's 8-bit pixels at that downsample (area mean, halves up)
                p = cv2.resize(p, (32, 32), interpolation=cv2.INTER_AREA if mode == 'area' else cv2.INTER_LINEAR)
                batch.append(((p / 255.0 - mean) / std).transpose(2, 0, 1))
            with torch.no_grad():
                _, cls = make_vit.build()(torch.from_numpy(np.stack(batch).astype(np.float32)))
            with h5py.File(feats, 'r') as f:
                got = f['features'][()]
                same = bool((f['coords'][()] == coords).all())
                print(f['features'].dtype, f['features'].shape, f['coords'].dtype, f['coords'].shape, f['features'].maxshape, same,
                      f['coords'].attrs['patch_size'], f.attrs['name'])
            print('maxdiff', float(np.abs(got - cls.numpy()).max()))
            """;

    private static String pytorch(Path features, Path coords, String mode, int ds) {
        ReferenceTools.requirePythonModules("numpy", "h5py", "cv2", "torch", "PIL");
        Path scripts = SharedData.projectRoot().resolve("slidestream-dl/src/test/python");
        return ReferenceTools.python(PYTORCH, scripts, png, features, coords, mode, ds).requireSuccess("PyTorch reference").stdout();
    }

    private static double maxdiff(String out) {
        return Double.parseDouble(out.substring(out.indexOf("maxdiff ") + 8).strip());
    }

    @Test
    void clamCoordsMatchPyTorchOnTheSamePatches() throws IOException {
        Path coords = CoordsFiles.clam(tmp.resolve("clam/coords.h5"), CoordsFiles.grid(-10, 5, 40, 8, 7), 48, 0, null);
        Path out = tmp.resolve("clam/features.h5");
        assertThat(extract(coords, out, ModelConfig.defaults(), 9, 2)).isEqualTo(56);
        String res = pytorch(out, coords, "area", 1);
        assertThat(res).startsWith("float32 (56, 64) int64 (56, 2) (None, 64) True 48 slide-a");
        assertThat(maxdiff(res)).isLessThan(1e-4);
    }

    @Test
    void tridentCoordsReadAtTheirDownsampleAndBilinearMatchesPyTorch() throws IOException {
        Path coords = CoordsFiles.trident(tmp.resolve("trident/coords.h5"), CoordsFiles.grid(3, 0, 48, 6, 5), 24, 48);
        Path out = tmp.resolve("trident/features.h5");
        ModelConfig bilinear = ModelConfig.defaults().withInterpolation(ModelConfig.Interpolation.BILINEAR);
        assertThat(extract(coords, out, bilinear, 64, 3)).isEqualTo(30);
        String res = pytorch(out, coords, "bilinear", 2);
        assertThat(res).startsWith("float32 (30, 64) int64 (30, 2) (None, 64) True 24 slide-b");
        assertThat(maxdiff(res)).isLessThan(1e-4);
    }

    @Test
    void theSameFeaturesForAnyBatchSizeAndWorkerCount() throws IOException {
        Path coords = CoordsFiles.clam(tmp.resolve("det/coords.h5"), CoordsFiles.grid(0, 0, 31, 9, 8), 40, 0, null);
        extract(coords, tmp.resolve("det/a.h5"), ModelConfig.defaults(), 1, 1);
        extract(coords, tmp.resolve("det/b.h5"), ModelConfig.defaults(), 7, 3);
        extract(coords, tmp.resolve("det/c.h5"), ModelConfig.defaults(), 128, 2);
        float[] a = features(tmp.resolve("det/a.h5"));
        assertThat(a).hasSize(72 * 64);
        assertThat(TestModel.maxAbsDiff(a, features(tmp.resolve("det/b.h5")))).isLessThan(1e-5);
        assertThat(TestModel.maxAbsDiff(a, features(tmp.resolve("det/c.h5")))).isLessThan(1e-5);
    }

    @Test
    void noPatchesGiveAnEmptyFeaturesFile() throws IOException {
        Path coords = CoordsFiles.clam(tmp.resolve("empty/coords.h5"), new long[0], 48, 0, null);
        Path out = tmp.resolve("empty/features.h5");
        assertThat(extract(coords, out, ModelConfig.defaults(), 8, 2)).isZero();
        try (H5File f = H5File.open(out)) {
            assertThat(f.dataset("features").shape()).containsExactly(0, 64);
            assertThat(f.dataset("coords").shape()).containsExactly(0, 2);
        }
    }

    @Test
    void badCoordsFilesGiveClearErrors() throws IOException {
        assertThatThrownBy(() -> PatchCoords.open(tmp.resolve("nope/coords.h5"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
        Path noCoords = tmp.resolve("bad1.h5");
        try (H5File f = H5File.create(noCoords, true)) {
            f.createDataset("features", H5Type.FLOAT32, new long[] {2, 3}, H5Layout.FIXED);
            f.commit();
        }
        assertThatThrownBy(() -> PatchCoords.open(noCoords)).isInstanceOf(FormatException.class)
                .hasMessageContaining("no 'coords' dataset");
        Path noSize = tmp.resolve("bad2.h5");
        try (H5File f = H5File.create(noSize, true)) {
            f.createDataset("coords", H5Type.INT64, new long[] {2, 2}, H5Layout.FIXED);
            f.commit();
        }
        assertThatThrownBy(() -> PatchCoords.open(noSize)).isInstanceOf(FormatException.class)
                .hasMessageContaining("coords has no 'patch_size' attribute");
        Path notH5 = Files.writeString(tmp.resolve("bad3.h5"), "hello");
        assertThatThrownBy(() -> PatchCoords.open(notH5)).isInstanceOf(FormatException.class).hasMessageContaining("not an HDF5 file");
    }

    @Test
    void aPatchThatCannotBeReadFailsTheSlideAndLeavesNoOutput() throws IOException {
        long[] xy = CoordsFiles.grid(0, 0, 40, 6, 6);
        xy[2 * 30] = 1L << 40;              // a corner no slide has, in the fourth batch of 8
        Path coords = CoordsFiles.clam(tmp.resolve("fail/coords.h5"), xy, 48, 0, null);
        Path out = tmp.resolve("fail/features.h5");
        assertThatThrownBy(() -> extract(coords, out, ModelConfig.defaults(), 8, 3))
                .hasMessage("patch corner (1099511627776, 200) is outside any slide");
        assertThat(out).doesNotExist();
        assertThat(out.getParent()).isDirectoryNotContaining(p -> p.getFileName().toString().endsWith(".partial"));
    }

    @Test
    void aBatchLargerThanTheBudgetFailsAtOnceSayingHowMuch() throws IOException {
        Path coords = CoordsFiles.clam(tmp.resolve("budget/coords.h5"), CoordsFiles.grid(0, 0, 40, 3, 3), 48, 0, null);
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults(), Device.CPU, 1);
             PatchCoords c = PatchCoords.open(coords)) {
            assertThatThrownBy(() -> PatchFeatures.extract(slide, c, m, tmp.resolve("budget/f.h5"), new PatchFeatures.Options(9, 2),
                    new PatchFeatures.Workers(pool, 1, new MemoryBudget(100_000)), n -> { }))
                    .hasMessageContaining("3 batches of 9 patches").hasMessageContaining("but the memory budget is");
        }
        assertThat(tmp.resolve("budget/f.h5")).doesNotExist();
    }
}
