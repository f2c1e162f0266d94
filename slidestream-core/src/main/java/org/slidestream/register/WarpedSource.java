package org.slidestream.register;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/**
 * Every channel of a moving round on the reference's level-0 grid: each output pixel is mapped
 * through the round's transform (inverse mapping) and sampled bilinearly. A tile reads only the
 * window of the moving round its pixels map into, at the level matching the transform's scale;
 * pixels that map outside the moving round are 0.
 */
public final class WarpedSource implements TileSource {
    private final Pyramid moving;
    private final RoundTransform transform;
    private final ImageInfo info;
    private final MemoryBudget budget;
    private final int level;
    private final double levelDs;

    public WarpedSource(Pyramid moving, RoundTransform transform, int width, int height, int tileSize, MemoryBudget budget) {
        this.moving = moving;
        this.transform = transform;
        this.budget = budget;
        this.info = new ImageInfo(width, height, moving.channelNames().size(), moving.pixelType(), tileSize, tileSize);
        this.level = moving.bestLevel(Math.max(1, transform.affine().meanScale()));
        this.levelDs = moving.levels().get(level).downsample();
    }

    @Override public ImageInfo info() { return info; }

    @Override public int planes() { return moving.planes(); }

    @Override
    public void read(int plane, Region region, Raster dest) {
        int w = region.width(), h = region.height(), bands = info.bands();
        try (Reservation coords = budget.reserve(8L * w * h, "warp coordinates of a " + w + "x" + h + " tile")) {
            float[] u = new float[w * h], v = new float[w * h];
            double[] p = new double[2];
            double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    transform.toMoving(region.x() + x, region.y() + y, p);
                    double a = Sampler.fromLevel0(p[0], levelDs), b = Sampler.fromLevel0(p[1], levelDs);
                    u[y * w + x] = (float) a;
                    v[y * w + x] = (float) b;
                    if (a < minX) minX = a;
                    if (a > maxX) maxX = a;
                    if (b < minY) minY = b;
                    if (b > maxY) maxY = b;
                }
            }
            var li = moving.levels().get(level);
            int x0 = (int) Math.max(0, Math.floor(minX)), y0 = (int) Math.max(0, Math.floor(minY));
            int x1 = (int) Math.min(li.width(), Math.floor(maxX) + 2), y1 = (int) Math.min(li.height(), Math.floor(maxY) + 2);
            dest.fill(new Region(0, 0, w, h), 0);
            if (x1 <= x0 || y1 <= y0) return;
            Region src = new Region(x0, y0, x1 - x0, y1 - y0);
            long bytes = Raster.byteSize(info.pixelType(), src.width(), src.height(), bands);
            try (Reservation window = budget.reserve(bytes, "a " + src.width() + "x" + src.height() + " window of " + moving.name())) {
                Raster s = Raster.create(info.pixelType(), src.width(), src.height(), bands);
                moving.level(level).read(plane, src, s);
                sample(s, x0, y0, u, v, dest, w, h);
            }
        }
    }

    /** Bilinear sampling, samples outside the window counted as 0. */
    private static void sample(Raster s, int x0, int y0, float[] u, float[] v, Raster dest, int w, int h) {
        int sw = s.width(), sh = s.height(), bands = s.bands();
        double[] acc = new double[bands];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double fx = u[i] - x0, fy = v[i] - y0;
                if (!(fx > -1 && fy > -1 && fx < sw && fy < sh)) continue;
                int ix = (int) Math.floor(fx), iy = (int) Math.floor(fy);
                double ax = fx - ix, ay = fy - iy;
                java.util.Arrays.fill(acc, 0);
                add(s, ix, iy, (1 - ax) * (1 - ay), acc);
                add(s, ix + 1, iy, ax * (1 - ay), acc);
                add(s, ix, iy + 1, (1 - ax) * ay, acc);
                add(s, ix + 1, iy + 1, ax * ay, acc);
                int o = (y * dest.width() + x) * bands;
                for (int b = 0; b < bands; b++) dest.setAt(o + b, acc[b]);
            }
        }
    }

    private static void add(Raster s, int x, int y, double weight, double[] acc) {
        if (weight == 0 || x < 0 || y < 0 || x >= s.width() || y >= s.height()) return;
        int o = (y * s.width() + x) * s.bands();
        switch (s.type()) {
            case UINT16 -> { short[] d = s.shorts(); for (int b = 0; b < acc.length; b++) acc[b] += weight * (d[o + b] & 0xFFFF); }
            case UINT8 -> { byte[] d = s.bytes(); for (int b = 0; b < acc.length; b++) acc[b] += weight * (d[o + b] & 0xFF); }
            default -> { for (int b = 0; b < acc.length; b++) acc[b] += weight * s.getAt(o + b); }
        }
    }
}
