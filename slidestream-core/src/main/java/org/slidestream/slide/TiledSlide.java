package org.slidestream.slide;

import java.nio.file.Path;
import java.util.List;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;
import org.slidestream.memory.TileCache;

/**
 * The tile engine every slide format is built on. A format supplies its metadata, its levels and
 * one method, {@link #decodeTile}, that decodes one stored tile; the engine does the rest, the same
 * way for every format: the run's {@link TileCache} (each tile decoded once however many threads
 * ask for it at once, cached tiles shared as read-only views), the budget reservation of the tiles
 * in flight, background outside the image and for tiles the file does not store, resampling to any
 * downsample, routing of channels, Z sections and time points, and the checks of every request.
 *
 * <p>A format's storage may keep channels apart: a level's tile then decodes as several groups of
 * channels (one image per channel in an OME-TIFF, one band each), and a read of one channel decodes
 * only its group. The default is one group of all channels (RGB brightfield).
 *
 * <p>A new format is an {@link SlideOpener} (its probe and its parsing) and a subclass of this class
 * in its own package. Subclasses must be thread-safe: {@link #decodeTile} is called from many
 * threads at once (never twice at once for the same tile while it is being cached).
 */
public abstract class TiledSlide implements Slide {
    /** Cache key of a decoded tile; {@code slide} is this slide's identity, so keys never collide across slides. */
    private record TileKey(Object slide, int level, Plane plane, int tileX, int tileY) {}

    /** Marks a tile the file does not store (read as background) in the cache. */
    private static final Raster MISSING = Raster.create(PixelType.UINT8, 1, 1, 1).readOnlyView();

    private final Path path;
    private final SlideMetadata metadata;
    private final List<LevelInfo> levels;
    private final int[] groupFirst;
    private final int[] groupBands;
    private final TileCache cache;
    private final MemoryBudget budget;
    private final Object identity = new Object();
    private final double background;
    private final long[] maxTileBytes;
    private volatile boolean closed;

    /** A slide whose tiles hold all its channels. */
    protected TiledSlide(Path path, SlideMetadata metadata, List<LevelInfo> levels, SlideOptions options) {
        this(path, metadata, levels, List.of(metadata.sizeC()), options);
    }

    /**
     * A slide whose channels are stored in groups decoded apart.
     *
     * @param levels        level 0 first, downsamples increasing; each level's tile size is its tile grid
     * @param channelGroups the channel count of each group, in channel order, summing to the slide's channels
     * @param options       the run's budget and tile cache, shared with the other slides of the run
     */
    protected TiledSlide(Path path, SlideMetadata metadata, List<LevelInfo> levels, List<Integer> channelGroups, SlideOptions options) {
        if (levels.isEmpty()) throw new IllegalArgumentException(path.getFileName() + ": a slide needs at least one level");
        this.path = path;
        this.metadata = metadata;
        this.levels = List.copyOf(levels);
        this.groupFirst = new int[channelGroups.size()];
        this.groupBands = new int[channelGroups.size()];
        int c = 0;
        for (int g = 0; g < channelGroups.size(); g++) {
            int n = channelGroups.get(g);
            if (n < 1) throw new IllegalArgumentException("a channel group must hold at least one channel: " + channelGroups);
            groupFirst[g] = c;
            groupBands[g] = n;
            c += n;
        }
        if (c != metadata.sizeC()) {
            throw new IllegalArgumentException("channel groups " + channelGroups + " do not add up to " + metadata.sizeC() + " channels");
        }
        this.cache = options.cache();
        this.budget = options.budget();
        this.background = metadata.background();
        this.maxTileBytes = new long[levels.size()];
        int widest = 0;
        for (int n : groupBands) widest = Math.max(widest, n);
        for (int l = 0; l < levels.size(); l++) {
            LevelInfo li = levels.get(l);
            maxTileBytes[l] = Raster.byteSize(metadata.pixelType(), li.tileWidth(), li.tileHeight(), widest);
        }
    }

    /**
     * Decodes one stored tile: the tile at column {@code tileX}, row {@code tileY} of the level's
     * tile grid ({@link LevelInfo#tileWidth()} x {@link LevelInfo#tileHeight()}), of the channel
     * group that starts at channel {@code plane.c()} (0 when the slide has one group), section
     * {@code plane.z()} and time point {@code plane.t()}.
     *
     * <p>Returns a new raster of the slide's pixel type with the group's channels as bands, at least
     * as large as the part of the tile inside the level (edge tiles may be stored whole, padded, or
     * cut), which the engine owns from then on; or null for a tile the file does not store, which
     * reads as the background. Called from many threads at once.
     *
     * @throws SlideException (usually {@link CorruptSlideException}) naming the tile when its data is damaged
     */
    protected abstract Raster decodeTile(int level, Plane plane, int tileX, int tileY);

    /**
     * Optional fast path: decodes only part of a tile straight into the destination, when a read
     * needs less than the whole tile and the tile is not in the cache (a JPEG decoder can skip the
     * rows and columns outside {@code part}). The engine calls it only when {@code dest} takes all of
     * the group's channels as its bands; what it writes is not cached.
     *
     * <p>Writes the pixels of {@code part} (a rectangle of the tile in tile pixels, inside the level)
     * into {@code dest} at {@code (dx, dy)}, identical to the same pixels of {@link #decodeTile}'s
     * raster when {@code scale} is 1. With {@code scale} 2, 4 or 8 (reduced-scale decoding, for
     * reads that accept the decoder's own downscaling, such as JPEG's scaled inverse DCT) it writes
     * {@code ceil(part.width / scale) x ceil(part.height / scale)} pixels instead, each standing for
     * {@code scale x scale} tile pixels; {@code part}'s origin is then a multiple of {@code scale}.
     * The engine asks for scale 1 today.
     *
     * @return true when done; false to let the engine decode the whole tile with {@link #decodeTile}
     *         (the default, and what to answer for a tile the file does not store)
     */
    protected boolean decodeTilePart(int level, Plane plane, int tileX, int tileY, Region part, int scale, Raster dest, int dx, int dy) {
        return false;
    }

    /** Releases what the format holds open (files); called once, by {@link #close}. */
    protected void closeSource() {}

    @Override public final Path path() { return path; }

    @Override public final SlideMetadata metadata() { return metadata; }

    @Override public final List<LevelInfo> levels() { return levels; }

    /** The run's memory budget, for a format's own reads (associated images). */
    protected final MemoryBudget budget() { return budget; }

    /** Throws when the slide is closed. */
    protected final void checkOpen() {
        if (closed) throw new SlideException(path, "slide is closed");
    }

    @Override
    public Raster readRegion(ReadRequest request) {
        int bands = request.plane().bands(metadata.sizeC());
        budget.checkFits(Raster.byteSize(metadata.pixelType(), request.width(), request.height(), bands),
                "region " + request.width() + "x" + request.height());
        return Slide.super.readRegion(request);
    }

    @Override
    public final void readRegion(ReadRequest request, Raster dest) {
        checkOpen();
        Plane plane = request.plane();
        int bands = checkRequest(plane, dest, request.width(), request.height());
        if (request.width() == 0 || request.height() == 0) return;
        if (request.resolution() instanceof Resolution.Level(int level)) {
            LevelInfo li = level(level);
            Region r = new Region(levelCoordinate(request.x(), li.downsample()), levelCoordinate(request.y(), li.downsample()),
                    request.width(), request.height());
            readLevelRegion(level, r, plane, dest);
            return;
        }
        double ds = request.resolution().downsample(metadata.mppX(), metadata.magnification(), path.getFileName().toString());
        int best = bestLevelForDownsample(ds);
        int exact = levelOnTheGrid(ds, Math.max(request.width(), request.height()));
        if (exact >= 0) best = exact;
        double levelDownsample = levels.get(best).downsample();
        if (exact >= 0) {
            Region r = new Region(levelCoordinate(request.x(), levelDownsample), levelCoordinate(request.y(), levelDownsample),
                    request.width(), request.height());
            readLevelRegion(best, r, plane, dest);
            return;
        }
        Resampler.read(this, best, request.x() / levelDownsample, request.y() / levelDownsample, ds / levelDownsample,
                request.width(), request.height(), plane, bands, dest);
    }

    /**
     * A level whose pixel grid stays within half an output pixel of the requested one over the
     * whole region (a downsample as printed, 2.0005, or a round one, 2, for a level at 2.00051),
     * read as stored instead of resampled by a factor of almost 1; -1 when there is none.
     */
    private int levelOnTheGrid(double downsample, int side) {
        for (int i = levels.size() - 1; i >= 0; i--) {
            double factor = downsample / levels.get(i).downsample();
            if (Math.abs(factor - 1) * side < 0.5) return i;
        }
        return -1;
    }

    /** The level pixel a level-0 coordinate falls on (nearest, so that {@code round(i * ds)} maps back to {@code i}). */
    static int levelCoordinate(int level0, double downsample) {
        return (int) Math.floor(level0 / downsample + 0.5);
    }

    @Override
    public final void readLevelRegion(int level, Region region, Plane plane, Raster dest) {
        checkOpen();
        level(level);
        checkRequest(plane, dest, region.width(), region.height());
        if (region.isEmpty()) return;
        try (Reservation r = budget.reserve(maxTileBytes(level), "tile buffer")) {
            readLevel(level, region, plane, dest, 0, 0);
        }
    }

    /** Largest decoded tile of a level, reserved while tiles are in flight. */
    final long maxTileBytes(int level) {
        return maxTileBytes[level];
    }

    /**
     * Reads level pixels of {@code region} into {@code dest} at {@code (dx, dy)}; parts outside the
     * level are background. The caller has checked the arguments and reserved the tile buffer.
     */
    final void readLevel(int level, Region region, Plane plane, Raster dest, int dx, int dy) {
        LevelInfo li = levels.get(level);
        Region bounds = new Region(0, 0, li.width(), li.height());
        Region inside = region.intersect(bounds);
        if (!bounds.contains(region)) {
            dest.fill(new Region(dx, dy, region.width(), region.height()), background);
        }
        if (inside.isEmpty()) return;
        int tw = li.tileWidth(), th = li.tileHeight();
        int tx0 = inside.x() / tw, tx1 = (inside.right() - 1) / tw;
        int ty0 = inside.y() / th, ty1 = (inside.bottom() - 1) / th;
        for (int g = 0; g < groupFirst.length; g++) {
            int srcBand, destBand, n;
            if (plane.allChannels()) {
                srcBand = 0;
                destBand = groupFirst[g];
                n = groupBands[g];
            } else if (plane.c() >= groupFirst[g] && plane.c() < groupFirst[g] + groupBands[g]) {
                srcBand = plane.c() - groupFirst[g];
                destBand = 0;
                n = 1;
            } else {
                continue;
            }
            Plane stored = new Plane(groupFirst[g], plane.z(), plane.t());
            boolean direct = n == groupBands[g] && n == dest.bands();
            for (int ty = ty0; ty <= ty1; ty++) {
                for (int tx = tx0; tx <= tx1; tx++) {
                    int x = tx * tw, y = ty * th;
                    Region tr = new Region(x, y, Math.min(tw, li.width() - x), Math.min(th, li.height() - y));
                    Region c = tr.intersect(inside);
                    if (c.isEmpty()) continue;
                    int ox = dx + c.x() - region.x(), oy = dy + c.y() - region.y();
                    TileKey key = new TileKey(identity, level, stored, tx, ty);
                    Raster tile = null;
                    if (direct && !c.equals(tr)) {
                        tile = cache.peek(key);
                        if (tile == null && decodeTilePart(level, stored, tx, ty, c.translate(-x, -y), 1, dest, ox, oy)) continue;
                    }
                    if (tile == null) tile = tile(key, tr);
                    if (tile == MISSING) {
                        dest.fillBands(ox, oy, destBand, n, c.width(), c.height(), background);
                    } else {
                        dest.copyBandsFrom(tile, c.x() - x, c.y() - y, srcBand, ox, oy, destBand, n, c.width(), c.height());
                    }
                }
            }
        }
    }

    private Raster tile(TileKey key, Region inLevel) {
        return cache.get(key, () -> {
            checkOpen();
            Raster r = decodeTile(key.level(), key.plane(), key.tileX(), key.tileY());
            if (r == null) return MISSING;
            int bands = groupBands[groupOf(key.plane().c())];
            if (r.type() != metadata.pixelType() || r.bands() != bands || r.width() < inLevel.width() || r.height() < inLevel.height()) {
                throw new IllegalStateException(this + ": tile " + key.tileX() + "," + key.tileY() + " of level " + key.level() + " decoded as "
                        + r + ", not " + inLevel.width() + "x" + inLevel.height() + "x" + bands + " " + metadata.pixelType());
            }
            return r;
        });
    }

    private int groupOf(int firstChannel) {
        for (int g = 0; g < groupFirst.length; g++) if (groupFirst[g] == firstChannel) return g;
        throw new IllegalStateException("no channel group starts at " + firstChannel);
    }

    /** Validates a read; returns the band count {@code dest} must have. */
    private int checkRequest(Plane plane, Raster dest, int width, int height) {
        if (!plane.allChannels() && plane.c() >= metadata.sizeC()) {
            throw new IllegalArgumentException(path.getFileName() + ": no channel " + plane.c() + " (channels 0.." + (metadata.sizeC() - 1) + ")");
        }
        if (plane.z() >= metadata.sizeZ()) {
            throw new IllegalArgumentException(path.getFileName() + ": no z " + plane.z() + " (0.." + (metadata.sizeZ() - 1) + ")");
        }
        if (plane.t() >= metadata.sizeT()) {
            throw new IllegalArgumentException(path.getFileName() + ": no t " + plane.t() + " (0.." + (metadata.sizeT() - 1) + ")");
        }
        int bands = plane.bands(metadata.sizeC());
        if (dest.bands() != bands || dest.type() != metadata.pixelType() || dest.width() < width || dest.height() < height) {
            throw new IllegalArgumentException("destination " + dest.width() + "x" + dest.height() + "x" + dest.bands() + " " + dest.type()
                    + " does not fit a read of " + width + "x" + height + "x" + bands + " " + metadata.pixelType());
        }
        return bands;
    }

    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        cache.invalidate(k -> k instanceof TileKey tk && tk.slide() == identity);
        closeSource();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path.getFileName() + ", " + metadata.format() + ", " + levels.size() + " levels]";
    }
}
