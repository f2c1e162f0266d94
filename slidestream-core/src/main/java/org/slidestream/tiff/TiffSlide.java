package org.slidestream.tiff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * A slide stored in one TIFF-like file (Aperio SVS, OME-TIFF, generic pyramidal TIFF, and the
 * vendor formats built on TIFF): levels of planes, each plane made of one or more tile grids whose
 * bands together are the slide's channels. Tiles are decoded on demand through the run's
 * {@link TileCache}; reads are thread-safe.
 */
public final class TiffSlide implements Slide {
    /** One tile grid holding channels {@code firstChannel ..} of a plane. */
    public record Part(TileGrid image, int firstChannel) {
        int bands() { return image.bands(); }
    }

    /** A pyramid level: its geometry and, per plane ({@code t * sizeZ + z}), the grids holding its channels. */
    public record Level(LevelInfo info, List<List<Part>> planes) {}

    /** Cache key of a decoded tile; {@code slide} is this slide's identity, so keys never collide across slides. */
    private record TileKey(Object slide, int level, int plane, int part, int tile) {}

    /** Marks a tile the file does not store (read as background) in the cache. */
    private static final Raster MISSING = Raster.create(PixelType.UINT8, 1, 1, 1);

    private final TiffFile file;
    private final SlideMetadata metadata;
    private final List<Level> levels;
    private final List<LevelInfo> levelInfos;
    private final Map<String, TileGrid> associated;
    private final TileCache cache;
    private final MemoryBudget budget;
    private final JpegCodec jpeg;
    private final Jpeg2000Codec jpeg2000;
    private final Object identity = new Object();
    private final double background;
    private final long[] maxTileBytes;
    private volatile boolean closed;

    /**
     * A slide of {@code levels} read from {@code file}, which it closes on {@link #close}.
     *
     * @param associated associated images by name, each a grid of 8-bit gray or RGB tiles
     */
    public TiffSlide(TiffFile file, SlideOptions options, SlideMetadata metadata, List<Level> levels, Map<String, ? extends TileGrid> associated) {
        this.file = file;
        this.metadata = metadata;
        this.levels = List.copyOf(levels);
        this.levelInfos = levels.stream().map(Level::info).toList();
        this.associated = new LinkedHashMap<>(associated);
        this.cache = options.cache();
        this.budget = options.budget();
        this.jpeg = Codecs.jpeg(options.allowNatives());
        this.jpeg2000 = Codecs.jpeg2000(options.allowNatives());
        this.background = metadata.background();
        this.maxTileBytes = new long[levels.size()];
        for (int l = 0; l < levels.size(); l++) {
            for (List<Part> plane : levels.get(l).planes()) {
                for (Part p : plane) maxTileBytes[l] = Math.max(maxTileBytes[l], p.image().tileBytes());
            }
        }
    }

    @Override public Path path() { return file.path(); }

    @Override public SlideMetadata metadata() { return metadata; }

    @Override public List<LevelInfo> levels() { return levelInfos; }

    @Override public List<String> associatedImages() { return List.copyOf(associated.keySet()); }

    TiffFile file() { return file; }

    @Override
    public Raster readAssociated(String name) {
        checkOpen();
        TileGrid img = associated.get(name);
        if (img == null) {
            throw new IllegalArgumentException(path().getFileName() + ": no associated image '" + name + "' (has " + associated.keySet() + ")");
        }
        if (img.type() != PixelType.UINT8 || (img.bands() != 1 && img.bands() != 3)) {
            throw new UnsupportedSlideException(path(), "associated image '" + name + "' is " + img.bands() + " bands of " + img.type() + ", not 8-bit RGB");
        }
        budget.checkFits(Raster.byteSize(PixelType.UINT8, img.width(), img.height(), 3) + img.tileBytes(), "associated image '" + name + "'");
        Raster out = Raster.create(PixelType.UINT8, img.width(), img.height(), 3);
        for (int ty = 0; ty < img.tilesDown(); ty++) {
            for (int tx = 0; tx < img.tilesAcross(); tx++) {
                Region tr = img.tileRegion(tx, ty);
                Raster tile = img.decodeTile(tx, ty, jpeg, jpeg2000);
                if (tile == null) {
                    out.fill(tr, 255);
                } else if (img.bands() == 3) {
                    out.copyFrom(tile, 0, 0, tr.x(), tr.y(), tr.width(), tr.height());
                } else {
                    for (int b = 0; b < 3; b++) Bands.copy(tile, 0, 0, 0, out, tr.x(), tr.y(), b, 1, tr.width(), tr.height());
                }
            }
        }
        return out;
    }

    @Override
    public Raster readRegion(ReadRequest request) {
        int bands = request.channel() == ReadRequest.ALL_CHANNELS ? metadata.sizeC() : 1;
        budget.checkFits(Raster.byteSize(metadata.pixelType(), request.width(), request.height(), bands), "region " + request.width() + "x" + request.height());
        return Slide.super.readRegion(request);
    }

    @Override
    public void readRegion(ReadRequest request, Raster dest) {
        checkOpen();
        int bands = checkRequest(request.channel(), request.z(), request.t(), dest, request.width(), request.height());
        if (request.width() == 0 || request.height() == 0) return;
        if (request.byLevel()) {
            LevelInfo li = level(request.level());
            Region r = new Region(levelCoordinate(request.x(), li.downsample()), levelCoordinate(request.y(), li.downsample()),
                    request.width(), request.height());
            readLevelRegion(request.level(), r, request.channel(), request.z(), request.t(), dest);
            return;
        }
        int best = bestLevelForDownsample(request.downsample());
        int exact = levelOnTheGrid(request);
        if (exact >= 0) best = exact;
        double levelDownsample = levelInfos.get(best).downsample();
        double factor = request.downsample() / levelDownsample;
        if (exact >= 0) {
            Region r = new Region(levelCoordinate(request.x(), levelDownsample), levelCoordinate(request.y(), levelDownsample),
                    request.width(), request.height());
            readLevelRegion(best, r, request.channel(), request.z(), request.t(), dest);
            return;
        }
        Resampler.read(this, best, request.x() / levelDownsample, request.y() / levelDownsample, factor,
                request.width(), request.height(), request.channel(), request.z(), request.t(), bands, dest);
    }

    /**
     * A level whose pixel grid stays within half an output pixel of the requested one over the
     * whole region (a downsample as printed, 2.0005, or a round one, 2, for a level at 2.00051),
     * read as stored instead of resampled by a factor of almost 1; -1 when there is none.
     */
    private int levelOnTheGrid(ReadRequest request) {
        int side = Math.max(request.width(), request.height());
        for (int i = levelInfos.size() - 1; i >= 0; i--) {
            double factor = request.downsample() / levelInfos.get(i).downsample();
            if (Math.abs(factor - 1) * side < 0.5) return i;
        }
        return -1;
    }

    /** The level pixel a level-0 coordinate falls on (nearest, so that {@code round(i * ds)} maps back to {@code i}). */
    static int levelCoordinate(int level0, double downsample) {
        return (int) Math.floor(level0 / downsample + 0.5);
    }

    @Override
    public void readLevelRegion(int level, Region region, int channel, int z, int t, Raster dest) {
        checkOpen();
        level(level);
        checkRequest(channel, z, t, dest, region.width(), region.height());
        if (region.isEmpty()) return;
        try (Reservation r = budget.reserve(maxTileBytes(level), "tile buffer")) {
            readLevel(level, region, channel, z, t, dest, 0, 0);
        }
    }

    /** Largest decoded tile of a level, reserved while tiles are in flight. */
    long maxTileBytes(int level) {
        return maxTileBytes[level];
    }

    /**
     * Reads level pixels of {@code region} into {@code dest} at {@code (dx, dy)}; parts outside the
     * level are background. The caller has checked the arguments and reserved the tile buffer.
     */
    void readLevel(int level, Region region, int channel, int z, int t, Raster dest, int dx, int dy) {
        Level l = levels.get(level);
        int plane = t * metadata.sizeZ() + z;
        List<Part> parts = l.planes().get(plane);
        Region bounds = new Region(0, 0, l.info().width(), l.info().height());
        Region inside = region.intersect(bounds);
        if (!bounds.contains(region)) {
            dest.fill(new Region(dx, dy, region.width(), region.height()), background);
        }
        if (inside.isEmpty()) return;
        for (int pi = 0; pi < parts.size(); pi++) {
            Part part = parts.get(pi);
            int srcBand, destBand, n;
            if (channel == ReadRequest.ALL_CHANNELS) {
                srcBand = 0;
                destBand = part.firstChannel();
                n = part.bands();
            } else if (channel >= part.firstChannel() && channel < part.firstChannel() + part.bands()) {
                srcBand = channel - part.firstChannel();
                destBand = 0;
                n = 1;
            } else {
                continue;
            }
            TileGrid img = part.image();
            int tx0 = inside.x() / img.tileWidth(), tx1 = (inside.right() - 1) / img.tileWidth();
            int ty0 = inside.y() / img.tileHeight(), ty1 = (inside.bottom() - 1) / img.tileHeight();
            for (int ty = ty0; ty <= ty1; ty++) {
                for (int tx = tx0; tx <= tx1; tx++) {
                    Region tr = img.tileRegion(tx, ty);
                    Region c = tr.intersect(inside);
                    if (c.isEmpty()) continue;
                    Raster tile = tile(level, plane, pi, img, tx, ty);
                    int ox = dx + c.x() - region.x(), oy = dy + c.y() - region.y();
                    if (tile == MISSING) {
                        Bands.fill(dest, ox, oy, destBand, n, c.width(), c.height(), background);
                    } else {
                        Bands.copy(tile, c.x() - tr.x(), c.y() - tr.y(), srcBand, dest, ox, oy, destBand, n, c.width(), c.height());
                    }
                }
            }
        }
    }

    private Raster tile(int level, int plane, int part, TileGrid img, int tx, int ty) {
        TileKey key = new TileKey(identity, level, plane, part, ty * img.tilesAcross() + tx);
        return cache.get(key, () -> {
            checkOpen();
            Raster r = img.decodeTile(tx, ty, jpeg, jpeg2000);
            return r == null ? MISSING : r;
        });
    }

    /** Validates a read; returns the band count {@code dest} must have. */
    private int checkRequest(int channel, int z, int t, Raster dest, int width, int height) {
        if (channel != ReadRequest.ALL_CHANNELS && (channel < 0 || channel >= metadata.sizeC())) {
            throw new IllegalArgumentException(path().getFileName() + ": no channel " + channel + " (channels 0.." + (metadata.sizeC() - 1) + ")");
        }
        if (z < 0 || z >= metadata.sizeZ()) {
            throw new IllegalArgumentException(path().getFileName() + ": no z " + z + " (0.." + (metadata.sizeZ() - 1) + ")");
        }
        if (t < 0 || t >= metadata.sizeT()) {
            throw new IllegalArgumentException(path().getFileName() + ": no t " + t + " (0.." + (metadata.sizeT() - 1) + ")");
        }
        int bands = channel == ReadRequest.ALL_CHANNELS ? metadata.sizeC() : 1;
        if (dest.bands() != bands || dest.type() != metadata.pixelType() || dest.width() < width || dest.height() < height) {
            throw new IllegalArgumentException("destination " + dest.width() + "x" + dest.height() + "x" + dest.bands() + " " + dest.type()
                    + " does not fit a read of " + width + "x" + height + "x" + bands + " " + metadata.pixelType());
        }
        return bands;
    }

    MemoryBudget budget() { return budget; }

    double background() { return background; }

    private void checkOpen() {
        if (closed) throw new SlideException(path(), "slide is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        cache.invalidate(k -> k instanceof TileKey tk && tk.slide() == identity);
        file.close();
    }

    @Override
    public String toString() {
        return "TiffSlide[" + path().getFileName() + ", " + metadata.format() + ", " + levelInfos.size() + " levels]";
    }

    /** Level infos in OpenSlide's way: downsample = level-0 size / level size, averaged over x and y. */
    public static LevelInfo levelInfo(TileGrid level0, TileGrid img) {
        double ds = ((double) level0.width() / img.width() + (double) level0.height() / img.height()) / 2;
        return new LevelInfo(img.width(), img.height(), Math.max(1.0, ds), img.tileWidth(), img.tileHeight());
    }

    /** Sorts pyramid candidates by decreasing width. */
    static List<TiffImage> byDecreasingSize(List<TiffImage> images) {
        List<TiffImage> out = new ArrayList<>(images);
        out.sort((a, b) -> Long.compare((long) b.width * b.height, (long) a.width * a.height));
        return out;
    }
}
