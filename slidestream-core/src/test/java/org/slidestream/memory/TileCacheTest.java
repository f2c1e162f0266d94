package org.slidestream.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

class TileCacheTest {

    private static Raster tile(int v) {
        Raster r = Raster.create(PixelType.UINT8, 16, 16, 1); // 256 bytes
        r.fill(v);
        return r;
    }

    @Test
    void capacityIsReservedFromTheBudgetAndReturnedOnClose() {
        MemoryBudget b = new MemoryBudget(10_000);
        TileCache c = new TileCache(b, 4_000);
        assertThat(b.reserved()).isEqualTo(4_000);
        c.close();
        assertThat(b.reserved()).isZero();
    }

    @Test
    void evictsLeastRecentlyUsedWithinItsByteBound() {
        TileCache c = new TileCache(new MemoryBudget(1 << 20), 4 * 256);
        for (int i = 0; i < 4; i++) {
            int v = i;
            c.get(i, () -> tile(v));
        }
        c.get(0, () -> tile(99)); // touch 0: 1 becomes the eldest
        c.get(4, () -> tile(4));
        assertThat(c.size()).isLessThanOrEqualTo(4 * 256);
        AtomicInteger loads = new AtomicInteger();
        c.get(0, () -> { loads.incrementAndGet(); return tile(0); });
        assertThat(loads).hasValue(0);
        c.get(1, () -> { loads.incrementAndGet(); return tile(1); });
        assertThat(loads).hasValue(1);
    }

    @Test
    void concurrentMissesDecodeOnce() throws Exception {
        TileCache c = new TileCache(new MemoryBudget(1 << 20), 1 << 16);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Raster>> fs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            fs.add(pool.submit(() -> {
                start.await();
                return c.get("k", () -> {
                    loads.incrementAndGet();
                    try { Thread.sleep(100); } catch (InterruptedException e) { throw new IllegalStateException(e); }
                    return tile(7);
                });
            }));
        }
        start.countDown();
        Raster first = fs.get(0).get();
        for (Future<Raster> f : fs) assertThat(f.get()).isSameAs(first);
        pool.shutdown();
        assertThat(loads).hasValue(1);
    }

    @Test
    void failedLoadsAreNotCached() {
        TileCache c = new TileCache(new MemoryBudget(1 << 20), 1 << 16);
        assertThatThrownBy(() -> c.get("bad", () -> { throw new IllegalStateException("corrupt tile"); }))
                .hasMessage("corrupt tile");
        assertThat(c.get("bad", () -> tile(1)).get(0, 0, 0)).isEqualTo(1);
    }

    @Test
    void invalidateDropsMatchingKeys() {
        TileCache c = new TileCache(new MemoryBudget(1 << 20), 1 << 16);
        c.get("a1", () -> tile(1));
        c.get("b1", () -> tile(2));
        c.invalidate(k -> k.toString().startsWith("a"));
        assertThat(c.size()).isEqualTo(256);
    }
}
