package org.slidestream.image;

/**
 * Shape of an image that a {@link TileSource} produces: size, samples per pixel, sample type and
 * the tile size it computes most efficiently (sinks request tiles of this size when they can).
 */
public record ImageInfo(int width, int height, int bands, PixelType pixelType, int tileWidth, int tileHeight) {
    public ImageInfo {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (bands < 1) throw new IllegalArgumentException("bands must be >= 1: " + bands);
        if (tileWidth < 1 || tileHeight < 1) throw new IllegalArgumentException("tile size must be positive");
    }

    public Region bounds() { return new Region(0, 0, width, height); }

    public int tilesAcross() { return Math.ceilDiv(width, tileWidth); }

    public int tilesDown() { return Math.ceilDiv(height, tileHeight); }

    /** The tile at column {@code tx}, row {@code ty}, cut to the image edge. */
    public Region tile(int tx, int ty) {
        int x = tx * tileWidth, y = ty * tileHeight;
        return new Region(x, y, Math.min(tileWidth, width - x), Math.min(tileHeight, height - y));
    }

    public ImageInfo withTileSize(int tw, int th) {
        return new ImageInfo(width, height, bands, pixelType, tw, th);
    }
}
