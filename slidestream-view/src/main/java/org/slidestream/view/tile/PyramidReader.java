package org.slidestream.view.tile;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Resolution;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

/**
 * Reads the pixels of a Deep Zoom level of a slide from its pyramid. A level within a factor of 2 of
 * a stored pyramid level is read from that level (as stored when the grids agree, else averaged over
 * each output pixel's footprint). A level further than that from every stored level, as on a slide
 * with one level or with sparse levels, is made by halving the Deep Zoom level above it, whose
 * pixels are read in cached blocks: so a zoomed-out view never reads level 0 of a large slide
 * tile by tile, and each stored pixel is decoded once however far one zooms out.
 */
public final class PyramidReader {
    /** Blocks of a made level kept in the cache, in that level's pixels. */
    static final int BLOCK = 512;
    /** The largest factor between a Deep Zoom level and the stored level it is read from. */
    static final double MAX_READ_FACTOR = 2.0 + 1e-6;

    private final Slide slide;
    private final DeepZoom zoom;
    private final TileCache cache;
    private final Object cacheId;

    /**
     * @param cache   holds the blocks of made levels (shared; keys include {@code cacheId})
     * @param cacheId distinguishes this slide's blocks from others' in the cache
     */
    public PyramidReader(Slide slide, DeepZoom zoom, TileCache cache, Object cacheId) {
        this.slide = slide;
        this.zoom = zoom;
        this.cache = cache;
        this.cacheId = cacheId;
    }

    public DeepZoom zoom() { return zoom; }

    public Slide slide() { return slide; }

    /** Whether a level is read from a stored level (true) or made from the level above (false). */
    public boolean readsStoredLevel(int level) {
        double d = zoom.downsample(level);
        int best = slide.bestLevelForDownsample(d);
        return d / slide.level(best).downsample() <= MAX_READ_FACTOR;
    }

    /**
     * A region of a Deep Zoom level, in that level's pixels: all channels of the plane or one,
     * of plane (z, t). Pixels outside the image are the slide's background. The result is new (the
     * caller may change it).
     */
    public Raster read(int level, Region region, Plane plane) {
        SlideMetadata m = slide.metadata();
        int bands = plane.bands(m.sizeC());
        Raster out = Raster.create(m.pixelType(), region.width(), region.height(), bands);
        if (readsStoredLevel(level)) {
            double d = zoom.downsample(level);
            long x0 = Math.round(region.x() * d), y0 = Math.round(region.y() * d);
            slide.readRegion(new ReadRequest(Math.toIntExact(x0), Math.toIntExact(y0), region.width(), region.height(),
                    Resolution.downsample(d), plane), out);
            return out;
        }
        readHalved(level, region, plane, out);
        return out;
    }

    /** A region of a made level: the level above over twice the region, averaged 2 x 2. */
    private void readHalved(int level, Region region, Plane plane, Raster out) {
        Region above = new Region(region.x() * 2, region.y() * 2, region.width() * 2, region.height() * 2);
        Raster src = Raster.create(out.type(), above.width(), above.height(), out.bands());
        src.fill(slide.metadata().background());
        Region levelBounds = new Region(0, 0, (int) zoom.levelWidth(level + 1), (int) zoom.levelHeight(level + 1));
        Region inside = above.intersect(levelBounds);
        if (!inside.isEmpty()) {
            for (int by = inside.y() / BLOCK; by <= (inside.bottom() - 1) / BLOCK; by++) {
                for (int bx = inside.x() / BLOCK; bx <= (inside.right() - 1) / BLOCK; bx++) {
                    Region blockRegion = new Region(bx * BLOCK, by * BLOCK, BLOCK, BLOCK).intersect(levelBounds);
                    Raster block = block(level + 1, bx, by, blockRegion, plane);
                    Region part = blockRegion.intersect(above);
                    src.copyFrom(block, part.x() - blockRegion.x(), part.y() - blockRegion.y(),
                            part.x() - above.x(), part.y() - above.y(), part.width(), part.height());
                }
            }
        }
        halve(src, out);
    }

    private Raster block(int level, int bx, int by, Region blockRegion, Plane plane) {
        BlockKey key = new BlockKey(cacheId, level, bx, by, plane);
        return cache.get(key, () -> read(level, blockRegion, plane));
    }

    private record BlockKey(Object slide, int level, int bx, int by, Plane plane) {}

    /** Matches the cache keys of blocks whose reader's {@code cacheId} matches. */
    public static java.util.function.Predicate<Object> blocksOf(java.util.function.Predicate<Object> cacheIdMatches) {
        return key -> key instanceof BlockKey b && cacheIdMatches.test(b.slide());
    }

    /** Averages 2 x 2 pixels of {@code src} (twice {@code out}'s size) into each pixel of {@code out}. */
    public static void halve(Raster src, Raster out) {
        int w = out.width(), h = out.height(), b = out.bands();
        if (src.type() == PixelType.UINT8) {
            byte[] s = src.bytes(), o = out.bytes();
            int srow = src.width() * b;
            for (int y = 0; y < h; y++) {
                int si = 2 * y * srow, oi = y * w * b;
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < b; c++) {
                        int i = si + 2 * x * b + c;
                        int sum = (s[i] & 0xFF) + (s[i + b] & 0xFF) + (s[i + srow] & 0xFF) + (s[i + srow + b] & 0xFF);
                        o[oi++] = (byte) ((sum + 2) >> 2);
                    }
                }
            }
            return;
        }
        boolean integral = !src.type().isFloat();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < b; c++) {
                    double sum = src.get(2 * x, 2 * y, c) + src.get(2 * x + 1, 2 * y, c)
                            + src.get(2 * x, 2 * y + 1, c) + src.get(2 * x + 1, 2 * y + 1, c);
                    out.set(x, y, c, integral ? Math.round(sum / 4) : sum / 4);
                }
            }
        }
    }
}
