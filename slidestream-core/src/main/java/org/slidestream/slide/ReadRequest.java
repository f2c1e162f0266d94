package org.slidestream.slide;

/**
 * A region to read, in OpenSlide's convention: {@code x, y} are the top-left corner in level-0
 * pixels; {@code width, height} are pixels of the output, at the chosen {@link Resolution}.
 *
 * <p>At a pyramid level the pixels are the level's as stored. At any other resolution the reader
 * reads the best level (the largest downsample not above the requested one) and resamples by area
 * averaging, unless a level's pixel grid matches the requested one within half an output pixel over
 * the region.
 */
public record ReadRequest(int x, int y, int width, int height, Resolution resolution, Plane plane) {

    public ReadRequest {
        if (width < 0 || height < 0) throw new IllegalArgumentException("negative size " + width + "x" + height);
        if (resolution == null) throw new IllegalArgumentException("no resolution");
        if (plane == null) throw new IllegalArgumentException("no plane");
    }

    /** A region at a pyramid level, all channels, z = t = 0. */
    public static ReadRequest atLevel(int level, int x, int y, int width, int height) {
        return new ReadRequest(x, y, width, height, new Resolution.Level(level), Plane.FIRST);
    }

    /** A region at an arbitrary downsample of level 0, all channels, z = t = 0. */
    public static ReadRequest atDownsample(double downsample, int x, int y, int width, int height) {
        return new ReadRequest(x, y, width, height, new Resolution.Downsample(downsample), Plane.FIRST);
    }

    /** A region at a resolution, all channels, z = t = 0. */
    public static ReadRequest at(Resolution resolution, int x, int y, int width, int height) {
        return new ReadRequest(x, y, width, height, resolution, Plane.FIRST);
    }

    public ReadRequest withPlane(Plane p) { return new ReadRequest(x, y, width, height, resolution, p); }

    public ReadRequest withChannel(int c) { return withPlane(plane.withChannel(c)); }

    public ReadRequest withZ(int z) { return withPlane(plane.withZ(z)); }

    public ReadRequest withT(int t) { return withPlane(plane.withT(t)); }
}
