package org.slidestream.register;

import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/**
 * Reads one channel of a pyramid at any downsample of level 0 into a {@link Gray}: from the level
 * with the largest downsample not above it, area-averaged, in chunks so that no more than one
 * chunk of the source level is held at once. Pixel {@code u} of the result covers level-0 pixels
 * {@code [u * ds, (u + 1) * ds)}; its centre is level-0 coordinate {@code (u + 0.5) * ds - 0.5}.
 */
final class Sampler {
    private static final int CHUNK = 1024;

    private Sampler() {}

    /** Level-0 coordinate of the centre of pixel {@code u} at downsample {@code ds}. */
    static double toLevel0(double u, double ds) { return (u + 0.5) * ds - 0.5; }

    /** Pixel coordinate at downsample {@code ds} of level-0 coordinate {@code x}. */
    static double fromLevel0(double x, double ds) { return (x + 0.5) / ds - 0.5; }

    /** Size of the whole image at downsample {@code ds}. */
    static int[] size(Pyramid p, double ds) {
        return new int[] {Math.max(1, (int) Math.ceil(p.width() / ds)), Math.max(1, (int) Math.ceil(p.height() / ds))};
    }

    static Gray whole(Pyramid p, int channel, int plane, double ds, MemoryBudget budget) {
        int[] s = size(p, ds);
        return area(p, channel, plane, ds, new Region(0, 0, s[0], s[1]), budget);
    }

    /**
     * The pixels of {@code out} (a region in pixels at downsample {@code ds}; may reach outside the
     * image, which reads as 0). The caller accounts for the returned image; the chunks read are
     * reserved here.
     */
    static Gray area(Pyramid p, int channel, int plane, double ds, Region out, MemoryBudget budget) {
        int level = p.bestLevel(ds);
        var li = p.levels().get(level);
        double f = ds / li.downsample();
        Gray g = Gray.zeros(out.width(), out.height());
        float[] count = new float[out.width() * out.height()];
        int lx0 = (int) Math.max(0, Math.floor(out.x() * f)), ly0 = (int) Math.max(0, Math.floor(out.y() * f));
        int lx1 = (int) Math.min(li.width(), Math.ceil(out.right() * f)), ly1 = (int) Math.min(li.height(), Math.ceil(out.bottom() * f));
        if (lx1 <= lx0 || ly1 <= ly0) return g;
        int[] binX = new int[lx1 - lx0];
        for (int x = lx0; x < lx1; x++) binX[x - lx0] = (int) Math.floor(x / f) - out.x();
        for (int cy = ly0; cy < ly1; cy += CHUNK) {
            for (int cx = lx0; cx < lx1; cx += CHUNK) {
                Region chunk = new Region(cx, cy, Math.min(CHUNK, lx1 - cx), Math.min(CHUNK, ly1 - cy));
                long bytes = Raster.byteSize(p.pixelType(), chunk.width(), chunk.height(), Math.max(1, p.level(level).info().bands()));
                try (Reservation ignored = budget.reserve(bytes, "a " + chunk.width() + "x" + chunk.height() + " chunk of " + p.name())) {
                    Raster r = p.readChannel(level, chunk, channel, plane);
                    accumulate(r, chunk, f, out, binX, lx0, g, count);
                }
            }
        }
        float[] d = g.data();
        for (int i = 0; i < d.length; i++) if (count[i] > 0) d[i] /= count[i];
        return g;
    }

    private static void accumulate(Raster r, Region chunk, double f, Region out, int[] binX, int lx0, Gray g, float[] count) {
        float[] d = g.data();
        int w = out.width(), h = out.height();
        for (int y = 0; y < chunk.height(); y++) {
            int by = (int) Math.floor((chunk.y() + y) / f) - out.y();
            if (by < 0 || by >= h) continue;
            for (int x = 0; x < chunk.width(); x++) {
                int bx = binX[chunk.x() + x - lx0];
                if (bx < 0 || bx >= w) continue;
                int i = by * w + bx;
                d[i] += (float) r.getAt(y * chunk.width() + x);
                count[i]++;
            }
        }
    }
}
