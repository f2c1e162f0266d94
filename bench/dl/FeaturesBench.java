import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slidestream.dl.Device;
import org.slidestream.dl.FeatureModel;
import org.slidestream.dl.ModelConfig;
import org.slidestream.dl.PatchCoords;
import org.slidestream.dl.PatchFeatures;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;

/**
 * The Java side of bench/dl/run.sh.
 *
 *   model MODEL IMAGES BATCH                 inference only, on seeded random inputs
 *   e2e MODEL SLIDE COORDS OUT BATCH WORKERS  patches read from the slide, preprocessed, embedded, written
 *   volume streamed|naive VOLUME.npy MODEL D,H,W   features3d, streamed or all planes at full size
 */
public final class FeaturesBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "model" -> model(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            case "volume" -> volume(a[1], Path.of(a[2]), Path.of(a[3]), a[4]);
            case "e2e" -> e2e(Path.of(a[1]), Path.of(a[2]), Path.of(a[3]), Path.of(a[4]), Integer.parseInt(a[5]), Integer.parseInt(a[6]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    static void model(Path onnx, int images, int batch) {
        try (FeatureModel m = FeatureModel.open(onnx, ModelConfig.defaults(), Device.CPU, 0)) {
            int chw = m.inputSize();
            FloatBuffer in = ByteBuffer.allocateDirect(4 * batch * chw).order(ByteOrder.nativeOrder()).asFloatBuffer();
            Random r = new Random(1);
            for (int i = 0; i < batch * chw; i++) in.put(i, (float) r.nextGaussian());
            m.embed(in, Math.min(batch, 2));                 // warm-up
            long t0 = System.nanoTime();
            int done = 0;
            while (done < images) {
                int n = Math.min(batch, images - done);
                m.embed(in, n);
                done += n;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "onnxruntime: %d images in %.2f s: %.1f images/s%n", images, s, images / s);
        }
    }

    /**
     * features3d of a (D, H, W) .npy, {@code streamed} (VolumeFeatures: one output-sized accumulator) or
     * {@code naive} (the whole volume read, every plane's feature volume at full size, then resampled,
     * then averaged, as the Python pipelines do). Prints a checksum so both can be compared.
     */
    static void volume(String mode, Path npy, Path onnx, String size) throws Exception {
        String[] p = size.split(",");
        int[] out = {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long t0 = System.nanoTime();
        try (FeatureModel m = FeatureModel.open(onnx, ModelConfig.defaults(), Device.CPU, 0);
             org.slidestream.dl.Volume v = org.slidestream.dl.Volume.open(npy, -1)) {
            var planes = org.slidestream.dl.VolumeFeatures.Plane.parse("xy,xz,yz");
            float[] f = mode.equals("streamed")
                    ? org.slidestream.dl.VolumeFeatures.extract(v, m, planes, out, 64, 0, 255, new MemoryBudget(4L << 30), pool, 2, (d, t) -> { }).features()
                    : naive(v, m, out);
            double sum = 0;
            for (float x : f) sum += x;
            System.out.printf(Locale.ROOT, "%s: %d features in %.2f s, checksum %.6e%n", mode, f.length, (System.nanoTime() - t0) / 1e9, sum);
        } finally {
            pool.shutdownNow();
        }
    }

    static float[] naive(org.slidestream.dl.Volume v, FeatureModel m, int[] out) throws Exception {
        int[] size = v.shape();
        float[] vol = v.read(0, 0, 0, size[0], size[1], size[2]);
        int[] g = m.tokenGrid();
        int dim = m.dim();
        org.slidestream.dl.Preprocessor pre = new org.slidestream.dl.Preprocessor(m.config(), 0, 255);
        int[][] axes = {{0, 1, 2}, {1, 0, 2}, {2, 0, 1}};     // slice, rows, cols of xy, xz, yz
        java.util.List<float[]> full = new java.util.ArrayList<>();
        java.util.List<int[]> shapes = new java.util.ArrayList<>();
        for (int[] ax : axes) {
            int slices = size[ax[0]], rows = size[ax[1]], cols = size[ax[2]];
            FloatBuffer in = ByteBuffer.allocateDirect(4 * slices * m.inputSize()).order(ByteOrder.nativeOrder()).asFloatBuffer();
            float[] tensor = new float[m.inputSize()];
            int[] at = new int[3];
            for (int s = 0; s < slices; s++) {
                float[] img = new float[rows * cols];
                at[ax[0]] = s;
                for (int r = 0; r < rows; r++) {
                    at[ax[1]] = r;
                    for (int c = 0; c < cols; c++) {
                        at[ax[2]] = c;
                        img[r * cols + c] = vol[(at[0] * size[1] + at[1]) * size[2] + at[2]];
                    }
                }
                pre.toTensor(img, cols, rows, 1, tensor, 0);
                in.put(s * m.inputSize(), tensor);
            }
            float[] tokens = new float[slices * g[0] * g[1] * dim];    // the whole plane's tokens at once
            for (int s0 = 0; s0 < slices; s0 += 64) {
                int n = Math.min(64, slices - s0);
                float[] t = m.patchTokens(in.slice(s0 * m.inputSize(), n * m.inputSize()), n);
                System.arraycopy(t, 0, tokens, s0 * g[0] * g[1] * dim, t.length);
            }
            int[] shape = new int[3];
            shape[ax[0]] = slices;
            shape[ax[1]] = g[0];
            shape[ax[2]] = g[1];
            float[] f = new float[dim * shape[0] * shape[1] * shape[2]];     // (dim, z, y, x) at full size
            for (int s = 0; s < slices; s++) {
                for (int r = 0; r < g[0]; r++) {
                    for (int c = 0; c < g[1]; c++) {
                        at[ax[0]] = s;
                        at[ax[1]] = r;
                        at[ax[2]] = c;
                        int src = ((s * g[0] + r) * g[1] + c) * dim;
                        for (int k = 0; k < dim; k++) f[((k * shape[0] + at[0]) * shape[1] + at[1]) * shape[2] + at[2]] = tokens[src + k];
                    }
                }
            }
            full.add(f);
            shapes.add(shape);
        }
        float[] result = new float[dim * out[0] * out[1] * out[2]];
        for (int i = 0; i < 3; i++) {
            float[] d = downsample(full.get(i), dim, shapes.get(i), out);
            for (int j = 0; j < result.length; j++) result[j] += d[j] / 3;
        }
        return result;
    }

    /** Area resampling, one axis after the other (x, then y, then z). */
    static float[] downsample(float[] a, int dim, int[] s, int[] o) {
        float[] x = axis(a, dim * s[0] * s[1], s[2], o[2], 1);
        float[] y = axis(x, dim * s[0], s[1], o[1], o[2]);
        return axis(y, dim, s[0], o[0], o[1] * o[2]);
    }

    /** Resamples the axis of length n (stride inner) of outer blocks to m by exact overlap. */
    static float[] axis(float[] a, int outer, int n, int m, int inner) {
        float[] r = new float[outer * m * inner];
        double scale = (double) n / m;
        for (int o = 0; o < m; o++) {
            double lo = o * scale, hi = (o + 1) * scale;
            for (int i = (int) Math.floor(lo); i < Math.min(n, (int) Math.ceil(hi)); i++) {
                float w = (float) ((Math.min(hi, i + 1) - Math.max(lo, i)) / scale);
                if (w <= 0) continue;
                for (int b = 0; b < outer; b++) {
                    int src = (b * n + i) * inner, dst = (b * m + o) * inner;
                    for (int k = 0; k < inner; k++) r[dst + k] += w * a[src + k];
                }
            }
        }
        return r;
    }

    static void e2e(Path onnx, Path slidePath, Path coordsPath, Path out, int batch, int workers) throws Exception {
        long t0 = System.nanoTime();
        MemoryBudget budget = new MemoryBudget(1L << 30);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try (FeatureModel m = FeatureModel.open(onnx, ModelConfig.defaults(), Device.CPU, 0);
             Slide slide = Slide.open(slidePath, SlideOptions.forBudget(budget));
             PatchCoords coords = PatchCoords.open(coordsPath)) {
            long t1 = System.nanoTime();
            long n = PatchFeatures.extract(slide, coords, m, out, PatchFeatures.Options.of(batch),
                    new PatchFeatures.Workers(pool, workers, budget), d -> { });
            double s = (System.nanoTime() - t1) / 1e9;
            System.out.printf(Locale.ROOT, "slidestream: %d patches in %.2f s (+%.2f s model load): %.1f patches/s%n",
                    n, s, (t1 - t0) / 1e9, n / s);
        } finally {
            pool.shutdownNow();
        }
    }
}
