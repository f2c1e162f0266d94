package org.slidestream.cells;

import java.util.Arrays;

/**
 * One accumulator per cell, filled from tiles in tile order: what {@link TileCells} counts,
 * with positions relative to a reference point per cell (the origin of the first tile it was
 * seen in) so that sums stay small and exact, and the convex hull grown tile by tile. Memory is
 * a few hundred bytes per cell, whatever the image's size.
 */
final class CellTable {
    final int channels;
    private final LongIntMap index = new LongIntMap(1024);
    int count;
    long[] label = new long[1024];
    long[] area = new long[1024];
    int[] refX = new int[1024], refY = new int[1024];
    double[] sx = new double[1024], sy = new double[1024];
    double[] sxx = new double[1024], syy = new double[1024], sxy = new double[1024];
    int[] x0 = new int[1024], y0 = new int[1024], x1 = new int[1024], y1 = new int[1024];
    int[][] hull = new int[1024][];
    double[] sum, sumSq, min, max;

    CellTable(int channels) {
        this.channels = channels;
        sum = new double[1024 * channels];
        sumSq = new double[1024 * channels];
        min = new double[1024 * channels];
        max = new double[1024 * channels];
    }

    /** The row of a label, or -1. */
    int indexOf(long lab) {
        return index.get(lab);
    }

    /** Adds a tile's cells (tiles must come in a fixed order for floating-point sums to be reproducible). */
    void add(TileCells t) {
        for (int j = 0; j < t.count; j++) {
            int i = index.get(t.label[j]);
            if (i < 0) {
                i = newCell(t.label[j], t.originX, t.originY);
                index.put(t.label[j], i);
            }
            long n = t.area[j];
            double dx = t.originX - refX[i], dy = t.originY - refY[i];
            double ax = t.sx[j], ay = t.sy[j];
            // moments about the cell's reference point from moments about the tile's origin (exact integers)
            sxx[i] += t.sxx[j] + 2 * dx * ax + n * dx * dx;
            syy[i] += t.syy[j] + 2 * dy * ay + n * dy * dy;
            sxy[i] += t.sxy[j] + dx * ay + dy * ax + n * dx * dy;
            sx[i] += ax + n * dx;
            sy[i] += ay + n * dy;
            area[i] += n;
            x0[i] = Math.min(x0[i], t.x0[j]);
            y0[i] = Math.min(y0[i], t.y0[j]);
            x1[i] = Math.max(x1[i], t.x1[j]);
            y1[i] = Math.max(y1[i], t.y1[j]);
            int[] h = t.hull[j];
            hull[i] = hull[i] == null ? h : Hull.merge(hull[i], h, h.length / 2);
            int c0 = i * channels, d0 = j * channels;
            for (int c = 0; c < channels; c++) {
                sum[c0 + c] += t.sum[d0 + c];
                sumSq[c0 + c] += t.sumSq[d0 + c];
                min[c0 + c] = Math.min(min[c0 + c], t.min[d0 + c]);
                max[c0 + c] = Math.max(max[c0 + c], t.max[d0 + c]);
            }
        }
    }

    private int newCell(long lab, int rx, int ry) {
        if (count == label.length) grow(count * 2);
        int i = count++;
        label[i] = lab;
        refX[i] = rx;
        refY[i] = ry;
        x0[i] = Integer.MAX_VALUE;
        y0[i] = Integer.MAX_VALUE;
        x1[i] = Integer.MIN_VALUE;
        y1[i] = Integer.MIN_VALUE;
        Arrays.fill(min, i * channels, (i + 1) * channels, Double.POSITIVE_INFINITY);
        Arrays.fill(max, i * channels, (i + 1) * channels, Double.NEGATIVE_INFINITY);
        return i;
    }

    private void grow(int cap) {
        label = Arrays.copyOf(label, cap);
        area = Arrays.copyOf(area, cap);
        refX = Arrays.copyOf(refX, cap);
        refY = Arrays.copyOf(refY, cap);
        sx = Arrays.copyOf(sx, cap);
        sy = Arrays.copyOf(sy, cap);
        sxx = Arrays.copyOf(sxx, cap);
        syy = Arrays.copyOf(syy, cap);
        sxy = Arrays.copyOf(sxy, cap);
        x0 = Arrays.copyOf(x0, cap);
        y0 = Arrays.copyOf(y0, cap);
        x1 = Arrays.copyOf(x1, cap);
        y1 = Arrays.copyOf(y1, cap);
        hull = Arrays.copyOf(hull, cap);
        sum = Arrays.copyOf(sum, cap * channels);
        sumSq = Arrays.copyOf(sumSq, cap * channels);
        min = Arrays.copyOf(min, cap * channels);
        max = Arrays.copyOf(max, cap * channels);
    }

    /** Approximate bytes per cell held, for budget reservations. */
    long bytesPerCell() {
        return 8L * 10 + 4L * 6 + 32L * channels + 40 + 24 + 8L * 24;
    }

    /** Rows in label order (scikit-image's order). */
    int[] labelOrder() {
        Integer[] o = new Integer[count];
        for (int i = 0; i < count; i++) o[i] = i;
        Arrays.sort(o, (a, b) -> Long.compare(label[a], label[b]));
        int[] out = new int[count];
        for (int i = 0; i < count; i++) out[i] = o[i];
        return out;
    }

    /** Centroid x (column) in level-0 pixels: the mean of the pixel indices. */
    double centroidX(int i) { return refX[i] + sx[i] / area[i]; }

    double centroidY(int i) { return refY[i] + sy[i] / area[i]; }

    /**
     * The eigenvalues of the pixel positions' covariance (scikit-image's inertia tensor
     * eigenvalues), largest first, negatives clipped to 0.
     */
    double[] inertiaEigenvalues(int i) {
        double n = area[i];
        double mx = sx[i] / n, my = sy[i] / n;
        double vxx = sxx[i] / n - mx * mx, vyy = syy[i] / n - my * my, vxy = sxy[i] / n - mx * my;
        double mean = (vxx + vyy) / 2, d = Math.sqrt(((vxx - vyy) / 2) * ((vxx - vyy) / 2) + vxy * vxy);
        return new double[] {Math.max(0, mean + d), Math.max(0, mean - d)};
    }

    double eccentricity(int i) {
        double[] l = inertiaEigenvalues(i);
        return l[0] == 0 ? 0 : Math.sqrt(1 - l[1] / l[0]);
    }

    double solidity(int i) {
        return area[i] / (double) Hull.latticeCount(hull[i]);
    }

    double extent(int i) {
        return area[i] / ((double) (x1[i] - x0[i]) * (y1[i] - y0[i]));
    }
}
