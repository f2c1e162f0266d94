package org.slidestream.register;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;

/** A raster in memory as a tile source; pixels outside it are 0. */
record RasterSource(Raster raster, ImageInfo info) implements TileSource {

    static RasterSource of(Raster r) {
        return new RasterSource(r, new ImageInfo(r.width(), r.height(), r.bands(), r.type(), 256, 256));
    }

    @Override
    public void read(int plane, Region region, Raster dest) {
        Region c = region.intersect(info.bounds());
        if (c.width() != region.width() || c.height() != region.height()) {
            dest.fill(new Region(0, 0, region.width(), region.height()), 0);
        }
        if (!c.isEmpty()) {
            dest.copyFrom(raster, c.x(), c.y(), c.x() - region.x(), c.y() - region.y(), c.width(), c.height());
        }
    }
}
