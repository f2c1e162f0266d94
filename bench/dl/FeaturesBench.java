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
 */
public final class FeaturesBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "model" -> model(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]));
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
