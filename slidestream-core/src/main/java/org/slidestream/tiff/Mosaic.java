package org.slidestream.tiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * A level made of pieces of stored tiles placed anywhere on a plane: the regions of a Leica SCN
 * slide at their offsets on the glass, the overlapping camera tiles of a Ventana BIF. The plane is
 * read as a grid of square virtual tiles; each is the background with the pieces that touch it
 * painted in order (a later piece over an earlier one), and a virtual tile no piece touches is not
 * stored (read as background without decoding anything).
 */
public final class Mosaic implements TileGrid {
    /**
     * A rectangle {@code (cropX, cropY, width, height)} of tile {@code (tx, ty)} of {@code source},
     * painted with its top-left corner at {@code (x, y)} of the plane.
     */
    public record Piece(TileGrid source, int tx, int ty, int cropX, int cropY, int width, int height, long x, long y) {}

    private record SourceTile(TileGrid source, int tx, int ty) {}

    private final int width;
    private final int height;
    private final int tile;
    private final int bands;
    private final PixelType type;
    private final double background;
    private final int across;
    /** Per virtual tile (row-major), the pieces that touch it, in painting order. */
    private final Map<Integer, List<Piece>> byTile = new HashMap<>();

    public Mosaic(int width, int height, int tile, int bands, PixelType type, double background, List<Piece> pieces) {
        this.width = width;
        this.height = height;
        this.tile = tile;
        this.bands = bands;
        this.type = type;
        this.background = background;
        this.across = Math.ceilDiv(width, tile);
        int down = Math.ceilDiv(height, tile);
        for (Piece p : pieces) {
            long x0 = Math.max(0, p.x()), y0 = Math.max(0, p.y());
            long x1 = Math.min(width, p.x() + p.width()), y1 = Math.min(height, p.y() + p.height());
            if (x1 <= x0 || y1 <= y0) continue;
            for (long ty = y0 / tile; ty <= (y1 - 1) / tile && ty < down; ty++) {
                for (long tx = x0 / tile; tx <= (x1 - 1) / tile && tx < across; tx++) {
                    byTile.computeIfAbsent((int) (ty * across + tx), k -> new ArrayList<>()).add(p);
                }
            }
        }
    }

    @Override public int width() { return width; }

    @Override public int height() { return height; }

    @Override public int tileWidth() { return tile; }

    @Override public int tileHeight() { return tile; }

    @Override public int bands() { return bands; }

    @Override public PixelType type() { return type; }

    /** Whether any piece touches virtual tile (tx, ty). */
    public boolean stored(int tx, int ty) {
        return byTile.containsKey(ty * across + tx);
    }

    @Override
    public Raster decodeTile(int tx, int ty, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
        List<Piece> pieces = byTile.get(ty * across + tx);
        if (pieces == null) return null;
        Region t = tileRegion(tx, ty);
        Raster out = Raster.create(type, t.width(), t.height(), bands);
        out.fill(background);
        Map<SourceTile, Raster> sourceTiles = new HashMap<>(); // pieces of one stored tile decode it once
        for (Piece p : pieces) {
            SourceTile key = new SourceTile(p.source(), p.tx(), p.ty());
            Raster src = sourceTiles.get(key);
            if (src == null && !sourceTiles.containsKey(key)) {
                src = p.source().decodeTile(p.tx(), p.ty(), jpeg, jpeg2000);
                sourceTiles.put(key, src);
            }
            if (src == null) continue; // a tile the file does not store: background
            long x0 = Math.max(t.x(), p.x()), y0 = Math.max(t.y(), p.y());
            long x1 = Math.min(t.right(), p.x() + p.width()), y1 = Math.min(t.bottom(), p.y() + p.height());
            if (x1 <= x0 || y1 <= y0) continue;
            out.copyBandsFrom(src, (int) (p.cropX() + x0 - p.x()), (int) (p.cropY() + y0 - p.y()), 0, (int) (x0 - t.x()), (int) (y0 - t.y()),
                    0, bands, (int) (x1 - x0), (int) (y1 - y0));
        }
        return out;
    }

    /** The pieces of a whole tiled image placed with its top-left corner at (x, y). */
    public static List<Piece> whole(TileGrid image, long x, long y) {
        List<Piece> out = new ArrayList<>();
        for (int ty = 0; ty < image.tilesDown(); ty++) {
            for (int tx = 0; tx < image.tilesAcross(); tx++) {
                Region r = image.tileRegion(tx, ty);
                out.add(new Piece(image, tx, ty, 0, 0, r.width(), r.height(), x + r.x(), y + r.y()));
            }
        }
        return out;
    }
}
