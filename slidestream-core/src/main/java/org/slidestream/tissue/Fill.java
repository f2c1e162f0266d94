package org.slidestream.tissue;

import java.util.Arrays;

/**
 * Fills traced contours back into a mask, as {@code cv2.drawContours(..., thickness=FILLED)} does:
 * a pixel is inside when the contour winds around its centre (non-zero rule) or passes through it.
 * A region is its outer contour minus the inside of its holes (a hole's border pixels are tissue).
 */
final class Fill {
    private Fill() {}

    static void region(TissueRegion r, boolean[] mask, int w, int h) {
        polygon(r.outer(), mask, w, h, true);
        for (int[] hole : r.holes()) {
            polygon(hole, mask, w, h, false);
            for (int i = 0; i < hole.length; i += 2) mask[hole[i + 1] * w + hole[i]] = true;
        }
        int[] o = r.outer();
        for (int i = 0; i < o.length; i += 2) mask[o[i + 1] * w + o[i]] = true;
    }

    /**
     * Sets every pixel inside the closed polygon of unit-step points (and on its crossings) to
     * {@code value}. Scan line at each pixel row; an edge counts on the row of its lower end only
     * (half-open), so vertices on the line are counted once.
     */
    static void polygon(int[] xy, boolean[] mask, int w, int h, boolean value) {
        int n = xy.length / 2;
        if (n == 0) return;
        int minY = Integer.MAX_VALUE, maxY = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) { minY = Math.min(minY, xy[2 * i + 1]); maxY = Math.max(maxY, xy[2 * i + 1]); }
        int rows = maxY - minY + 1;
        long[][] ev = new long[rows][];
        int[] count = new int[rows];
        for (int i = 0; i < n; i++) {
            int j = i + 1 == n ? 0 : i + 1;
            int y0 = xy[2 * i + 1], y1 = xy[2 * j + 1];
            if (y0 == y1) continue;
            int row = Math.min(y0, y1) - minY;
            int x = y0 < y1 ? xy[2 * i] : xy[2 * j]; // the lower end, where the edge meets the row's line
            if (ev[row] == null) ev[row] = new long[4];
            if (count[row] == ev[row].length) ev[row] = Arrays.copyOf(ev[row], count[row] * 2);
            ev[row][count[row]++] = ((long) x << 2) | (y1 > y0 ? 2 : 0);
        }
        for (int row = 0; row < rows; row++) {
            int c = count[row];
            if (c < 2) continue;
            int y = row + minY;
            long[] e = ev[row];
            Arrays.sort(e, 0, c);
            int wind = 0;
            for (int k = 0; k < c - 1; k++) {
                wind += (e[k] & 2) != 0 ? 1 : -1;
                if (wind != 0) {
                    int xa = (int) (e[k] >> 2), xb = (int) (e[k + 1] >> 2);
                    for (int x = Math.max(0, xa); x <= Math.min(w - 1, xb); x++) mask[y * w + x] = value;
                }
            }
        }
    }
}
