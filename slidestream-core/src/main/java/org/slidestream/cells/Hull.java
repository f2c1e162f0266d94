package org.slidestream.cells;

import java.util.Arrays;

/**
 * Convex hulls of cells as scikit-image computes them for {@code solidity}: the hull of every
 * pixel's four edge midpoints ({@code (x ± 0.5, y)}, {@code (x, y ± 0.5)}), and the convex area
 * as the number of pixel centres inside or on that hull. Points are kept in doubled coordinates
 * (integers), so hulls and counts are exact. A hull is an {@code int[]} of x, y pairs,
 * counter-clockwise, collinear points removed.
 */
final class Hull {
    static final int[] EMPTY = new int[0];

    private Hull() {}

    /** The candidate points of a row run {@code xa..xb} at row {@code y}: the extreme pixels' midpoints. */
    static void addRun(IntList points, int xa, int xb, int y) {
        int y2 = 2 * y;
        points.add(2 * xa - 1, y2);
        points.add(2 * xa, y2 - 1);
        points.add(2 * xa, y2 + 1);
        points.add(2 * xb + 1, y2);
        if (xb != xa) {
            points.add(2 * xb, y2 - 1);
            points.add(2 * xb, y2 + 1);
        }
    }

    /** The hull of {@code hull}'s vertices and {@code n} more points (x, y pairs). */
    static int[] merge(int[] hull, int[] points, int n) {
        int total = hull.length / 2 + n;
        long[] p = new long[total];
        int k = 0;
        for (int i = 0; i < hull.length; i += 2) p[k++] = pack(hull[i], hull[i + 1]);
        for (int i = 0; i < n; i++) p[k++] = pack(points[2 * i], points[2 * i + 1]);
        return of(p, k);
    }

    /** Sorts by x then y: the packed value orders so for coordinates within +-2^30. */
    private static long pack(int x, int y) {
        return ((long) x << 32) | ((long) y - Integer.MIN_VALUE);
    }

    private static int px(long v) { return (int) (v >> 32); }

    private static int py(long v) { return (int) ((v & 0xFFFFFFFFL) + Integer.MIN_VALUE); }

    /** Andrew's monotone chain over the first {@code n} packed points. */
    private static int[] of(long[] p, int n) {
        Arrays.sort(p, 0, n);
        int m = 0;
        for (int i = 0; i < n; i++) if (i == 0 || p[i] != p[i - 1]) p[m++] = p[i];
        if (m <= 2) {
            int[] out = new int[2 * m];
            for (int i = 0; i < m; i++) {
                out[2 * i] = px(p[i]);
                out[2 * i + 1] = py(p[i]);
            }
            return out;
        }
        long[] h = new long[2 * m];
        int k = 0;
        for (int i = 0; i < m; i++) {
            while (k >= 2 && cross(h[k - 2], h[k - 1], p[i]) <= 0) k--;
            h[k++] = p[i];
        }
        for (int i = m - 2, lower = k + 1; i >= 0; i--) {
            while (k >= lower && cross(h[k - 2], h[k - 1], p[i]) <= 0) k--;
            h[k++] = p[i];
        }
        k--; // the last point is the first
        int[] out = new int[2 * k];
        for (int i = 0; i < k; i++) {
            out[2 * i] = px(h[i]);
            out[2 * i + 1] = py(h[i]);
        }
        return out;
    }

    private static long cross(long o, long a, long b) {
        long ox = px(o), oy = py(o);
        return (px(a) - ox) * (py(b) - oy) - (py(a) - oy) * (px(b) - ox);
    }

    /**
     * Pixel centres (even points in doubled coordinates) inside or on the hull: scikit-image's
     * {@code area_convex}, which counts grid points on the boundary as inside.
     */
    static long latticeCount(int[] hull) {
        int n = hull.length / 2;
        if (n == 0) return 0;
        int minY = Integer.MAX_VALUE, maxY = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            minY = Math.min(minY, hull[2 * i + 1]);
            maxY = Math.max(maxY, hull[2 * i + 1]);
        }
        long count = 0;
        for (int y = Math.ceilDiv(minY, 2) * 2; y <= maxY; y += 2) {
            // the hull's extent on this row: the smallest and largest crossing, as fractions num / den
            long loN = 0, loD = 0, hiN = 0, hiD = 0;
            for (int i = 0; i < n; i++) {
                int j = (i + 1) % n;
                long x0 = hull[2 * i], y0 = hull[2 * i + 1], x1 = hull[2 * j], y1 = hull[2 * j + 1];
                long num, den;
                if (y0 == y1) {
                    if (y0 != y) continue;
                    for (long x : new long[] {x0, x1}) {
                        if (loD == 0 || x * loD < loN) { loN = x; loD = 1; }
                        if (hiD == 0 || x * hiD > hiN) { hiN = x; hiD = 1; }
                    }
                    continue;
                }
                if (y < Math.min(y0, y1) || y > Math.max(y0, y1)) continue;
                num = x0 * (y1 - y0) + (x1 - x0) * (y - y0);
                den = y1 - y0;
                if (den < 0) { num = -num; den = -den; }
                if (loD == 0 || num * loD < loN * den) { loN = num; loD = den; }
                if (hiD == 0 || num * hiD > hiN * den) { hiN = num; hiD = den; }
            }
            if (loD == 0) continue;
            // even x with lo <= x <= hi: x = 2k, k from ceil(lo / 2) to floor(hi / 2)
            long kLo = Math.ceilDiv(loN, 2 * loD), kHi = Math.floorDiv(hiN, 2 * hiD);
            if (kHi >= kLo) count += kHi - kLo + 1;
        }
        return count;
    }
}
