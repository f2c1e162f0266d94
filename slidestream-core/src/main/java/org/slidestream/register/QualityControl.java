package org.slidestream.register;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/**
 * QC of registered rounds at a level from the pyramid (longer side about {@code qcSide}), never
 * at full resolution: the reference's nuclear channel is read and normalised once; for each round
 * the nuclear channel is resampled onto the same grid before (physical pixel size only) and after
 * registration, and compared by normalised cross-correlation and by the Dice overlap of Otsu
 * nuclei masks. The overlay shows the reference in magenta and the registered round in green, so
 * aligned nuclei are white.
 */
public final class QualityControl implements AutoCloseable {
    private final Pyramid reference;
    private final int refChannel;
    private final MemoryBudget budget;
    private final double ds;
    private final Gray ref;
    private final double[] refRange;
    private final boolean[] refMask;
    private final Reservation held;

    /** What QC found for one round; {@code overlay} is 8-bit RGB at the QC level. */
    public record RoundQc(double nccBefore, double nccAfter, double diceBefore, double diceAfter, Raster overlay, double[] range) {}

    public QualityControl(Pyramid reference, int refChannel, int qcSide, MemoryBudget budget) {
        this.reference = reference;
        this.refChannel = refChannel;
        this.budget = budget;
        this.ds = Math.max(1, (double) Math.max(reference.width(), reference.height()) / qcSide);
        int[] size = Sampler.size(reference, ds);
        // the reference image and mask, the two images of a round and the overlay, held while QC runs
        this.held = budget.reserve(4 * Gray.bytes(size[0], size[1]) + 4L * size[0] * size[1], "QC images of "
                + size[0] + "x" + size[1]);
        try {
            this.ref = Sampler.whole(reference, refChannel, 0, ds, budget);
            this.refRange = range(ref);
            this.refMask = mask(ref);
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /** Downsample of the QC level relative to the reference's level 0. */
    public double downsample() { return ds; }

    public int width() { return ref.width(); }

    public int height() { return ref.height(); }

    /** The intensity range (1st and 99.8th percentiles) the reference is displayed with. */
    public double[] referenceRange() { return refRange.clone(); }

    public RoundQc evaluate(Pyramid moving, int movChannel, RoundTransform t) {
        double s0 = Registration.physicalScale(reference, moving);
        Region all = new Region(0, 0, ref.width(), ref.height());
        // before: the moving round laid on the reference at its physical size, top-left corners together
        RoundTransform identity = new RoundTransform(new Affine(s0, 0, 0.5 * (s0 - 1), 0, s0, 0.5 * (s0 - 1)), null);
        Gray before = GrayWarp.warp(moving, movChannel, 0, identity, ds, ds * s0, all, budget);
        double nccBefore = ncc(ref, before), diceBefore = dice(refMask, mask(before));
        before = null;
        Gray after = GrayWarp.warp(moving, movChannel, 0, t, ds, ds * s0, all, budget);
        double[] range = range(after);
        double nccAfter = ncc(ref, after), diceAfter = dice(refMask, mask(after));
        return new RoundQc(nccBefore, nccAfter, diceBefore, diceAfter, overlay(ref, refRange, after, range), range);
    }

    /** Reference magenta (red and blue), round green: 8-bit RGB. */
    private static Raster overlay(Gray ref, double[] refRange, Gray mov, double[] movRange) {
        int w = ref.width(), h = ref.height();
        Raster out = Raster.create(PixelType.UINT8, w, h, 3);
        byte[] o = out.bytes();
        for (int i = 0; i < w * h; i++) {
            int r = to8(ref.data()[i], refRange), g = to8(mov.data()[i], movRange);
            o[3 * i] = (byte) r;
            o[3 * i + 1] = (byte) g;
            o[3 * i + 2] = (byte) r;
        }
        return out;
    }

    static int to8(double v, double[] range) {
        double s = (v - range[0]) / (range[1] - range[0]);
        return (int) Math.round(255 * Math.max(0, Math.min(1, s)));
    }

    private static double[] range(Gray g) {
        double lo = g.quantile(0.01), hi = g.quantile(0.998);
        return new double[] {lo, hi > lo ? hi : lo + 1};
    }

    private static boolean[] mask(Gray g) {
        double t = g.otsu();
        boolean[] m = new boolean[g.width() * g.height()];
        for (int i = 0; i < m.length; i++) m[i] = g.data()[i] > t;
        return m;
    }

    static double dice(boolean[] a, boolean[] b) {
        long both = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i]) na++;
            if (b[i]) nb++;
            if (a[i] && b[i]) both++;
        }
        return na + nb == 0 ? 0 : 2.0 * both / (na + nb);
    }

    static double ncc(Gray a, Gray b) {
        double[] ma = a.meanStd(), mb = b.meanStd();
        if (ma[1] == 0 || mb[1] == 0) return 0;
        double s = 0;
        int n = a.width() * a.height();
        for (int i = 0; i < n; i++) s += (a.data()[i] - ma[0]) * (b.data()[i] - mb[0]);
        return s / n / (ma[1] * mb[1]);
    }

    /**
     * Full-resolution QC as 8-bit RGB tiles on the reference grid (for a pyramidal OME-TIFF):
     * the reference's nuclear channel and the round's registered one, displayed with the QC ranges.
     */
    public TileSource fullResolution(Pyramid moving, int movChannel, RoundTransform t, double[] movRange) {
        Pyramid refNuclei = Pyramids.channel(reference, refChannel);
        WarpedSource warped = new WarpedSource(Pyramids.channel(moving, movChannel), t, reference.width(), reference.height(), 512, budget);
        ImageInfo info = new ImageInfo(reference.width(), reference.height(), 3, PixelType.UINT8, 512, 512);
        double[] rr = refRange.clone(), mr = movRange.clone();
        return new TileSource() {
            @Override public ImageInfo info() { return info; }

            @Override public void read(int plane, Region region, Raster dest) {
                Raster a = Raster.create(refNuclei.pixelType(), region.width(), region.height(), 1);
                refNuclei.level(0).read(0, region, a);
                Raster b = Raster.create(warped.info().pixelType(), region.width(), region.height(), 1);
                warped.read(0, region, b);
                byte[] o = dest.bytes();
                for (int y = 0; y < region.height(); y++) {
                    for (int x = 0; x < region.width(); x++) {
                        int i = y * region.width() + x, k = (y * dest.width() + x) * 3;
                        int r = to8(a.getAt(i), rr), g = to8(b.getAt(i), mr);
                        o[k] = (byte) r;
                        o[k + 1] = (byte) g;
                        o[k + 2] = (byte) r;
                    }
                }
            }
        };
    }

    @Override
    public void close() {
        held.close();
    }
}
