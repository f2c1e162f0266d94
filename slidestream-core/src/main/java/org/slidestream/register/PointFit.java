package org.slidestream.register;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Least-squares and RANSAC fits of a rigid or affine map to point pairs. */
final class PointFit {
    private PointFit() {}

    /** A correspondence: reference point {@code (rx, ry)} lies at moving point {@code (mx, my)}. */
    record Pair(double rx, double ry, double mx, double my) {}

    /** The fitted map and the indices of the pairs it explains within the threshold. */
    record Fit(Affine affine, List<Integer> inliers) {}

    /**
     * RANSAC (fixed seed, so deterministic) over minimal samples, then least squares on the inliers.
     * {@code scale} fixes the scale of rigid fits. Null when fewer than a minimal sample exist.
     */
    static Fit ransac(List<Pair> pairs, RegistrationOptions.Model model, double scale, double threshold) {
        int k = model == RegistrationOptions.Model.RIGID ? 2 : 3;
        if (pairs.size() < k) return null;
        SplittableRandom rnd = new SplittableRandom(0x5EED);
        List<Integer> best = List.of();
        for (int it = 0; it < 400; it++) {
            List<Pair> sample = new ArrayList<>(k);
            int[] idx = new int[k];
            for (int s = 0; s < k; s++) {
                int i;
                do { i = rnd.nextInt(pairs.size()); } while (contains(idx, s, i));
                idx[s] = i;
                sample.add(pairs.get(i));
            }
            Affine a = fit(sample, model, scale);
            if (a == null) continue;
            List<Integer> in = inliers(pairs, a, threshold);
            if (in.size() > best.size()) best = in;
        }
        if (best.size() < k) return null;
        Affine a = null;
        for (int round = 0; round < 3; round++) {
            List<Pair> in = new ArrayList<>();
            for (int i : best) in.add(pairs.get(i));
            Affine f = fit(in, model, scale);
            if (f == null) break;
            a = f;
            List<Integer> next = inliers(pairs, a, threshold);
            if (next.equals(best) || next.size() < k) break;
            best = next;
        }
        return a == null ? null : new Fit(a, best);
    }

    private static boolean contains(int[] idx, int n, int v) {
        for (int i = 0; i < n; i++) if (idx[i] == v) return true;
        return false;
    }

    static List<Integer> inliers(List<Pair> pairs, Affine a, double threshold) {
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            Pair p = pairs.get(i);
            double ex = a.x(p.rx(), p.ry()) - p.mx(), ey = a.y(p.rx(), p.ry()) - p.my();
            if (ex * ex + ey * ey <= threshold * threshold) in.add(i);
        }
        return in;
    }

    static Affine fit(List<Pair> pairs, RegistrationOptions.Model model, double scale) {
        return model == RegistrationOptions.Model.RIGID ? rigid(pairs, scale) : affine(pairs);
    }

    /** Rotation and translation at a fixed scale (2-D Procrustes). */
    static Affine rigid(List<Pair> pairs, double scale) {
        int n = pairs.size();
        if (n < 2) return null;
        double rx = 0, ry = 0, mx = 0, my = 0;
        for (Pair p : pairs) { rx += p.rx(); ry += p.ry(); mx += p.mx(); my += p.my(); }
        rx /= n; ry /= n; mx /= n; my /= n;
        double sc = 0, ss = 0;
        for (Pair p : pairs) {
            double ax = p.rx() - rx, ay = p.ry() - ry, bx = p.mx() - mx, by = p.my() - my;
            sc += ax * bx + ay * by;
            ss += ax * by - ay * bx;
        }
        double t = Math.atan2(ss, sc), c = Math.cos(t) * scale, s = Math.sin(t) * scale;
        return new Affine(c, -s, mx - c * rx + s * ry, s, c, my - s * rx - c * ry);
    }

    /** Full affine by least squares (normal equations, centred for conditioning). */
    static Affine affine(List<Pair> pairs) {
        int n = pairs.size();
        if (n < 3) return null;
        double rx = 0, ry = 0, mx = 0, my = 0;
        for (Pair p : pairs) { rx += p.rx(); ry += p.ry(); mx += p.mx(); my += p.my(); }
        rx /= n; ry /= n; mx /= n; my /= n;
        double sxx = 0, sxy = 0, syy = 0, bxx = 0, bxy = 0, byx = 0, byy = 0;
        for (Pair p : pairs) {
            double ax = p.rx() - rx, ay = p.ry() - ry, ux = p.mx() - mx, uy = p.my() - my;
            sxx += ax * ax; sxy += ax * ay; syy += ay * ay;
            bxx += ax * ux; bxy += ay * ux; byx += ax * uy; byy += ay * uy;
        }
        double det = sxx * syy - sxy * sxy;
        if (Math.abs(det) < 1e-9 * Math.max(1, sxx * syy)) return null;
        double m00 = (bxx * syy - bxy * sxy) / det, m01 = (bxy * sxx - bxx * sxy) / det;
        double m10 = (byx * syy - byy * sxy) / det, m11 = (byy * sxx - byx * sxy) / det;
        return new Affine(m00, m01, mx - m00 * rx - m01 * ry, m10, m11, my - m10 * rx - m11 * ry);
    }
}
