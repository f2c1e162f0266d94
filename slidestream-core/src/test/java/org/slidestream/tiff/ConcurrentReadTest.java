package org.slidestream.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.SharedData;

/** Many threads reading one open slide get what one thread gets; the cache forgets a closed slide. */
class ConcurrentReadTest {

    private static List<ReadRequest> requests(Slide s, int n) {
        Random rnd = new Random(11);
        List<ReadRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int w = 1 + rnd.nextInt(300), h = 1 + rnd.nextInt(300);
            int x = rnd.nextInt(s.level(0).width() + 100) - 50, y = rnd.nextInt(s.level(0).height() + 100) - 50;
            out.add(i % 3 == 0 ? ReadRequest.atDownsample(1 + rnd.nextDouble() * 5, x, y, w, h) : ReadRequest.atLevel(0, x, y, w, h));
        }
        return out;
    }

    @Test
    void eightThreadsReadWhatOneReads() throws Exception {
        MemoryBudget budget = new MemoryBudget(256L << 20);
        // A small cache, so that threads evict and decode the same tiles concurrently.
        SlideOptions options = new SlideOptions(budget, new TileCache(budget, 4L << 20), true);
        try (Slide s = Slide.open(SharedData.slide(AperioSlideTest.CMU), options)) {
            List<ReadRequest> reqs = requests(s, 160);
            List<Raster> single = new ArrayList<>();
            for (ReadRequest r : reqs) single.add(s.readRegion(r));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Raster>> futures = new ArrayList<>();
                for (int i = reqs.size() - 1; i >= 0; i--) {
                    ReadRequest r = reqs.get(i);
                    futures.add(pool.submit(() -> s.readRegion(r)));
                }
                for (int i = 0; i < futures.size(); i++) {
                    int k = reqs.size() - 1 - i;
                    assertThat(futures.get(i).get().contentEquals(single.get(k))).as("request %d %s", k, reqs.get(k)).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(budget.reserved()).as("reservations given back").isEqualTo(options.cache().capacity());
        }
    }

    @Test
    void anInterruptedReaderDoesNotBreakTheSlideForOthers() throws Exception {
        MemoryBudget budget = new MemoryBudget(256L << 20);
        SlideOptions options = new SlideOptions(budget, TileCache.none(), true);
        try (Slide s = Slide.open(SharedData.slide(AperioSlideTest.CMU), options)) {
            Raster expected = s.readRegion(ReadRequest.atLevel(0, 700, 900, 300, 300));
            for (int round = 0; round < 20; round++) {
                Thread t = new Thread(() -> {
                    try {
                        while (true) s.readRegion(ReadRequest.atLevel(0, 0, 0, 500, 500));
                    } catch (RuntimeException e) {
                        // interrupted inside a read: a SlideException, the channel reopened for the others
                    }
                });
                t.start();
                Thread.sleep(5);
                t.interrupt();
                t.join(10_000);
                assertThat(t.isAlive()).isFalse();
                assertThat(s.readRegion(ReadRequest.atLevel(0, 700, 900, 300, 300)).contentEquals(expected)).isTrue();
            }
        }
    }

    @Test
    void closingASlideDropsItsTiles() {
        MemoryBudget budget = new MemoryBudget(256L << 20);
        TileCache cache = new TileCache(budget, 64L << 20);
        SlideOptions options = new SlideOptions(budget, cache, false);
        Slide s = Slide.open(SharedData.slide(AperioSlideTest.CMU), options);
        s.readRegion(ReadRequest.atLevel(0, 0, 0, 600, 600));
        assertThat(cache.size()).isPositive();
        try (Slide other = Slide.open(SharedData.slide(AperioSlideTest.CMU), options)) {
            other.readRegion(ReadRequest.atLevel(0, 0, 0, 240, 240));
            long both = cache.size();
            s.close();
            assertThat(cache.size()).isLessThan(both).isPositive(); // only the closed slide's tiles went
            long hits = cache.hits();
            other.readRegion(ReadRequest.atLevel(0, 0, 0, 240, 240));
            assertThat(cache.hits()).isGreaterThan(hits);
        }
        assertThat(cache.size()).isZero();
    }
}
