package org.slidestream.view.tile;

import org.slidestream.image.Region;

/**
 * The Deep Zoom pyramid of an image of {@code width x height} level-0 pixels, as OpenSeadragon and
 * OpenSlide's {@code DeepZoomGenerator} lay it out: level {@code maxLevel} is full resolution, each
 * level below halves it (rounding up) down to 1 x 1; tiles are {@code tileSize} pixels with
 * {@code overlap} extra pixels on every side that has a neighbour.
 */
public record DeepZoom(long width, long height, int tileSize, int overlap) {

    public DeepZoom {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (tileSize < 16 || tileSize > 4096) throw new IllegalArgumentException("tile size must be 16-4096: " + tileSize);
        if (overlap < 0 || overlap > tileSize / 4) throw new IllegalArgumentException("overlap must be 0-" + tileSize / 4 + ": " + overlap);
    }

    /** The highest level (full resolution): ceil(log2(max side)). */
    public int maxLevel() {
        long side = Math.max(width, height);
        int levels = 0;
        while (side > 1) {
            side = (side + 1) / 2;
            levels++;
        }
        return levels;
    }

    /** Level-0 pixels per pixel of {@code level}: 2^(maxLevel - level). */
    public double downsample(int level) {
        return Math.scalb(1.0, maxLevel() - level);
    }

    public long levelWidth(int level) {
        return ceilShift(width, maxLevel() - level);
    }

    public long levelHeight(int level) {
        return ceilShift(height, maxLevel() - level);
    }

    public long columns(int level) {
        return (levelWidth(level) + tileSize - 1) / tileSize;
    }

    public long rows(int level) {
        return (levelHeight(level) + tileSize - 1) / tileSize;
    }

    /** Whether the level and tile address exist. */
    public boolean contains(int level, long col, long row) {
        return level >= 0 && level <= maxLevel() && col >= 0 && row >= 0 && col < columns(level) && row < rows(level);
    }

    /**
     * The pixels of a tile in its level's pixels, overlap included (OpenSlide's
     * {@code _get_tile_info}: overlap on the sides that have a neighbour).
     */
    public Region tileRegion(int level, long col, long row) {
        if (!contains(level, col, row)) throw new IllegalArgumentException("no tile " + level + "/" + col + "_" + row);
        long x0 = col * tileSize - (col > 0 ? overlap : 0);
        long y0 = row * tileSize - (row > 0 ? overlap : 0);
        long x1 = Math.min(levelWidth(level), (col + 1) * tileSize + (col < columns(level) - 1 ? overlap : 0));
        long y1 = Math.min(levelHeight(level), (row + 1) * tileSize + (row < rows(level) - 1 ? overlap : 0));
        return new Region(Math.toIntExact(x0), Math.toIntExact(y0), Math.toIntExact(x1 - x0), Math.toIntExact(y1 - y0));
    }

    private static long ceilShift(long v, int shift) {
        return shift >= 63 ? 1 : Math.max(1, (v + (1L << shift) - 1) >> shift);
    }
}
