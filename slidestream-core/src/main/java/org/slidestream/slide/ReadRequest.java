package org.slidestream.slide;

/**
 * A region to read, in OpenSlide's convention: {@code x, y} are the top-left corner in level-0
 * pixels; {@code width, height} are pixels of the output, at the chosen level or downsample.
 *
 * <p>Exactly one of {@code level} (>= 0) and {@code downsample} (> 0, with level -1) chooses the
 * resolution. At an arbitrary downsample the reader reads the best level (the largest downsample
 * not above the requested one) and resamples by area averaging.
 *
 * @param channel a channel index, or {@link #ALL_CHANNELS} for every channel as interleaved bands
 * @param z       Z section
 * @param t       time point
 */
public record ReadRequest(int x, int y, int width, int height, int level, double downsample, int channel, int z, int t) {
    public static final int ALL_CHANNELS = -1;

    public ReadRequest {
        if (width < 0 || height < 0) throw new IllegalArgumentException("negative size " + width + "x" + height);
        if (level < 0 && !(downsample > 0)) throw new IllegalArgumentException("choose a level (>= 0) or a downsample (> 0)");
        if (level >= 0 && downsample > 0) throw new IllegalArgumentException("choose a level or a downsample, not both");
        if (channel < ALL_CHANNELS || z < 0 || t < 0) throw new IllegalArgumentException("bad channel/z/t: " + channel + "/" + z + "/" + t);
    }

    /** A region at a pyramid level, all channels, z = t = 0. */
    public static ReadRequest atLevel(int level, int x, int y, int width, int height) {
        return new ReadRequest(x, y, width, height, level, 0, ALL_CHANNELS, 0, 0);
    }

    /** A region at an arbitrary downsample of level 0, all channels, z = t = 0. */
    public static ReadRequest atDownsample(double downsample, int x, int y, int width, int height) {
        return new ReadRequest(x, y, width, height, -1, downsample, ALL_CHANNELS, 0, 0);
    }

    public ReadRequest withChannel(int c) { return new ReadRequest(x, y, width, height, level, downsample, c, z, t); }

    public ReadRequest withZ(int newZ) { return new ReadRequest(x, y, width, height, level, downsample, channel, newZ, t); }

    public ReadRequest withT(int newT) { return new ReadRequest(x, y, width, height, level, downsample, channel, z, newT); }

    public boolean byLevel() { return level >= 0; }
}
