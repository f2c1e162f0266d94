package org.slidestream.tiff.writer;

import java.util.List;
import java.util.SplittableRandom;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;

/** A small image held in memory, one raster per plane: a tile source for tests. */
final class ArraySource implements TileSource {
    private final List<Raster> planes;
    private final ImageInfo info;
    private final double background;

    ArraySource(List<Raster> planes, double background) {
        this.planes = List.copyOf(planes);
        Raster r = planes.get(0);
        this.info = new ImageInfo(r.width(), r.height(), r.bands(), r.type(), 256, 256);
        this.background = background;
    }

    /** Smooth gradients, blobs and noise: compressible like real images, every sample different enough to catch mix-ups. */
    static Raster pattern(PixelType type, int w, int h, int bands, long seed) {
        Raster r = Raster.create(type, w, h, bands);
        SplittableRandom rnd = new SplittableRandom(seed);
        double lo = type.isFloat() ? -1.5 : type.minValue(), hi = type.isFloat() ? 3.0 : Math.min(type.maxValue(), 1e9);
        double[] fx = new double[bands], fy = new double[bands], ph = new double[bands];
        for (int b = 0; b < bands; b++) {
            fx[b] = 0.01 + rnd.nextDouble() * 0.05;
            fy[b] = 0.01 + rnd.nextDouble() * 0.05;
            ph[b] = rnd.nextDouble() * 6;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < bands; b++) {
                    double v = 0.5 + 0.35 * Math.sin(x * fx[b] + ph[b]) * Math.cos(y * fy[b] - ph[b]) + 0.1 * (rnd.nextDouble() - 0.5);
                    double s = lo + (hi - lo) * Math.max(0, Math.min(1, v));
                    r.set(x, y, b, type.isFloat() ? s : Math.floor(s));
                }
            }
        }
        return r;
    }

    @Override public ImageInfo info() { return info; }

    @Override public int planes() { return planes.size(); }

    @Override public void read(int plane, Region region, Raster dest) {
        Raster src = planes.get(plane);
        dest.fill(new Region(0, 0, region.width(), region.height()), background);
        Region in = region.intersect(info.bounds());
        if (in.isEmpty()) return;
        dest.copyFrom(src, in.x(), in.y(), in.x() - region.x(), in.y() - region.y(), in.width(), in.height());
    }
}
