// Benchmarks of the output formats, run by bench/formats/run.sh with the core classes on the class
// path (java's source launcher compiles this file). Each mode prints one line of figures.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Type;
import org.slidestream.format.npy.NpyDtype;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.format.npy.NpyWriter;
import org.slidestream.format.png.Png;
import org.slidestream.format.png.PngFilter;
import org.slidestream.format.png.PngOptions;
import org.slidestream.image.Raster;

public class FormatsBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "h5" -> h5(Long.parseLong(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Path.of(a[4]));
            case "npy" -> npy(Path.of(a[1]), Integer.parseInt(a[2]), Path.of(a[3]));
            case "png" -> png(Path.of(a[1]), Integer.parseInt(a[2]), new PngOptions(Integer.parseInt(a[3]), PngFilter.valueOf(a[4])),
                    Integer.parseInt(a[5]), Path.of(a[6]));
            default -> throw new IllegalArgumentException("mode h5 | npy | png");
        }
    }

    /** ROWS x DIM float32 features appended in batches to an extendable dataset. */
    static void h5(long rows, int dim, int batch, Path out) throws Exception {
        // Loading the native library is a one-off per process (h5py's is its import): timed apart.
        long l0 = System.nanoTime();
        try (H5File warm = H5File.create(out.resolveSibling("warm-up.h5"), true)) {
            warm.setAttribute("x", 1);
        }
        double load = (System.nanoTime() - l0) / 1e9;
        long t0 = System.nanoTime();
        float[] buf = new float[batch * dim];
        try (H5File f = H5File.create(out, true)) {
            H5Dataset d = f.createDataset("features", H5Type.FLOAT32, new long[] {0, dim}, H5Layout.EXTENDABLE);
            for (long r = 0; r < rows; r += batch) {
                int k = (int) Math.min(batch, rows - r);
                for (int row = 0; row < k; row++) {
                    float base = (r + row) * 0.001f;
                    for (int j = 0; j < dim; j++) buf[row * dim + j] = base + j;
                }
                d.append(k == batch ? buf : java.util.Arrays.copyOf(buf, k * dim));
            }
            f.commit();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("java h5: %d x %d float32 in batches of %d: %.2f s, %.0f MB/s (library load %.2f s)%n", rows, dim,
                batch, s, rows * dim * 4 / 1e6 / s, load);
    }

    /** Copies a stack of patches into a new .npy, one patch at a time (as patch export writes it). */
    static void npy(Path patches, int n, Path out) throws Exception {
        List<Raster> src = load(patches);
        Raster first = src.get(0);
        long t0 = System.nanoTime();
        try (NpyWriter w = NpyWriter.create(out, NpyDtype.UINT8, new long[] {first.height(), first.width(), first.bands()})) {
            for (int i = 0; i < n; i++) w.append(src.get(i % src.size()));
            w.commit();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("java npy: %d patches streamed: %.2f s, %.0f patches/s%n", n, s, n / s);
    }

    /** Encodes N patches to PNG files with THREADS threads. */
    static void png(Path patches, int n, PngOptions opts, int threads, Path outDir) throws Exception {
        List<Raster> src = load(patches);
        Files.createDirectories(outDir);
        for (int i = 0; i < Math.min(n, 50); i++) Png.encode(src.get(i % src.size()), opts); // warm-up
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        List<Future<Long>> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            jobs.add(pool.submit(() -> {
                Path f = outDir.resolve("p" + k + ".png");
                Png.write(src.get(k % src.size()), f, opts);
                return Files.size(f);
            }));
        }
        long bytes = 0;
        for (Future<Long> j : jobs) bytes += j.get();
        double s = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        System.out.printf("java png level %d %s, %d threads: %d patches in %.2f s, %.0f patches/s, %.0f KB/patch%n",
                opts.level(), opts.filter(), threads, n, s, n / s, bytes / 1024.0 / n);
    }

    /** The source patches, in memory (both sides time only the writing). */
    static List<Raster> load(Path patches) throws Exception {
        List<Raster> src = new ArrayList<>();
        try (NpyReader in = NpyReader.open(patches)) {
            for (long i = 0; i < in.shape()[0]; i++) src.add(in.readRaster(i));
        }
        return src;
    }
}
