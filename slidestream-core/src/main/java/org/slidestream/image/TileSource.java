package org.slidestream.image;

/**
 * A lazily computed image: a function from a requested region to pixels (the libvips model).
 * Slides, resampled levels, normalized or warped images, rasterized masks and synthetic slides are
 * all tile sources; sinks such as the TIFF writer and the patch exporter pull regions from them,
 * often from several threads at once.
 *
 * <p>Implementations must be thread-safe and deterministic: the same request gives the same pixels
 * whatever the order or concurrency of requests.
 */
public interface TileSource {

    ImageInfo info();

    /** Number of planes (for example Z sections); each has the shape {@link #info()} gives. */
    default int planes() {
        return 1;
    }

    /**
     * Writes the pixels of {@code region} of {@code plane} into {@code dest} at (0, 0). {@code dest}
     * must have this source's band count and pixel type and be at least the region's size. Parts of
     * the region outside the image are filled with the source's background.
     */
    void read(int plane, Region region, Raster dest);

    /** Convenience: reads {@code region} of plane 0 into a new raster. */
    default Raster read(Region region) {
        ImageInfo i = info();
        Raster r = Raster.create(i.pixelType(), region.width(), region.height(), i.bands());
        read(0, region, r);
        return r;
    }
}
