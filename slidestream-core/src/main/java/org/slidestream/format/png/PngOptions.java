package org.slidestream.format.png;

/**
 * How to encode a PNG.
 *
 * @param level  Deflate level 0 (stored) to 9 (smallest); 6 is zlib's and Pillow's default,
 *               1 is several times faster for somewhat larger files
 * @param filter the row filter
 */
public record PngOptions(int level, PngFilter filter) {
    /** Pillow's defaults: level 6, adaptive filtering. */
    public static final PngOptions DEFAULT = new PngOptions(6, PngFilter.ADAPTIVE);
    /** For bulk output where speed matters more than size: level 1, Sub filter. */
    public static final PngOptions FAST = new PngOptions(1, PngFilter.SUB);

    public PngOptions {
        if (level < 0 || level > 9) throw new IllegalArgumentException("PNG compression level must be 0-9: " + level);
        if (filter == null) throw new IllegalArgumentException("filter is required");
    }
}
