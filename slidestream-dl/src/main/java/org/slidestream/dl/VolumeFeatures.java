package org.slidestream.dl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.IntConsumer;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Type;
import org.slidestream.format.npy.NpyDtype;
import org.slidestream.format.npy.NpyWriter;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/**
 * Features of a 3D volume from a 2D encoder, plane by plane (the tri-planar scheme): for each
 * orientation the volume is cut into slices, each slice is resized to the model input and run
 * through the model, and its patch tokens (a {@code gh x gw} grid of D-vectors over the slice) are
 * stacked into that orientation's feature volume, which is resampled by area to the output size;
 * the orientations are averaged.
 *
 * <p>Area resampling is linear and separable, so each slice's tokens are resampled in-plane and
 * added, with their weight along the slice axis, straight into one output-sized accumulator:
 * no orientation's full feature volume is ever held. Memory is the accumulator
 * ({@code D x outD x outH x outW} floats) plus one slice batch.
 *
 * <p>Axes: the volume is (z, y, x) = (depth, height, width). Plane {@code xy} slices along z
 * (each slice's rows are y, columns x), {@code xz} along y (rows z, columns x), {@code yz} along x
 * (rows z, columns y). The result is {@code C x D x H x W}: C the feature dimension, then the
 * output depth, height and width.
 */
public final class VolumeFeatures {
    private VolumeFeatures() {}

    /** A slicing orientation: the axis it slices along, and the slice's row and column axes (0 z, 1 y, 2 x). */
    public enum Plane {
        XY(0, 1, 2), XZ(1, 0, 2), YZ(2, 0, 1);

        final int slice;
        final int rows;
        final int cols;

        Plane(int slice, int rows, int cols) {
            this.slice = slice;
            this.rows = rows;
            this.cols = cols;
        }

        public static List<Plane> parse(String s) {
            List<Plane> out = new ArrayList<>();
            for (String p : s.split(",")) {
                Plane plane = switch (p.strip().toLowerCase(Locale.ROOT)) {
                    case "xy", "yx" -> XY;
                    case "xz", "zx" -> XZ;
                    case "yz", "zy" -> YZ;
                    default -> throw new IllegalArgumentException("unknown plane '" + p.strip() + "' (xy, xz, yz)");
                };
                if (out.contains(plane)) throw new IllegalArgumentException("plane " + p.strip() + " given twice");
                out.add(plane);
            }
            return out;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The result: {@code dim x depth x height x width} floats, C order. */
    public record Result(float[] features, int dim, int depth, int height, int width) {
        public long[] shape() {
            return new long[] {dim, depth, height, width};
        }
    }

    /** Progress: slices done of all planes' slices. */
    public interface Progress {
        void slices(long done, long total);
    }

    /**
     * @param outSize    output (depth, height, width)
     * @param sliceBatch slices per model run
     * @param low        intensity that maps to 0 (before the model's mean/std)
     * @param high       intensity that maps to 1
     */
    public static Result extract(Volume volume, FeatureModel model, List<Plane> planes, int[] outSize, int sliceBatch,
                                 double low, double high, MemoryBudget budget, ExecutorService pool, int threads,
                                 Progress progress) throws IOException {
        if (planes.isEmpty()) throw new IllegalArgumentException("no planes");
        if (outSize.length != 3 || Arrays.stream(outSize).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException("output size must be three positive numbers D,H,W: " + Arrays.toString(outSize));
        }
        if (sliceBatch < 1) throw new IllegalArgumentException("slice batch must be >= 1");
        int[] grid = model.tokenGrid();
        int dim = model.dim();
        int[] size = volume.shape();
        long outVoxels = (long) outSize[0] * outSize[1] * outSize[2];
        long accBytes = 4L * dim * outVoxels;
        if (accBytes / 4 > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("output of " + dim + " x "
                + Arrays.toString(outSize) + " features does not fit one array; choose a smaller --output-size");
        long batchBytes = 0;
        for (Plane p : planes) batchBytes = Math.max(batchBytes, batchBytes(model, size, outSize, p, sliceBatch, grid));
        Preprocessor pre = new Preprocessor(model.config(), low, high);
        long totalSlices = planes.stream().mapToLong(p -> size[p.slice]).sum();
        try (Reservation r = budget.reserve(accBytes + batchBytes, "features of " + dim + " x " + Arrays.toString(outSize)
                + " plus a batch of " + sliceBatch + " slices")) {
            float[] acc = new float[(int) (dim * outVoxels)];
            long[] done = {0};
            for (Plane p : planes) {
                addPlane(volume, model, pre, p, size, outSize, grid, sliceBatch, 1f / planes.size(), acc, pool, threads,
                        n -> progress.slices(done[0] += n, totalSlices));
            }
            return new Result(acc, dim, outSize[0], outSize[1], outSize[2]);
        }
    }

    private static long batchBytes(FeatureModel m, int[] size, int[] out, Plane p, int batch, int[] grid) {
        long b = Math.min(batch, size[p.slice]);
        long slab = b * size[p.rows] * size[p.cols];
        long slabRead = p == Plane.XY ? slab : 2 * slab;               // a z-row box then its slices
        long tokens = b * grid[0] * grid[1] * m.dim() * 2L;            // the model's output and the patch tokens
        long resampled = (long) out[p.rows] * out[p.cols] * m.dim() + (long) grid[0] * out[p.cols] * m.dim();
        return 4L * (slabRead + b * m.inputSize() + tokens + resampled) + 12L * size[p.rows] * size[p.cols];
    }

    private static void addPlane(Volume v, FeatureModel model, Preprocessor pre, Plane p, int[] size, int[] out, int[] grid,
                                 int batch, float planeWeight, float[] acc, ExecutorService pool, int threads,
                                 IntConsumer progress) throws IOException {
        int slices = size[p.slice], rows = size[p.rows], cols = size[p.cols];
        int gh = grid[0], gw = grid[1], dim = model.dim(), chw = model.inputSize();
        int outS = out[p.slice], outR = out[p.rows], outC = out[p.cols];
        Resample ws = Resample.area(slices, outS);
        Resample wr = Resample.area(gh, outR);
        Resample wc = Resample.area(gw, outC);
        // strides of the output (z, y, x) and of the feature channel
        int[] stride = {out[1] * out[2], out[2], 1};
        int voxels = out[0] * out[1] * out[2];
        int b = Math.min(batch, slices);
        FloatBuffer input = ByteBuffer.allocateDirect(4 * b * chw).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] map = new float[outR * outC * dim];
        float[] half = new float[gh * outC * dim];
        for (int s0 = 0; s0 < slices; s0 += b) {
            int n = Math.min(b, slices - s0);
            float[][] sliceImages = readSlices(v, p, size, s0, n);
            preprocess(pre, sliceImages, cols, rows, input, chw, pool, threads);
            float[] tokens = model.patchTokens(input, n);
            for (int i = 0; i < n; i++) {
                resampleGrid(tokens, i * gh * gw * dim, gh, gw, dim, wr, wc, half, map);
                int s = s0 + i;
                for (int o = 0; o < outS; o++) {
                    float w = ws.weightOf(o, s) * planeWeight;
                    if (w == 0f) continue;
                    int base = o * stride[p.slice];
                    for (int r = 0; r < outR; r++) {
                        for (int c = 0; c < outC; c++) {
                            int voxel = base + r * stride[p.rows] + c * stride[p.cols];
                            int m = (r * outC + c) * dim;
                            for (int f = 0; f < dim; f++) acc[f * voxels + voxel] += w * map[m + f];
                        }
                    }
                }
            }
            progress.accept(n);
        }
    }

    /** The {@code gh x gw x dim} token grid at {@code off} resampled to {@code outR x outC x dim}. */
    private static void resampleGrid(float[] t, int off, int gh, int gw, int dim, Resample wr, Resample wc, float[] half, float[] map) {
        int outC = wc.dst(), outR = wr.dst();
        Arrays.fill(half, 0f);
        for (int g = 0; g < gh; g++) {
            for (int c = 0; c < outC; c++) {
                int h = (g * outC + c) * dim;
                for (int k = 0; k < wc.count()[c]; k++) {
                    float w = wc.weight()[c * wc.stride() + k];
                    int src = off + (g * gw + wc.start()[c] + k) * dim;
                    for (int f = 0; f < dim; f++) half[h + f] += w * t[src + f];
                }
            }
        }
        Arrays.fill(map, 0f);
        for (int r = 0; r < outR; r++) {
            for (int k = 0; k < wr.count()[r]; k++) {
                float w = wr.weight()[r * wr.stride() + k];
                int g = wr.start()[r] + k;
                for (int c = 0; c < outC; c++) {
                    int m = (r * outC + c) * dim, h = (g * outC + c) * dim;
                    for (int f = 0; f < dim; f++) map[m + f] += w * half[h + f];
                }
            }
        }
    }

    /** Slices {@code s0 .. s0+n-1} of an orientation, each {@code rows x cols} samples. */
    static float[][] readSlices(Volume v, Plane p, int[] size, int s0, int n) throws IOException {
        int d = size[0], h = size[1], w = size[2];
        float[][] out = new float[n][];
        switch (p) {
            case XY -> {
                float[] box = v.read(s0, 0, 0, n, h, w);
                for (int i = 0; i < n; i++) out[i] = Arrays.copyOfRange(box, i * h * w, (i + 1) * h * w);
            }
            case XZ -> {          // box z x n(y) x w: slice i is rows z, cols x
                float[] box = v.read(0, s0, 0, d, n, w);
                for (int i = 0; i < n; i++) {
                    float[] s = new float[d * w];
                    for (int z = 0; z < d; z++) System.arraycopy(box, (z * n + i) * w, s, z * w, w);
                    out[i] = s;
                }
            }
            case YZ -> {          // box z x h x n(x): slice i is rows z, cols y
                float[] box = v.read(0, 0, s0, d, h, n);
                for (int i = 0; i < n; i++) {
                    float[] s = new float[d * h];
                    for (int z = 0; z < d; z++) {
                        for (int y = 0; y < h; y++) s[z * h + y] = box[(z * h + y) * n + i];
                    }
                    out[i] = s;
                }
            }
        }
        return out;
    }

    private static void preprocess(Preprocessor pre, float[][] slices, int cols, int rows, FloatBuffer input, int chw,
                                   ExecutorService pool, int threads) {
        int n = slices.length;
        int parts = Math.max(1, Math.min(threads, n));
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int part = 0; part < parts; part++) {
            int from = n * part / parts, to = n * (part + 1) / parts;
            fs.add(CompletableFuture.runAsync(() -> {
                float[] tensor = new float[chw];
                for (int i = from; i < to; i++) {
                    pre.toTensor(slices[i], cols, rows, 1, tensor, 0);
                    input.put(i * chw, tensor);
                }
            }, pool));
        }
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw e;
        }
    }

    /**
     * Writes {@code features.npy} (C x D x H x W float32, numpy's C order) and {@code features.h5}
     * (dataset {@code features} of the same shape, with the planes, output size, model and source as
     * attributes) into {@code dir}, each atomically.
     */
    public static void write(Result r, Path dir, List<Plane> planes, Path model, Path source) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        long[] shape = r.shape();
        try (NpyWriter npy = NpyWriter.create(dir.resolve("features.npy"), NpyDtype.FLOAT32,
                new long[] {shape[1], shape[2], shape[3]}, shape[0], true)) {
            npy.write(0, r.features());
            npy.commit();
        }
        try (H5File h5 = H5File.create(dir.resolve("features.h5"), true)) {
            H5Dataset d = h5.createDataset("features", H5Type.FLOAT32, shape, H5Layout.FIXED.chunkRows(1));   // one feature channel per chunk
            d.write(0, r.features());
            d.setAttribute("axes", "CDHW");
            h5.setAttribute("planes", planes.stream().map(Plane::toString).toArray(String[]::new));
            h5.setAttribute("output_size", new long[] {shape[1], shape[2], shape[3]});
            h5.setAttribute("feature_dim", r.dim());
            h5.setAttribute("model", model.getFileName().toString());
            h5.setAttribute("source", source.toAbsolutePath().toString());
            h5.setAttribute("resampling", "area");
            h5.commit();
        }
    }
}
