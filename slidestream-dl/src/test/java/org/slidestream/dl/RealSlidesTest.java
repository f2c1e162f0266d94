package org.slidestream.dl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/** Features from the real test slides through the slide reader, against OpenSlide / tifffile + PyTorch. */
class RealSlidesTest {
    @TempDir static Path tmp;
    static ExecutorService pool;
    static MemoryBudget budget = new MemoryBudget(256 << 20);

    @BeforeAll
    static void setUp() {
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void tearDown() {
        pool.shutdownNow();
    }

    private static final String OPENSLIDE_TORCH = """
            import sys, numpy as np, h5py, cv2, torch, openslide
            sys.path.insert(0, sys.argv[1])
            import make_vit
            s = openslide.OpenSlide(sys.argv[2])
            with h5py.File(sys.argv[3], 'r') as f:
                coords = f['coords'][()]; ps = int(f['coords'].attrs['patch_size']); lv = int(f['coords'].attrs['patch_level'])
            mean = np.array([0.485, 0.456, 0.406], np.float32); std = np.array([0.229, 0.224, 0.225], np.float32)
            b = []
            for x, y in coords:
                p = np.asarray(s.read_region((int(x), int(y)), lv, (ps, ps)).convert('RGB'), np.float32)
                p = cv2.resize(p, (32, 32), interpolation=cv2.INTER_AREA)
                b.append(((p / 255.0 - mean) / std).transpose(2, 0, 1))
            with torch.no_grad():
                _, cls = make_vit.build()(torch.from_numpy(np.stack(b).astype(np.float32)))
            with h5py.File(sys.argv[4], 'r') as f:
                print(float(np.abs(f['features'][()] - cls.numpy()).max()))
            """;

    @Test
    void svsPatchesMatchOpenSlideAndPyTorch() throws IOException {
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        ReferenceTools.requirePythonModules("numpy", "h5py", "cv2", "torch", "openslide");
        Path coords = CoordsFiles.clam(tmp.resolve("svs/coords.h5"), CoordsFiles.grid(300, 500, 150, 6, 4), 96, 0, svs.toString());
        Path out = tmp.resolve("svs/features.h5");
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults(), Device.CPU, 2);
             PatchCoords c = PatchCoords.open(coords);
             Slide slide = Slide.open(c.slidePath(), SlideOptions.forBudget(budget))) {
            assertThat(PatchFeatures.extract(slide, c, m, out, PatchFeatures.Options.of(7),
                    new PatchFeatures.Workers(pool, 2, budget), n -> { })).isEqualTo(24);
        }
        Path scripts = SharedData.projectRoot().resolve("slidestream-dl/src/test/python");
        String diff = ReferenceTools.python(OPENSLIDE_TORCH, scripts, svs, coords, out).requireSuccess("OpenSlide + PyTorch").stdout().strip();
        assertThat(Double.parseDouble(diff)).isLessThan(1e-4);
    }

    @Test
    void omeTiffZStackGivesTheFeaturesOfTheSameVolumeAsNpy() throws IOException {
        Path ome = SharedData.slide("multi-channel-z-series.ome.tif");
        ReferenceTools.requirePythonModules("numpy", "tifffile");
        Path npy = tmp.resolve("zstack-c2.npy");
        ReferenceTools.python("""
                import sys, numpy as np, tifffile
                a = tifffile.imread(sys.argv[1])          # C, Z, Y, X
                assert a.shape == (3, 5, 167, 439), a.shape
                np.save(sys.argv[2], np.ascontiguousarray(a[2]))
                """, ome, npy).requireSuccess("tifffile");
        try (FeatureModel m = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults(), Device.CPU, 2);
             Volume fromTiff = Volume.SlideVolume.of(Slide.open(ome, SlideOptions.forBudget(budget)), 2, true);
             Volume fromNpy = Volume.open(npy, -1)) {
            assertThat(fromTiff.shape()).containsExactly(5, 167, 439);
            assertThat(fromTiff.pixelType()).isEqualTo(org.slidestream.image.PixelType.INT8);
            int[] out = {5, 20, 40};
            var planes = VolumeFeatures.Plane.parse("xy,xz,yz");
            float[] a = VolumeFeatures.extract(fromTiff, m, planes, out, 16, -128, 127, budget, pool, 2, (d, t) -> { }).features();
            float[] b = VolumeFeatures.extract(fromNpy, m, planes, out, 64, -128, 127, budget, pool, 2, (d, t) -> { }).features();
            assertThat(a).hasSize(64 * 5 * 20 * 40);
            assertThat(TestModel.maxAbsDiff(a, b)).isLessThan(1e-5);
        }
    }
}
