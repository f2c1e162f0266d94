package org.slidestream.annotation;

/**
 * The pixel grid a mask is drawn on: its size and how many level-0 pixels one mask pixel spans
 * along each axis (a pyramid level's downsample, which for real slides differs slightly between
 * the axes). Mask pixel {@code (i, j)} covers level-0 pixels {@code [i * scaleX, (i + 1) * scaleX)}
 * and likewise in y, so masks of every resolution line up with the slide's own levels.
 */
public record MaskResolution(int width, int height, double scaleX, double scaleY) {
    public MaskResolution {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("mask size must be positive: " + width + "x" + height);
        if (!(scaleX > 0) || !(scaleY > 0)) throw new IllegalArgumentException("mask scale must be positive: " + scaleX + "x" + scaleY);
    }

    /** Full resolution. */
    public static MaskResolution level0(int width, int height) {
        return new MaskResolution(width, height, 1, 1);
    }

    /** An arbitrary downsample of a {@code width x height} level 0: {@code ceil(width / d)} pixels across. */
    public static MaskResolution downsample(long width, long height, double d) {
        if (!(d > 0)) throw new IllegalArgumentException("downsample must be positive: " + d);
        long w = (long) Math.ceil(width / d - 1e-9), h = (long) Math.ceil(height / d - 1e-9);
        if (w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) throw new IllegalArgumentException("mask of " + w + "x" + h + " pixels is too large");
        return new MaskResolution((int) Math.max(1, w), (int) Math.max(1, h), d, d);
    }

    /** A pyramid level of {@code levelWidth x levelHeight} pixels of a {@code width x height} level 0. */
    public static MaskResolution ofLevel(long width, long height, int levelWidth, int levelHeight) {
        return new MaskResolution(levelWidth, levelHeight, (double) width / levelWidth, (double) height / levelHeight);
    }

    /** Mask x of a level-0 x: pixel centres at integers, as OpenCV's drawing functions take them. */
    double x(double level0X) {
        return (level0X + 0.5) / scaleX - 0.5;
    }

    double y(double level0Y) {
        return (level0Y + 0.5) / scaleY - 0.5;
    }
}
