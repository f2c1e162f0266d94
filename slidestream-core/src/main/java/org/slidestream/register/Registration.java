package org.slidestream.register;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/**
 * Registers the nuclear channel of a moving round to the reference's, coarse to fine:
 * <ol>
 *   <li>rotation by exhaustive search and translation by phase correlation on small images from
 *       the pyramid (longer side {@code coarseSide}, both at the same physical pixel size);</li>
 *   <li>refinement at finer downsamples down to level 0: a grid of patches, each shift measured by
 *       phase correlation against the moving round warped by the current estimate, a rigid or
 *       affine map fitted to the patch centres by RANSAC;</li>
 *   <li>optionally a displacement field: shifts on a coarse grid, outliers replaced by their
 *       neighbours' median, smoothed, refined at finer downsamples.</li>
 * </ol>
 * Only small images and patches are ever read; nothing at full resolution is held.
 */
public final class Registration {
    private static final double MIN_PEAK = 0.04;
    private static final int MIN_INLIERS = 6;

    private final Pyramid reference;
    private final int refChannel;
    private final RegistrationOptions options;
    private final MemoryBudget budget;
    private final Gray coarseRef;
    private final double coarseDs;
    private final double signalLevel;

    /** The result: the transform, the residual error of the matched patches after registration, and warnings. */
    public record Result(RoundTransform transform, double medianTrePx, int matchedPatches, List<String> warnings) {}

    public Registration(Pyramid reference, int refChannel, RegistrationOptions options, MemoryBudget budget) {
        this.reference = reference;
        this.refChannel = refChannel;
        this.options = options;
        this.budget = budget;
        this.coarseDs = Math.max(1, (double) Math.max(reference.width(), reference.height()) / options.coarseSide());
        this.coarseRef = Sampler.whole(reference, refChannel, 0, coarseDs, budget);
        this.signalLevel = Math.max(1e-6, coarseRef.quantile(0.99) - coarseRef.quantile(0.01));
    }

    /** Moving pixels per reference pixel from the physical pixel sizes (1 when either is unknown). */
    public static double physicalScale(Pyramid reference, Pyramid moving) {
        if (reference.mppX() == null || moving.mppX() == null) return 1;
        return reference.mppX() / moving.mppX();
    }

    public Result register(Pyramid moving, int movChannel) {
        List<String> warnings = new ArrayList<>();
        double s0 = physicalScale(reference, moving);
        try (Reservation ignored = budget.reserve(8L * Gray.bytes(coarseRef.width(), coarseRef.height()), "coarse registration images")) {
            RoundTransform t = new RoundTransform(coarse(moving, movChannel, s0), null);
            List<Double> stages = new ArrayList<>();
            for (double ds = coarseDs / 4; ds > 1; ds /= 4) stages.add(ds);
            stages.add(1.0);
            stages.add(1.0);
            boolean first = true;
            for (double ds : stages) {
                Affine refined = refineAffine(moving, movChannel, t, ds, s0, first);
                if (refined == null) {
                    if (first) {
                        throw new RegistrationException("no overlap with the reference found (too few nuclear-channel patches agree on one transform)");
                    }
                    warnings.add(String.format(Locale.ROOT, "too few patches matched at downsample %.3g; kept the coarser estimate", ds));
                    continue;
                }
                t = t.withAffine(refined);
                first = false;
            }
            if (options.nonrigid()) t = nonrigid(moving, movChannel, t, s0, warnings);
            double[] tre = residual(moving, movChannel, t, s0);
            return new Result(t, tre[0], (int) tre[1], List.copyOf(warnings));
        }
    }

    // ---- coarse: rotation search and translation ----

    private Affine coarse(Pyramid moving, int ch, double s0) {
        double searchDs = Math.max(coarseDs, (double) Math.max(reference.width(), reference.height()) / 256);
        Gray refSmall = Sampler.whole(reference, refChannel, 0, searchDs, budget);
        Gray movSmall = Sampler.whole(moving, ch, 0, searchDs * s0, budget);
        double step = 2;
        double best = 0, bestPeak = -1;
        int n = PhaseCorrelation.nextPow2(Math.max(refSmall.width(), refSmall.height()));
        float[] refSpec = PhaseCorrelation.spectrum(refSmall, n);
        int count = (int) Math.floor(options.maxRotation() / step);
        double[] angles = IntStream.rangeClosed(-count, count).mapToDouble(i -> i * step)
                .filter(a -> a > -180 || options.maxRotation() < 180).toArray();
        double[] peaks = Arrays.stream(angles).parallel().map(a -> {
            Gray rot = rotated(movSmall, moving, a, s0, searchDs, refSmall.width(), refSmall.height());
            return PhaseCorrelation.estimate(refSpec, PhaseCorrelation.spectrum(rot, n), n).peak();
        }).toArray();
        for (int i = 0; i < angles.length; i++) {
            if (peaks[i] > bestPeak) { bestPeak = peaks[i]; best = angles[i]; }
        }
        // finer angles at the coarse resolution
        Gray movCoarse = Sampler.whole(moving, ch, 0, coarseDs * s0, budget);
        int nc = PhaseCorrelation.nextPow2(Math.max(coarseRef.width(), coarseRef.height()));
        float[] refCoarseSpec = PhaseCorrelation.spectrum(coarseRef, nc);
        double center = best;
        double[] fine = IntStream.rangeClosed(-8, 8).mapToDouble(i -> center + i * 0.25).toArray();
        PhaseCorrelation.Shift[] shifts = Arrays.stream(fine).parallel().mapToObj(a -> PhaseCorrelation.estimate(refCoarseSpec,
                PhaseCorrelation.spectrum(rotated(movCoarse, moving, a, s0, coarseDs, coarseRef.width(), coarseRef.height()), nc), nc))
                .toArray(PhaseCorrelation.Shift[]::new);
        int bi = 0;
        for (int i = 1; i < fine.length; i++) if (shifts[i].peak() > shifts[bi].peak()) bi = i;
        Affine rot = rotation(moving, fine[bi], s0);
        PhaseCorrelation.Shift s = shifts[bi];
        // reference(r) ~ rotatedMoving(r + s): the reference point X lies at rot(X + s * ds)
        return rot.after(new Affine(1, 0, s.dx() * coarseDs, 0, 1, s.dy() * coarseDs));
    }

    /** Rotation by {@code degrees} about the image centres, at the physical scale: reference level 0 to moving level 0. */
    private Affine rotation(Pyramid moving, double degrees, double s0) {
        double a = Math.toRadians(degrees), c = Math.cos(a) * s0, s = Math.sin(a) * s0;
        double rcx = (reference.width() - 1) / 2.0, rcy = (reference.height() - 1) / 2.0;
        double mcx = (moving.width() - 1) / 2.0, mcy = (moving.height() - 1) / 2.0;
        return new Affine(c, -s, mcx - c * rcx + s * rcy, s, c, mcy - s * rcx - c * rcy);
    }

    private Gray rotated(Gray mov, Pyramid moving, double degrees, double s0, double ds, int w, int h) {
        Affine a = rotation(moving, degrees, s0);
        Gray out = Gray.zeros(w, h);
        float[] d = out.data();
        for (int y = 0; y < h; y++) {
            double ry = Sampler.toLevel0(y, ds);
            for (int x = 0; x < w; x++) {
                double rx = Sampler.toLevel0(x, ds);
                double v = mov.sample(Sampler.fromLevel0(a.x(rx, ry), ds * s0), Sampler.fromLevel0(a.y(rx, ry), ds * s0));
                d[y * w + x] = Double.isNaN(v) ? 0 : (float) v;
            }
        }
        return out;
    }

    // ---- refinement by patches ----

    /** A patch measurement: centre in reference level-0 pixels, shift in level-0 pixels, whether it is usable. */
    private record Measure(double x, double y, double dx, double dy, boolean ok) {}

    private Affine refineAffine(Pyramid moving, int ch, RoundTransform t, double ds, double s0, boolean first) {
        int g = options.grid();
        List<double[]> centres = new ArrayList<>();
        for (int j = 0; j < g; j++) {
            for (int i = 0; i < g; i++) {
                centres.add(new double[] {(i + 0.5) * reference.width() / g, (j + 0.5) * reference.height() / g});
            }
        }
        List<Measure> ms = measure(moving, ch, t, ds, s0, centres);
        List<PointFit.Pair> pairs = new ArrayList<>();
        double[] p = new double[2];
        for (Measure m : ms) {
            if (!m.ok()) continue;
            t.toMoving(m.x() + m.dx(), m.y() + m.dy(), p);
            pairs.add(new PointFit.Pair(m.x(), m.y(), p[0], p[1]));
        }
        // The smallest threshold that half the patches agree on: tight for rigid rounds, looser
        // where a deformation leaves residuals that no affine map removes. The first stage must
        // find 40 % that agree: unrelated images (no overlap) do not.
        PointFit.Fit fit = null;
        for (double thr = 1.5; thr <= 12; thr *= 2) {
            fit = PointFit.ransac(pairs, options.model(), s0, thr * Math.max(1, ds) * s0);
            if (fit != null && fit.inliers().size() >= Math.max(MIN_INLIERS, pairs.size() / 2)) break;
        }
        if (fit == null || fit.inliers().size() < Math.max(MIN_INLIERS, first ? (int) Math.ceil(0.4 * pairs.size()) : pairs.size() / 4)) return null;
        return fit.affine();
    }

    private List<Measure> measure(Pyramid moving, int ch, RoundTransform t, double ds, double s0, List<double[]> centres) {
        int size = patchSide(ds);
        int fullW = Sampler.size(reference, ds)[0], fullH = Sampler.size(reference, ds)[1];
        long bytes = 12L * Gray.bytes(PhaseCorrelation.nextPow2(size), PhaseCorrelation.nextPow2(size));
        return IntStream.range(0, centres.size()).parallel().mapToObj(k -> {
            double[] c = centres.get(k);
            try (Reservation ignored = budget.reserve(bytes, "a registration patch")) {
                int px = (int) Math.round(Sampler.fromLevel0(c[0], ds) - size / 2.0);
                int py = (int) Math.round(Sampler.fromLevel0(c[1], ds) - size / 2.0);
                px = Math.max(0, Math.min(Math.max(0, fullW - size), px));
                py = Math.max(0, Math.min(Math.max(0, fullH - size), py));
                Region r = new Region(px, py, size, size);
                double cx = Sampler.toLevel0(px + (size - 1) / 2.0, ds), cy = Sampler.toLevel0(py + (size - 1) / 2.0, ds);
                Gray ref = Sampler.area(reference, refChannel, 0, ds, r, budget);
                double[] ms = ref.meanStd();
                if (ms[1] < 0.05 * signalLevel) return new Measure(cx, cy, 0, 0, false);
                Gray mov = GrayWarp.warp(moving, ch, 0, t, ds, ds * s0, r, budget);
                if (mov.meanStd()[1] < 1e-6 * signalLevel) return new Measure(cx, cy, 0, 0, false);
                PhaseCorrelation.Shift s = PhaseCorrelation.estimate(ref, mov);
                boolean ok = s.peak() >= MIN_PEAK && Math.abs(s.dx()) < size / 3.0 && Math.abs(s.dy()) < size / 3.0;
                return new Measure(cx, cy, s.dx() * ds, s.dy() * ds, ok);
            }
        }).toList();
    }

    private int patchSide(double ds) {
        int side = options.patchSize();
        int[] full = Sampler.size(reference, ds);
        while (side > 32 && side * 2 > Math.min(full[0], full[1])) side /= 2;
        return side;
    }

    // ---- non-rigid ----

    private RoundTransform nonrigid(Pyramid moving, int ch, RoundTransform t, double s0, List<String> warnings) {
        int longer = Math.max(reference.width(), reference.height());
        double spacing = Math.max(32, longer / 16.0);
        DisplacementField field = DisplacementField.zero(reference.width(), reference.height(), spacing);
        double ds = Math.max(1, 2 * spacing / options.patchSize());
        List<Double> passes = new ArrayList<>();
        for (; ds > 1; ds /= 4) passes.add(ds);
        passes.add(1.0);
        passes.add(1.0);
        for (double d : passes) {
            RoundTransform current = t.withField(field);
            List<double[]> nodes = new ArrayList<>();
            for (int j = 0; j < field.rows(); j++) {
                for (int i = 0; i < field.cols(); i++) {
                    nodes.add(new double[] {Math.min(reference.width() - 1, i * spacing), Math.min(reference.height() - 1, j * spacing)});
                }
            }
            List<Measure> ms = measure(moving, ch, current, d, s0, nodes);
            long usable = ms.stream().filter(Measure::ok).count();
            if (usable < Math.max(4, ms.size() / 10)) {
                warnings.add(String.format(Locale.ROOT, "non-rigid: only %d of %d grid patches usable at downsample %.3g", usable, ms.size(), d));
                if (usable == 0) continue;
            }
            field = add(field, regularize(ms, field.cols(), field.rows(), 1.5 * d));
        }
        return t.withField(field);
    }

    /** Outliers (far from their neighbours' median) and unusable nodes replaced by neighbours, then smoothed. */
    private static float[][] regularize(List<Measure> ms, int cols, int rows, double tolerance) {
        int n = cols * rows;
        float[] dx = new float[n], dy = new float[n];
        boolean[] ok = new boolean[n];
        for (int k = 0; k < n; k++) {
            Measure m = ms.get(k);
            dx[k] = (float) m.dx();
            dy[k] = (float) m.dy();
            ok[k] = m.ok();
        }
        boolean[] keep = ok.clone();
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                int k = j * cols + i;
                if (!ok[k]) continue;
                float[] mx = neighbourMedian(dx, ok, cols, rows, i, j), my = neighbourMedian(dy, ok, cols, rows, i, j);
                if (mx != null && Math.hypot(dx[k] - mx[0], dy[k] - my[0]) > Math.max(tolerance, 3 * Math.hypot(mx[1], my[1]))) {
                    keep[k] = false;
                }
            }
        }
        fill(dx, dy, keep, cols, rows);
        return new float[][] {smooth(dx, cols, rows), smooth(dy, cols, rows)};
    }

    /** Median and median absolute deviation of the usable 8-neighbours; null when fewer than 3. */
    private static float[] neighbourMedian(float[] v, boolean[] ok, int cols, int rows, int i, int j) {
        float[] vals = new float[8];
        int c = 0;
        for (int dj = -1; dj <= 1; dj++) {
            for (int di = -1; di <= 1; di++) {
                int ii = i + di, jj = j + dj;
                if ((di == 0 && dj == 0) || ii < 0 || jj < 0 || ii >= cols || jj >= rows || !ok[jj * cols + ii]) continue;
                vals[c++] = v[jj * cols + ii];
            }
        }
        if (c < 3) return null;
        Arrays.sort(vals, 0, c);
        float med = c % 2 == 1 ? vals[c / 2] : (vals[c / 2 - 1] + vals[c / 2]) / 2;
        float[] dev = new float[c];
        for (int k = 0; k < c; k++) dev[k] = Math.abs(vals[k] - med);
        Arrays.sort(dev);
        return new float[] {med, dev[c / 2]};
    }

    /** Fills unknown nodes from known neighbours, growing inwards; all zero when nothing is known. */
    private static void fill(float[] dx, float[] dy, boolean[] known, int cols, int rows) {
        boolean any = false;
        for (boolean b : known) any |= b;
        if (!any) {
            Arrays.fill(dx, 0);
            Arrays.fill(dy, 0);
            return;
        }
        boolean[] k = known.clone();
        boolean changed = true;
        while (changed) {
            changed = false;
            boolean[] next = k.clone();
            for (int j = 0; j < rows; j++) {
                for (int i = 0; i < cols; i++) {
                    int idx = j * cols + i;
                    if (k[idx]) continue;
                    double sx = 0, sy = 0;
                    int c = 0;
                    for (int dj = -1; dj <= 1; dj++) {
                        for (int di = -1; di <= 1; di++) {
                            int ii = i + di, jj = j + dj;
                            if (ii < 0 || jj < 0 || ii >= cols || jj >= rows || !k[jj * cols + ii]) continue;
                            sx += dx[jj * cols + ii];
                            sy += dy[jj * cols + ii];
                            c++;
                        }
                    }
                    if (c > 0) {
                        dx[idx] = (float) (sx / c);
                        dy[idx] = (float) (sy / c);
                        next[idx] = true;
                        changed = true;
                    }
                }
            }
            k = next;
        }
    }

    /** One pass of a separable [1 2 1] / 4 filter, edges replicated. */
    private static float[] smooth(float[] v, int cols, int rows) {
        float[] a = new float[v.length], b = new float[v.length];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                int l = Math.max(0, i - 1), r = Math.min(cols - 1, i + 1);
                a[j * cols + i] = (v[j * cols + l] + 2 * v[j * cols + i] + v[j * cols + r]) / 4;
            }
        }
        for (int j = 0; j < rows; j++) {
            int u = Math.max(0, j - 1), d = Math.min(rows - 1, j + 1);
            for (int i = 0; i < cols; i++) b[j * cols + i] = (a[u * cols + i] + 2 * a[j * cols + i] + a[d * cols + i]) / 4;
        }
        return b;
    }

    private static DisplacementField add(DisplacementField f, float[][] update) {
        float[] dx = f.dx().clone(), dy = f.dy().clone();
        for (int k = 0; k < dx.length; k++) {
            dx[k] += update[0][k];
            dy[k] += update[1][k];
        }
        return new DisplacementField(f.spacing(), f.cols(), f.rows(), dx, dy);
    }

    // ---- residual error ----

    /** Median shift (level-0 pixels) still measured at level 0 on a grid offset from the refinement grid, and the patch count. */
    private double[] residual(Pyramid moving, int ch, RoundTransform t, double s0) {
        int g = options.grid() - 1;
        List<double[]> centres = new ArrayList<>();
        for (int j = 0; j < g; j++) {
            for (int i = 0; i < g; i++) centres.add(new double[] {(i + 0.5) * reference.width() / g, (j + 0.5) * reference.height() / g});
        }
        double[] d = measure(moving, ch, t, 1, s0, centres).stream().filter(Measure::ok)
                .mapToDouble(m -> Math.hypot(m.dx(), m.dy())).sorted().toArray();
        if (d.length == 0) return new double[] {Double.NaN, 0};
        double med = d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
        return new double[] {med, d.length};
    }
}
