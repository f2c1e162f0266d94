package org.slidestream.register;

import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/** One channel of a moving round resampled onto a region of the reference grid at some downsample. */
final class GrayWarp {
    private GrayWarp() {}

    /**
     * Pixels of {@code out} (reference pixels at downsample {@code ds}) taken from the moving round
     * through {@code t}, reading the moving round at downsample {@code dsMoving} (the same physical
     * pixel size), bilinear; 0 where the moving round has no data.
     */
    static Gray warp(Pyramid moving, int channel, int plane, RoundTransform t, double ds, double dsMoving,
                     Region out, MemoryBudget budget) {
        int w = out.width(), h = out.height();
        double[] p = new double[2];
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        // two passes over the mapping (window, then samples) instead of storing it: QC images are large
        for (int y = 0; y < h; y++) {
            double ry = Sampler.toLevel0(out.y() + y, ds);
            for (int x = 0; x < w; x++) {
                t.toMoving(Sampler.toLevel0(out.x() + x, ds), ry, p);
                double u = Sampler.fromLevel0(p[0], dsMoving), v = Sampler.fromLevel0(p[1], dsMoving);
                minX = Math.min(minX, u); maxX = Math.max(maxX, u);
                minY = Math.min(minY, v); maxY = Math.max(maxY, v);
            }
        }
        int[] size = Sampler.size(moving, dsMoving);
        int x0 = (int) Math.max(-1, Math.floor(minX) - 1), y0 = (int) Math.max(-1, Math.floor(minY) - 1);
        int x1 = (int) Math.min(size[0] + 1, Math.ceil(maxX) + 2), y1 = (int) Math.min(size[1] + 1, Math.ceil(maxY) + 2);
        Gray result = Gray.zeros(w, h);
        if (x1 <= x0 || y1 <= y0) return result;
        Region src = new Region(x0, y0, x1 - x0, y1 - y0);
        try (Reservation ignored = budget.reserve(Gray.bytes(src.width(), src.height()), "a " + src.width() + "x" + src.height()
                + " window of " + moving.name())) {
            Gray m = Sampler.area(moving, channel, plane, dsMoving, src, budget);
            float[] d = result.data();
            for (int y = 0; y < h; y++) {
                double ry = Sampler.toLevel0(out.y() + y, ds);
                for (int x = 0; x < w; x++) {
                    t.toMoving(Sampler.toLevel0(out.x() + x, ds), ry, p);
                    double v = m.sample(Sampler.fromLevel0(p[0], dsMoving) - x0, Sampler.fromLevel0(p[1], dsMoving) - y0);
                    d[y * w + x] = Double.isNaN(v) ? 0f : (float) v;
                }
            }
        }
        return result;
    }
}
