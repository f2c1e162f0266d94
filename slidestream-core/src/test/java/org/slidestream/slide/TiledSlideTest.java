package org.slidestream.slide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.TileCache;

/**
 * The tile engine with a format written here: pixels are a function of (level, channel, z, t, x, y),
 * so every read can be checked against that function, and the format counts what the engine asks of it.
 */
class TiledSlideTest {
    private static final int W = 1000, H = 700, TILE = 128;

    /** Sample value of channel c at level pixel (x, y). */
    static int value(int level, int c, int z, int t, int x, int y) {
        return (x * 7 + y * 13 + c * 50 + z * 30 + t * 90 + level * 11) & 0xFF;
    }

    /**
     * Three channels stored as a group of two and a group of one, two Z sections, two time points,
     * levels at 1, 2 and 4; tiles listed in {@code missing} are not stored. Optionally decodes parts.
     */
    static class Format extends TiledSlide {
        final Set<String> decoded = ConcurrentHashMap.newKeySet();
        final AtomicInteger decodes = new AtomicInteger();
        final AtomicInteger parts = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        final Set<String> missing;
        final boolean partial;
        volatile CountDownLatch slowDecode;

        Format(SlideOptions options, Set<String> missing, boolean partial) {
            super(Path.of("test.fmt"), new SlideMetadata("test", PixelType.UINT8, 3, 2, 2, List.of("A", "B", "C"),
                    0.25, 0.25, null, 40.0, false, Map.of()), pyramid(), List.of(2, 1), options);
            this.missing = missing;
            this.partial = partial;
        }

        static List<LevelInfo> pyramid() {
            List<LevelInfo> l = new ArrayList<>();
            for (int d = 1; d <= 4; d *= 2) l.add(new LevelInfo(Math.ceilDiv(W, d), Math.ceilDiv(H, d), d, TILE, TILE));
            return l;
        }

        int bandsOf(Plane p) {
            return p.c() == 0 ? 2 : 1;
        }

        @Override
        protected Raster decodeTile(int level, Plane plane, int tx, int ty) {
            decodes.incrementAndGet();
            decoded.add(level + "/" + plane.c() + "/" + tx + "," + ty);
            CountDownLatch slow = slowDecode;
            if (slow != null) {
                try {
                    slow.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (missing.contains(level + "/" + tx + "," + ty)) return null;
            int bands = bandsOf(plane);
            Raster r = Raster.create(PixelType.UINT8, TILE, TILE, bands); // stored whole, padded at the edges
            for (int y = 0; y < TILE; y++) {
                for (int x = 0; x < TILE; x++) {
                    for (int b = 0; b < bands; b++) r.set(x, y, b, value(level, plane.c() + b, plane.z(), plane.t(), tx * TILE + x, ty * TILE + y));
                }
            }
            return r;
        }

        @Override
        protected boolean decodeTilePart(int level, Plane plane, int tx, int ty, Region part, int scale, Raster dest, int dx, int dy) {
            if (!partial || missing.contains(level + "/" + tx + "," + ty)) return false;
            parts.incrementAndGet();
            assertThat(scale).isOne();
            for (int y = 0; y < part.height(); y++) {
                for (int x = 0; x < part.width(); x++) {
                    for (int b = 0; b < dest.bands(); b++) {
                        dest.set(dx + x, dy + y, b, value(level, plane.c() + b, plane.z(), plane.t(), tx * TILE + part.x() + x, ty * TILE + part.y() + y));
                    }
                }
            }
            return true;
        }

        @Override public List<String> associatedImages() { return List.of(); }

        @Override public Raster readAssociated(String name) { throw new IllegalArgumentException(name); }

        @Override protected void closeSource() { closes.incrementAndGet(); }
    }

    private static SlideOptions options(long cacheBytes) {
        MemoryBudget budget = new MemoryBudget(256L << 20);
        return new SlideOptions(budget, new TileCache(budget, cacheBytes), false);
    }

    private static void assertLevelPixels(Raster r, int level, Region region, Plane p, int sizeC, double background) {
        for (int y = 0; y < region.height(); y++) {
            for (int x = 0; x < region.width(); x++) {
                int lx = region.x() + x, ly = region.y() + y;
                boolean inside = lx >= 0 && ly >= 0 && lx < Math.ceilDiv(W, 1 << level) && ly < Math.ceilDiv(H, 1 << level);
                for (int b = 0; b < r.bands(); b++) {
                    int c = p.allChannels() ? b : p.c();
                    double want = inside ? value(level, c, p.z(), p.t(), lx, ly) : background;
                    assertThat(r.get(x, y, b)).as("%s level %d (%d,%d) band %d", p, level, lx, ly, b).isEqualTo(want);
                }
            }
        }
        assertThat(sizeC).isEqualTo(3);
    }

    @Test
    void readsEveryPlaneAndChannelAtEveryLevelWithBackgroundOutside() {
        try (Format s = new Format(options(8L << 20), Set.of(), false)) {
            for (int level = 0; level < 3; level++) {
                for (Plane p : List.of(Plane.FIRST, new Plane(2, 1, 1), new Plane(1, 0, 1), Plane.of(1, 0))) {
                    Region region = new Region(-30, 100, 300, 260); // crosses the left edge and tile borders
                    Raster r = Raster.create(PixelType.UINT8, region.width(), region.height(), p.bands(3));
                    s.readLevelRegion(level, region, p, r);
                    assertLevelPixels(r, level, region, p, 3, 0);
                }
            }
        }
    }

    @Test
    void aChannelReadDecodesOnlyItsGroup() {
        try (Format s = new Format(options(8L << 20), Set.of(), false)) {
            Raster r = Raster.create(PixelType.UINT8, 100, 100, 1);
            s.readLevelRegion(0, new Region(0, 0, 100, 100), Plane.channel(2), r);
            assertThat(s.decoded).containsExactly("0/2/0,0");
            s.readLevelRegion(0, new Region(0, 0, 100, 100), Plane.channel(1), r);
            assertThat(s.decoded).containsExactlyInAnyOrder("0/2/0,0", "0/0/0,0");
        }
    }

    @Test
    void tilesTheFileDoesNotStoreAreBackground() {
        try (Format s = new Format(options(8L << 20), Set.of("0/1,0"), false)) {
            Raster r = Raster.create(PixelType.UINT8, 256, 10, 3);
            s.readLevelRegion(0, new Region(0, 0, 256, 10), Plane.FIRST, r);
            assertThat(r.get(127, 5, 0)).isEqualTo(value(0, 0, 0, 0, 127, 5));
            for (int b = 0; b < 3; b++) assertThat(r.get(128, 5, b)).isZero();
            assertThat(r.get(255, 9, 2)).isZero();
        }
    }

    @Test
    void downsamplesBetweenLevelsAreAreaAverages() {
        try (Format s = new Format(options(8L << 20), Set.of(), false)) {
            // downsample 3 reads level 1 (downsample 2) and resamples by 1.5; an integer factor is a plain box mean
            Raster r = s.readRegion(ReadRequest.atDownsample(8, 80, 40, 20, 15).withChannel(1));
            for (int y = 0; y < 15; y++) {
                for (int x = 0; x < 20; x++) {
                    double sum = 0;
                    for (int j = 0; j < 2; j++) for (int i = 0; i < 2; i++) sum += value(2, 1, 0, 0, 20 + 2 * x + i, 10 + 2 * y + j);
                    assertThat(r.get(x, y, 0)).isEqualTo(Math.floor(sum / 4 + 0.5));
                }
            }
            // a level's own downsample reads it as stored, by level or by downsample alike
            Raster byLevel = s.readRegion(ReadRequest.atLevel(1, 200, 100, 50, 40));
            Raster byDownsample = s.readRegion(ReadRequest.atDownsample(2, 200, 100, 50, 40));
            assertThat(byDownsample.contentEquals(byLevel)).isTrue();
            assertLevelPixels(byLevel, 1, new Region(100, 50, 50, 40), Plane.FIRST, 3, 0);
            // micrometres per pixel resolve against the slide's 0.25 um
            assertThat(s.readRegion(ReadRequest.at(Resolution.mpp(0.5), 200, 100, 50, 40)).contentEquals(byLevel)).isTrue();
            assertThat(s.readRegion(ReadRequest.at(Resolution.magnification(20), 200, 100, 50, 40)).contentEquals(byLevel)).isTrue();
        }
    }

    @Test
    void partOfATileIsDecodedStraightIntoTheDestinationUnlessCached() {
        try (Format whole = new Format(options(8L << 20), Set.of("0/0,1"), false);
             Format parts = new Format(options(8L << 20), Set.of("0/0,1"), true)) {
            Region region = new Region(100, 100, 100, 100); // parts of four tiles, one of them not stored
            Raster one = Raster.create(PixelType.UINT8, 100, 100, 1), oneWhole = Raster.create(PixelType.UINT8, 100, 100, 1);
            parts.readLevelRegion(0, region, Plane.channel(2), one);
            whole.readLevelRegion(0, region, Plane.channel(2), oneWhole);
            assertThat(one.contentEquals(oneWhole)).isTrue();
            assertThat(parts.parts).as("parts of the three stored tiles").hasValue(3);
            assertThat(parts.decodes).as("the tile not stored, asked whole").hasValue(1);
            // all three channels in one destination: each group fills only some of its bands, so tiles are decoded whole
            Raster a = Raster.create(PixelType.UINT8, 100, 100, 3), b = Raster.create(PixelType.UINT8, 100, 100, 3);
            whole.readLevelRegion(0, region, Plane.FIRST, a);
            parts.readLevelRegion(0, region, Plane.FIRST, b);
            assertThat(b.contentEquals(a)).isTrue();
            assertThat(parts.parts).hasValue(3);
            assertThat(parts.decodes).hasValue(1 + 4 + 3);
            // tiles decoded whole are cached, and a later part of one comes from the cache
            parts.readLevelRegion(0, new Region(10, 10, 20, 20), Plane.channel(2), Raster.create(PixelType.UINT8, 20, 20, 1));
            parts.readLevelRegion(0, new Region(130, 10, 20, 20), Plane.channel(2), Raster.create(PixelType.UINT8, 20, 20, 1));
            assertThat(parts.parts).hasValue(3);
            parts.readLevelRegion(0, new Region(300, 10, 20, 20), Plane.channel(2), Raster.create(PixelType.UINT8, 20, 20, 1));
            assertThat(parts.parts).as("a tile not read before").hasValue(4);
        }
    }

    @Test
    void concurrentReadersDecodeEachTileOnce() throws Exception {
        try (Format s = new Format(options(8L << 20), Set.of(), false)) {
            CountDownLatch release = new CountDownLatch(1);
            s.slowDecode = release;
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Raster>> fs = new ArrayList<>();
                for (int i = 0; i < 6; i++) fs.add(pool.submit(() -> s.readRegion(ReadRequest.atLevel(0, 10, 10, 50, 50))));
                Thread.sleep(200);
                release.countDown();
                for (Future<Raster> f : fs) assertLevelPixels(f.get(), 0, new Region(10, 10, 50, 50), Plane.FIRST, 3, 0);
            } finally {
                pool.shutdownNow();
            }
            assertThat(s.decodes).hasValue(2); // one tile, two channel groups
        }
    }

    @Test
    void cachedTilesAreReadOnlyViews() {
        Raster r = Raster.create(PixelType.UINT8, 4, 4, 1);
        r.fill(7);
        TileCache cache = new TileCache(new MemoryBudget(1 << 20), 1 << 16);
        Raster view = cache.get("k", () -> r);
        assertThat(view.isReadOnly()).isTrue();
        assertThat(cache.peek("k")).isSameAs(view);
        assertThatThrownBy(view::bytes).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> view.set(0, 0, 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> view.fill(1)).isInstanceOf(IllegalStateException.class);
        Raster copy = Raster.create(PixelType.UINT8, 4, 4, 1);
        copy.copyFrom(view, 0, 0, 0, 0, 4, 4);
        assertThat(copy.contentEquals(r)).isTrue();
        assertThat(view.band(0).contentEquals(r)).isTrue();
    }

    @Test
    void requestsAreCheckedAndAClosedSlideRefusesReads() {
        SlideOptions o = options(8L << 20);
        Format s = new Format(o, Set.of(), false);
        Raster rgb = Raster.create(PixelType.UINT8, 10, 10, 3);
        assertThatThrownBy(() -> s.readLevelRegion(3, new Region(0, 0, 10, 10), Plane.FIRST, rgb)).hasMessageContaining("no level 3");
        assertThatThrownBy(() -> s.readLevelRegion(0, new Region(0, 0, 10, 10), Plane.channel(3), rgb)).hasMessageContaining("no channel 3");
        assertThatThrownBy(() -> s.readLevelRegion(0, new Region(0, 0, 10, 10), Plane.of(2, 0), rgb)).hasMessageContaining("no z 2");
        assertThatThrownBy(() -> s.readLevelRegion(0, new Region(0, 0, 10, 10), Plane.of(0, 2), rgb)).hasMessageContaining("no t 2");
        assertThatThrownBy(() -> s.readLevelRegion(0, new Region(0, 0, 10, 10), Plane.channel(0), rgb)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> s.readLevelRegion(0, new Region(0, 0, 11, 10), Plane.FIRST, rgb)).hasMessageContaining("does not fit");
        s.readLevelRegion(0, new Region(0, 0, 10, 10), Plane.FIRST, rgb);
        assertThat(o.cache().size()).isPositive();
        s.close();
        s.close();
        assertThat(s.closes).hasValue(1);
        assertThat(o.cache().size()).as("the closed slide's tiles leave the cache").isZero();
        assertThatThrownBy(() -> s.readLevelRegion(0, new Region(0, 0, 10, 10), Plane.FIRST, rgb)).hasMessageContaining("slide is closed");
        assertThat(o.budget().reserved()).isEqualTo(o.cache().capacity());
    }

    @Test
    void aFormatThatDecodesTheWrongShapeIsAnError() {
        try (TiledSlide s = new Format(options(8L << 20), Set.of(), false) {
            @Override protected Raster decodeTile(int level, Plane plane, int tx, int ty) {
                return Raster.create(PixelType.UINT8, 10, 10, 2);
            }
        }) {
            assertThatThrownBy(() -> s.readRegion(ReadRequest.atLevel(0, 0, 0, 10, 10))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("decoded as");
        }
    }
}
