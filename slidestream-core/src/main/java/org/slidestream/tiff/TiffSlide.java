package org.slidestream.tiff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Plane;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.TiledSlide;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * A slide stored in one TIFF-like file (Aperio SVS, OME-TIFF, generic pyramidal TIFF, and the
 * vendor formats built on TIFF), on the tile engine: levels of planes, each plane made of one or
 * more tile grids whose bands together are the slide's channels (each grid a channel group of the
 * engine). A tile is a grid's tile: a TIFF tile or strip, or a format's virtual tile.
 */
public final class TiffSlide extends TiledSlide {
    /** One tile grid holding channels {@code firstChannel ..} of a plane. */
    public record Part(TileGrid image, int firstChannel) {
        int bands() { return image.bands(); }
    }

    /** A pyramid level: its geometry and, per plane ({@code t * sizeZ + z}), the grids holding its channels. */
    public record Level(LevelInfo info, List<List<Part>> planes) {}

    private final TiffFile file;
    private final List<Level> levels;
    private final Map<String, TileGrid> associated;
    private final JpegCodec jpeg;
    private final Jpeg2000Codec jpeg2000;

    /**
     * A slide of {@code levels} read from {@code file}, which it closes on {@link #close}.
     *
     * @param associated associated images by name, each a grid of 8-bit gray or RGB tiles
     */
    public TiffSlide(TiffFile file, SlideOptions options, SlideMetadata metadata, List<Level> levels, Map<String, ? extends TileGrid> associated) {
        super(file.path(), metadata, levels.stream().map(Level::info).toList(), channelGroups(file, levels), options);
        this.file = file;
        this.levels = onLevelGrids(levels, metadata.background());
        this.associated = new LinkedHashMap<>(associated);
        this.jpeg = Codecs.jpeg(options.allowNatives());
        this.jpeg2000 = Codecs.jpeg2000(options.allowNatives());
    }

    /** The bands of each grid of a plane, which every plane of every level must share. */
    private static List<Integer> channelGroups(TiffFile file, List<Level> levels) {
        List<Integer> groups = levels.get(0).planes().get(0).stream().map(Part::bands).toList();
        for (Level l : levels) {
            for (List<Part> plane : l.planes()) {
                if (!plane.stream().map(Part::bands).toList().equals(groups)) {
                    throw new UnsupportedSlideException(file.path(), "planes store their channels in different images " + groups);
                }
            }
        }
        return groups;
    }

    /**
     * The levels with every grid on its level's tile grid, as the engine reads a level: a grid
     * stored with other tiles (an OME-TIFF plane tiled differently from the first) is read through
     * {@link Regridded}, which assembles each level tile from the grid's own.
     */
    private static List<Level> onLevelGrids(List<Level> levels, double background) {
        List<Level> out = new ArrayList<>(levels.size());
        for (Level l : levels) {
            int tw = l.info().tileWidth(), th = l.info().tileHeight();
            List<List<Part>> planes = new ArrayList<>();
            for (List<Part> plane : l.planes()) {
                planes.add(plane.stream().map(p -> p.image().tileWidth() == tw && p.image().tileHeight() == th ? p
                        : new Part(new Regridded(p.image(), tw, th, background), p.firstChannel())).toList());
            }
            out.add(new Level(l.info(), List.copyOf(planes)));
        }
        return List.copyOf(out);
    }

    @Override public List<String> associatedImages() { return List.copyOf(associated.keySet()); }

    TiffFile file() { return file; }

    @Override
    protected Raster decodeTile(int level, Plane plane, int tileX, int tileY) {
        List<Part> parts = levels.get(level).planes().get(plane.t() * metadata().sizeZ() + plane.z());
        for (Part p : parts) {
            if (p.firstChannel() == plane.c()) return p.image().decodeTile(tileX, tileY, jpeg, jpeg2000);
        }
        throw new IllegalArgumentException("no image holds channels from " + plane.c());
    }

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
        budget().checkFits(Raster.byteSize(PixelType.UINT8, img.width(), img.height(), 3) + img.tileBytes(), "associated image '" + name + "'");
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
                    for (int b = 0; b < 3; b++) out.copyBandsFrom(tile, 0, 0, 0, tr.x(), tr.y(), b, 1, tr.width(), tr.height());
                }
            }
        }
        return out;
    }

    @Override
    protected void closeSource() {
        file.close();
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

    /**
     * A grid read on another tile grid: each tile assembled from the stored tiles it overlaps
     * (decoded for it, not cached), so that a level whose images are tiled differently still reads
     * on one grid; stored tiles missing from the file are {@code background}. Only for such uncommon
     * files; a level's images normally share their tiling.
     */
    record Regridded(TileGrid stored, int tileWidth, int tileHeight, double background) implements TileGrid {
        @Override public int width() { return stored.width(); }

        @Override public int height() { return stored.height(); }

        @Override public int bands() { return stored.bands(); }

        @Override public PixelType type() { return stored.type(); }

        @Override
        public Raster decodeTile(int tx, int ty, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
            Region want = tileRegion(tx, ty);
            Raster out = null;
            for (int sy = want.y() / stored.tileHeight(); sy <= (want.bottom() - 1) / stored.tileHeight(); sy++) {
                for (int sx = want.x() / stored.tileWidth(); sx <= (want.right() - 1) / stored.tileWidth(); sx++) {
                    Region sr = stored.tileRegion(sx, sy);
                    Region c = sr.intersect(want);
                    Raster tile = stored.decodeTile(sx, sy, jpeg, jpeg2000);
                    if (tile == null) continue;
                    if (out == null) {
                        out = Raster.create(type(), want.width(), want.height(), bands());
                        out.fill(background);
                    }
                    out.copyFrom(tile, c.x() - sr.x(), c.y() - sr.y(), c.x() - want.x(), c.y() - want.y(), c.width(), c.height());
                }
            }
            return out;
        }
    }
}
