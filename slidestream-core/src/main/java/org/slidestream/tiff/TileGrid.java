package org.slidestream.tiff;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * An image stored as a grid of tiles that decode independently: a TIFF image's tiles or strips, or
 * a format's virtual tiles (NDPI's runs of restart intervals). {@link TiffSlide} reads levels made
 * of such grids through its tile cache.
 */
public interface TileGrid {
    int width();

    int height();

    int tileWidth();

    int tileHeight();

    /** Bands of a decoded tile. */
    int bands();

    PixelType type();

    default int tilesAcross() { return Math.ceilDiv(width(), tileWidth()); }

    default int tilesDown() { return Math.ceilDiv(height(), tileHeight()); }

    /** The tile's rectangle in image pixels, cut at the image edge. */
    default Region tileRegion(int tx, int ty) {
        int x = tx * tileWidth(), y = ty * tileHeight();
        return new Region(x, y, Math.min(tileWidth(), width() - x), Math.min(tileHeight(), height() - y));
    }

    /** Bytes of one decoded tile, for memory accounting. */
    default long tileBytes() {
        return (long) tileWidth() * tileHeight() * bands() * type().bytes();
    }

    /**
     * Decodes tile (tx, ty) into a new raster covering at least the tile's rectangle (from its
     * top-left corner), or returns null for a tile the file does not store (read as background).
     *
     * @throws org.slidestream.slide.CorruptSlideException when the tile's data is damaged
     */
    Raster decodeTile(int tx, int ty, JpegCodec jpeg, Jpeg2000Codec jpeg2000);
}
