import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.PeakMemory;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;

/**
 * Random 256 x 256 level-0 region reads per second on one open slide, from 1 or more threads, each
 * thread reading its own fixed sequence of locations (the same seeds as reference.py), so the
 * reference reads the same regions. Mode "all" reads every tile of every level once instead and
 * prints the peak resident set size.
 *
 * <p>Usage: java ReaderBench.java SLIDE SECONDS THREADS natives|pure [random|all]
 */
public class ReaderBench {
    static final int SIZE = 256;

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        double seconds = Double.parseDouble(args[1]);
        int threads = Integer.parseInt(args[2]);
        boolean natives = args[3].equals("natives");
        String mode = args.length > 4 ? args[4] : "random";
        // A tile cache of OpenSlide's default size (32 MiB), so that neither reader wins by caching more.
        MemoryBudget budget = MemoryBudget.of(null);
        SlideOptions options = new SlideOptions(budget, new TileCache(budget, 32L << 20), natives);
        try (Slide slide = Slide.open(path, options)) {
            if (mode.equals("all")) {
                readAll(slide, threads);
                return;
            }
            LevelInfo l0 = slide.level(0);
            warmUp(slide, l0);
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Long>> counts = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                counts.add(pool.submit(() -> readUntil(slide, l0, seed, deadline)));
            }
            long n = 0;
            for (Future<Long> f : counts) n += f.get();
            double s = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            System.out.printf(java.util.Locale.ROOT, "%s %s %d %.1f%n", path.getFileName(), natives ? "slidestream-native" : "slidestream-pure", threads, n / s);
        }
    }

    static void warmUp(Slide slide, LevelInfo l0) {
        long end = System.nanoTime() + 2_000_000_000L;
        Raster r = Raster.create(slide.metadata().pixelType(), SIZE, SIZE, slide.metadata().sizeC());
        SplittableRandom rnd = new SplittableRandom(12345);
        while (System.nanoTime() < end) {
            slide.readRegion(ReadRequest.atLevel(0, rnd.nextInt(Math.max(1, l0.width() - SIZE)), rnd.nextInt(Math.max(1, l0.height() - SIZE)), SIZE, SIZE), r);
        }
    }

    /** The same generator as reference.py: a 64-bit LCG, so both read the same locations. */
    static long readUntil(Slide slide, LevelInfo l0, int seed, long deadline) {
        Raster r = Raster.create(slide.metadata().pixelType(), SIZE, SIZE, slide.metadata().sizeC());
        long state = 0x9E3779B97F4A7C15L * (seed + 1);
        long n = 0;
        int spanX = Math.max(1, l0.width() - SIZE), spanY = Math.max(1, l0.height() - SIZE);
        while (System.nanoTime() < deadline) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            int x = (int) Long.remainderUnsigned(state >>> 16, spanX);
            state = state * 6364136223846793005L + 1442695040888963407L;
            int y = (int) Long.remainderUnsigned(state >>> 16, spanY);
            slide.readRegion(ReadRequest.atLevel(0, x, y, SIZE, SIZE), r);
            n++;
        }
        return n;
    }

    static void readAll(Slide slide, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        long tiles = 0;
        for (int level = 0; level < slide.levelCount(); level++) {
            LevelInfo l = slide.level(level);
            int tw = l.tileWidth(), th = l.tileHeight(), lv = level;
            List<Future<?>> rows = new ArrayList<>();
            for (int ty = 0; ty < Math.ceilDiv(l.height(), th); ty++) {
                int row = ty;
                rows.add(pool.submit(() -> {
                    Raster r = Raster.create(slide.metadata().pixelType(), tw, th, slide.metadata().sizeC());
                    for (int tx = 0; tx < Math.ceilDiv(l.width(), tw); tx++) {
                        slide.readLevelRegion(lv, new org.slidestream.image.Region(tx * tw, row * th, tw, th), Plane.FIRST, r);
                    }
                }));
                tiles += Math.ceilDiv(l.width(), tw);
            }
            for (Future<?> f : rows) f.get();
        }
        pool.shutdown();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "read every tile: %d tiles in %.1f s (%.0f tiles/s), peak RSS %d MiB, max heap %d MiB%n",
                tiles, s, tiles / s, PeakMemory.peakBytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }
}
