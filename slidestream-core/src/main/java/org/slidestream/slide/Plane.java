package org.slidestream.slide;

/**
 * Which plane of a slide to read: a channel (or {@link #ALL_CHANNELS}, every channel as interleaved
 * bands), a Z section and a time point. Brightfield slides have one plane of all channels,
 * {@link #FIRST}.
 *
 * @param c a channel index, or {@link #ALL_CHANNELS}
 * @param z Z section (focal plane)
 * @param t time point
 */
public record Plane(int c, int z, int t) {
    public static final int ALL_CHANNELS = -1;
    /** Every channel of the first Z section and time point: the plane of a 2D slide. */
    public static final Plane FIRST = new Plane(ALL_CHANNELS, 0, 0);

    public Plane {
        if (c < ALL_CHANNELS || z < 0 || t < 0) throw new IllegalArgumentException("bad channel/z/t: " + c + "/" + z + "/" + t);
    }

    /** Every channel of section {@code z} at time {@code t}. */
    public static Plane of(int z, int t) {
        return z == 0 && t == 0 ? FIRST : new Plane(ALL_CHANNELS, z, t);
    }

    /** Channel {@code c} of the first section and time point. */
    public static Plane channel(int c) {
        return new Plane(c, 0, 0);
    }

    public Plane withChannel(int channel) { return new Plane(channel, z, t); }

    public Plane withZ(int section) { return new Plane(c, section, t); }

    public Plane withT(int time) { return new Plane(c, z, time); }

    public boolean allChannels() { return c == ALL_CHANNELS; }

    /** Bands a read of this plane gives on a slide of {@code sizeC} channels. */
    public int bands(int sizeC) {
        return c == ALL_CHANNELS ? sizeC : 1;
    }

    @Override
    public String toString() {
        return (c == ALL_CHANNELS ? "all channels" : "channel " + c) + ", z " + z + ", t " + t;
    }
}
