package org.slidestream.image;

/**
 * A raster in memory as a one-plane {@link TileSource}, so that a small image (a region, a QC
 * overlay, a low-resolution mask) goes through the same sinks as a streamed one. Pixels outside the
 * raster are {@code background}.
 */
public record RasterSource(Raster raster, ImageInfo info, double background) implements TileSource {

    /** Tiles of 512 px, background 0. */
    public static RasterSource of(Raster r) {
        return of(r, 0);
    }

    public static RasterSource of(Raster r, double background) {
        return new RasterSource(r, new ImageInfo(r.width(), r.height(), r.bands(), r.type(), 512, 512), background);
    }

    @Override
    public void read(int plane, Region region, Raster dest) {
        Region c = region.intersect(info.bounds());
        if (c.width() != region.width() || c.height() != region.height()) {
            dest.fill(new Region(0, 0, region.width(), region.height()), background);
        }
        if (!c.isEmpty()) {
            dest.copyFrom(raster, c.x(), c.y(), c.x() - region.x(), c.y() - region.y(), c.width(), c.height());
        }
    }
}
