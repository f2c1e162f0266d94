package org.slidestream.dl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.dl.VolumeFeatures.Plane;
import org.slidestream.format.FormatException;
import org.slidestream.format.npy.NpyDtype;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.format.npy.NpyWriter;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.testing.ReferenceTools;

class VolumeFeaturesTest {
    static final int D = 18, H = 22, W = 40;
    static final int[] OUT = {4, 5, 6};
    static ExecutorService pool;
    static FeatureModel model;
    @TempDir static Path tmp;
    static Path volumeFile;

    @BeforeAll
    static void setUp() throws IOException {
        pool = Executors.newFixedThreadPool(3);
        model = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults(), Device.CPU, 2);
        volumeFile = tmp.resolve("vol.npy");
        byte[] v = volumeBytes();
        try (NpyWriter w = NpyWriter.create(volumeFile, NpyDtype.UINT8, new long[] {H, W}, D, true)) {
            w.write(0, v);
            w.commit();
        }
    }

    @AfterAll
    static void tearDown() {
        model.close();
        pool.shutdownNow();
    }

    /** A smooth blob with noise, uint8, (z, y, x). */
    static byte[] volumeBytes() {
        byte[] v = new byte[D * H * W];
        Random rnd = new Random(3);
        for (int z = 0; z < D; z++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double r = Math.hypot(Math.hypot(z - D / 2.0, y - H / 3.0), (x - W / 2.0) / 2);
                    v[(z * H + y) * W + x] = (byte) Math.max(0, Math.min(255, 220 - 14 * r + rnd.nextInt(30)));
                }
            }
        }
        return v;
    }

    private static VolumeFeatures.Result streamed(Volume vol, int batch, int threads, MemoryBudget budget) throws IOException {
        return VolumeFeatures.extract(vol, model, Plane.parse("xy,xz,yz"), OUT, batch, 0, 255, budget, pool, threads, (a, b) -> { });
    }

    @Test
    void streamedEqualsNaiveFullPlanesAtAFractionOfItsMemory() throws IOException {
        MemoryBudget budget = new MemoryBudget(256 << 20);
        VolumeFeatures.Result r;
        try (Volume vol = Volume.open(volumeFile, -1)) {
            r = streamed(vol, 7, 2, budget);
        }
        Naive naive = naive();
        assertThat(r.shape()).containsExactly(64, OUT[0], OUT[1], OUT[2]);
        assertThat(TestModel.maxAbsDiff(r.features(), naive.features)).isLessThan(1e-5);
        long streamedPeak = budget.peak();
        System.out.printf("features3d memory: streamed %d bytes (budget peak), naive %d bytes, ratio %.3f%n",
                streamedPeak, naive.peakBytes, (double) streamedPeak / naive.peakBytes);
        assertThat((double) streamedPeak / naive.peakBytes).isLessThanOrEqualTo(0.40);
    }

    @Test
    void theSameFeaturesForAnySliceBatchAndThreadCount() throws IOException {
        MemoryBudget budget = new MemoryBudget(256 << 20);
        try (Volume vol = Volume.open(volumeFile, -1)) {
            float[] a = streamed(vol, 1, 1, budget).features();
            float[] b = streamed(vol, 5, 3, budget).features();
            float[] c = streamed(vol, 64, 2, budget).features();
            assertThat(TestModel.maxAbsDiff(a, b)).isLessThan(1e-5);
            assertThat(TestModel.maxAbsDiff(a, c)).isLessThan(1e-5);
        }
    }

    @Test
    void aZStackSlideGivesTheSameFeaturesAsTheNpy() throws IOException {
        byte[] v = volumeBytes();
        List<Raster> planes = new ArrayList<>();
        for (int z = 0; z < D; z++) {
            Raster p = Raster.create(PixelType.UINT8, W, H, 2);     // two channels; the volume is channel 1
            for (int i = 0; i < H * W; i++) p.bytes()[i * 2 + 1] = v[z * H * W + i];
            planes.add(p);
        }
        MemoryBudget budget = new MemoryBudget(256 << 20);
        ArraySlide slide = new ArraySlide(tmp.resolve("stack.ome.tif"), planes, false);
        assertThatThrownBy(() -> Volume.SlideVolume.of(slide, -1, false)).isInstanceOf(FormatException.class)
                .hasMessageContaining("has 2 channels [C0, C1]: choose one with --channel");
        try (Volume fromSlide = Volume.SlideVolume.of(slide, 1, false); Volume npy = Volume.open(volumeFile, -1)) {
            assertThat(fromSlide.shape()).containsExactly(D, H, W);
            assertThat(TestModel.maxAbsDiff(streamed(fromSlide, 8, 2, budget).features(), streamed(npy, 8, 2, budget).features()))
                    .isLessThan(1e-6);
        }
    }

    @Test
    void outputsOpenInNumpyAndH5py() throws IOException {
        ReferenceTools.requirePythonModules("numpy", "h5py");
        VolumeFeatures.Result r;
        try (Volume vol = Volume.open(volumeFile, -1)) {
            r = streamed(vol, 16, 2, new MemoryBudget(256 << 20));
        }
        Path out = tmp.resolve("out3d");
        VolumeFeatures.write(r, out, Plane.parse("xy,xz,yz"), TestModel.onnx(), volumeFile);
        try (NpyReader npy = NpyReader.open(out.resolve("features.npy"))) {
            assertThat(npy.shape()).containsExactly(64, OUT[0], OUT[1], OUT[2]);
        }
        String res = ReferenceTools.python("""
                import sys, numpy as np, h5py
                a = np.load(sys.argv[1] + '/features.npy')
                with h5py.File(sys.argv[1] + '/features.h5', 'r') as f:
                    b = f['features'][()]
                    print(a.dtype, a.shape, b.shape, float(np.abs(a - b).max()), f.attrs['planes'].tolist(), f['features'].attrs['axes'])
                """, out).requireSuccess("h5py").stdout().strip();
        assertThat(res).isEqualTo("float32 (64, 4, 5, 6) (64, 4, 5, 6) 0.0 ['xy', 'xz', 'yz'] CDHW");
    }

    @Test
    void badVolumesAndOptionsGiveClearErrors() throws IOException {
        Path flat = tmp.resolve("flat.npy");
        try (NpyWriter w = NpyWriter.create(flat, NpyDtype.UINT8, new long[] {4}, 3, true)) {
            w.write(0, new byte[12]);
            w.commit();
        }
        assertThatThrownBy(() -> Volume.open(flat, -1)).isInstanceOf(FormatException.class)
                .hasMessageContaining("a volume is (D, H, W) or (C, D, H, W), not shape [3, 4]");
        assertThatThrownBy(() -> Plane.parse("xy,xw")).hasMessage("unknown plane 'xw' (xy, xz, yz)");
        try (FeatureModel cls = FeatureModel.open(TestModel.onnx(), ModelConfig.defaults().withOutputName("embedding"), Device.CPU, 1);
             Volume vol = Volume.open(volumeFile, -1)) {
            assertThatThrownBy(() -> VolumeFeatures.extract(vol, cls, Plane.parse("xy"), OUT, 4, 0, 255,
                    new MemoryBudget(64 << 20), pool, 1, (a, b) -> { }))
                    .isInstanceOf(ModelException.class).hasMessageContaining("patch-token maps need a B x T x D output");
            assertThatThrownBy(() -> streamed(vol, 4, 1, new MemoryBudget(1 << 16)))
                    .hasMessageContaining("needs").hasMessageContaining("but the memory budget is");
        }
    }

    // ---- the naive implementation: every plane's feature volume at full size, then downsample, then average

    record Naive(float[] features, long peakBytes) {}

    static Naive naive() throws IOException {
        float[] vol;
        try (NpyReader r = NpyReader.open(volumeFile)) {
            vol = r.readFloats(new long[3], new int[] {D, H, W});
        }
        int[] g = model.tokenGrid();
        int dim = model.dim(), gh = g[0], gw = g[1];
        Preprocessor pre = new Preprocessor(model.config(), 0, 255);
        long held = 4L * vol.length;
        List<float[]> full = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        for (Plane p : Plane.parse("xy,xz,yz")) {
            int[] size = {D, H, W};
            int slices = size[p.slice], rows = size[p.rows], cols = size[p.cols];
            // full feature volume of this plane, (dim, a, b, c) in volume axis order (z, y, x)
            int[] shape = new int[3];
            shape[p.slice] = slices;
            shape[p.rows] = gh;
            shape[p.cols] = gw;
            float[] f = new float[dim * shape[0] * shape[1] * shape[2]];
            FloatBuffer in = ByteBuffer.allocateDirect(4 * slices * model.inputSize()).order(ByteOrder.nativeOrder()).asFloatBuffer();
            float[] tensor = new float[model.inputSize()];
            for (int s = 0; s < slices; s++) {
                float[] img = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int[] at = new int[3];
                        at[p.slice] = s;
                        at[p.rows] = r;
                        at[p.cols] = c;
                        img[r * cols + c] = vol[(at[0] * H + at[1]) * W + at[2]];
                    }
                }
                pre.toTensor(img, cols, rows, 1, tensor, 0);
                in.put(s * model.inputSize(), tensor);
            }
            float[] tokens = model.patchTokens(in, slices);
            held = Math.max(held, 4L * (vol.length + slices * (long) model.inputSize() + 2L * tokens.length) + full.stream().mapToLong(a -> 4L * a.length).sum());
            for (int s = 0; s < slices; s++) {
                for (int r = 0; r < gh; r++) {
                    for (int c = 0; c < gw; c++) {
                        int[] at = new int[3];
                        at[p.slice] = s;
                        at[p.rows] = r;
                        at[p.cols] = c;
                        for (int k = 0; k < dim; k++) {
                            f[((k * shape[0] + at[0]) * shape[1] + at[1]) * shape[2] + at[2]] = tokens[((s * gh + r) * gw + c) * dim + k];
                        }
                    }
                }
            }
            full.add(f);
            shapes.add(shape);
        }
        long fullBytes = full.stream().mapToLong(a -> 4L * a.length).sum();
        float[] out = new float[dim * OUT[0] * OUT[1] * OUT[2]];
        for (int i = 0; i < full.size(); i++) {
            float[] down = areaDownsample3d(full.get(i), dim, shapes.get(i), OUT);
            for (int j = 0; j < out.length; j++) out[j] += down[j] / full.size();
        }
        long peak = Math.max(held, 4L * vol.length + fullBytes + 8L * out.length);
        return new Naive(out, peak);
    }

    /** Each output voxel: the overlap-weighted mean of the input voxels its box covers (no separability used). */
    static float[] areaDownsample3d(float[] in, int dim, int[] s, int[] o) {
        float[] out = new float[dim * o[0] * o[1] * o[2]];
        for (int k = 0; k < dim; k++) {
            for (int a = 0; a < o[0]; a++) {
                for (int b = 0; b < o[1]; b++) {
                    for (int c = 0; c < o[2]; c++) {
                        double sum = 0, wsum = 0;
                        for (int z = 0; z < s[0]; z++) {
                            double wz = overlap(a, o[0], z, s[0]);
                            if (wz == 0) continue;
                            for (int y = 0; y < s[1]; y++) {
                                double wy = overlap(b, o[1], y, s[1]);
                                if (wy == 0) continue;
                                for (int x = 0; x < s[2]; x++) {
                                    double w = wz * wy * overlap(c, o[2], x, s[2]);
                                    sum += w * in[((k * s[0] + z) * s[1] + y) * s[2] + x];
                                    wsum += w;
                                }
                            }
                        }
                        out[((k * o[0] + a) * o[1] + b) * o[2] + c] = (float) (sum / wsum);
                    }
                }
            }
        }
        return out;
    }

    /** Length of the overlap of output cell {@code o} (of {@code n}) with input cell {@code i} (of {@code m}), in input units. */
    static double overlap(int o, int n, int i, int m) {
        double lo = (double) o * m / n, hi = (double) (o + 1) * m / n;
        return Math.max(0, Math.min(hi, i + 1) - Math.max(lo, i));
    }
}
