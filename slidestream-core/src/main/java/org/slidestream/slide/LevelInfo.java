package org.slidestream.slide;

/**
 * One pyramid level: its size in pixels, its downsample relative to level 0 (may be non-integer,
 * for example 2.0005 on Aperio slides), and the size of the tiles it is stored in (for stripped
 * images the strip width and height).
 */
public record LevelInfo(int width, int height, double downsample, int tileWidth, int tileHeight) {
    public LevelInfo {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("level size must be positive: " + width + "x" + height);
        if (!(downsample >= 1.0 - 1e-9)) throw new IllegalArgumentException("downsample must be >= 1: " + downsample);
        if (tileWidth <= 0 || tileHeight <= 0) throw new IllegalArgumentException("tile size must be positive");
    }
}
