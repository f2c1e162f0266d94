package org.slidestream.cells;

import java.util.Arrays;

/**
 * What one tile says about the cells it holds: per label, the pixel count, first and second
 * moments of the pixel positions (relative to the tile's origin, exact integers), bounding box,
 * convex hull of the pixels, and per channel the sum, sum of squares, minimum and maximum of the
 * intensities; optionally every pixel's intensities (for medians). Built by scanning the tile's
 * rows as runs of equal labels, so position statistics cost one step per run.
 */
final class TileCells {
    final int originX;
    final int originY;
    final int channels;
    int count;
    long[] label;
    long[] area;
    long[] sx, sy, sxx, syy, sxy;
    int[] x0, y0, x1, y1;
    int[][] hull;
    double[] sum, sumSq, min, max;
    double[][] values;
    int[] valueCount;

    private TileCells(int originX, int originY, int channels, int capacity, boolean stats, boolean keepValues) {
        this.originX = originX;
        this.originY = originY;
        this.channels = channels;
        label = new long[capacity];
        if (stats) {
            area = new long[capacity];
            sx = new long[capacity];
            sy = new long[capacity];
            sxx = new long[capacity];
            syy = new long[capacity];
            sxy = new long[capacity];
            x0 = new int[capacity];
            y0 = new int[capacity];
            x1 = new int[capacity];
            y1 = new int[capacity];
            sum = new double[capacity * channels];
            sumSq = new double[capacity * channels];
            min = new double[capacity * channels];
            max = new double[capacity * channels];
            hull = new int[capacity][];
        }
        if (keepValues) {
            values = new double[capacity][];
            valueCount = new int[capacity];
        }
    }

    /**
     * Scans a tile.
     *
     * @param labels     w x h labels (0 = background)
     * @param pixels     w x h x channels intensities, interleaved
     * @param stats      compute the statistics (else only labels and values)
     * @param keepValues keep every pixel's intensities per cell
     */
    static TileCells scan(int originX, int originY, int w, int h, long[] labels, double[] pixels, int channels,
                          boolean stats, boolean keepValues) {
        LongIntMap index = new LongIntMap(64);
        TileCells t = new TileCells(originX, originY, channels, 64, stats, keepValues);
        IntList[] points = stats ? new IntList[64] : null;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int x = 0;
            while (x < w) {
                long lab = labels[row + x];
                if (lab == 0) {
                    x++;
                    continue;
                }
                int xa = x;
                while (x < w && labels[row + x] == lab) x++;
                int xb = x - 1;
                int i = index.get(lab);
                if (i < 0) {
                    i = t.add(lab);
                    index.put(lab, i);
                    if (stats && i >= points.length) points = Arrays.copyOf(points, t.label.length);
                }
                if (stats) {
                    if (points[i] == null) points[i] = new IntList();
                    t.addRun(i, xa, xb, y, points[i]);
                    t.addIntensities(i, pixels, (row + xa) * channels, (row + xb + 1) * channels);
                }
                if (keepValues) t.keep(i, pixels, (row + xa) * channels, (row + xb + 1) * channels);
            }
        }
        if (stats) {
            for (int i = 0; i < t.count; i++) t.hull[i] = Hull.merge(Hull.EMPTY, points[i].values, points[i].size / 2);
        }
        return t;
    }

    private int add(long lab) {
        if (count == label.length) grow(count * 2);
        int i = count++;
        label[i] = lab;
        if (area != null) {
            x0[i] = Integer.MAX_VALUE;
            y0[i] = Integer.MAX_VALUE;
            x1[i] = Integer.MIN_VALUE;
            y1[i] = Integer.MIN_VALUE;
            Arrays.fill(min, i * channels, (i + 1) * channels, Double.POSITIVE_INFINITY);
            Arrays.fill(max, i * channels, (i + 1) * channels, Double.NEGATIVE_INFINITY);
        }
        return i;
    }

    private void grow(int cap) {
        label = Arrays.copyOf(label, cap);
        if (area != null) {
            area = Arrays.copyOf(area, cap);
            sx = Arrays.copyOf(sx, cap);
            sy = Arrays.copyOf(sy, cap);
            sxx = Arrays.copyOf(sxx, cap);
            syy = Arrays.copyOf(syy, cap);
            sxy = Arrays.copyOf(sxy, cap);
            x0 = Arrays.copyOf(x0, cap);
            y0 = Arrays.copyOf(y0, cap);
            x1 = Arrays.copyOf(x1, cap);
            y1 = Arrays.copyOf(y1, cap);
            sum = Arrays.copyOf(sum, cap * channels);
            sumSq = Arrays.copyOf(sumSq, cap * channels);
            min = Arrays.copyOf(min, cap * channels);
            max = Arrays.copyOf(max, cap * channels);
            hull = Arrays.copyOf(hull, cap);
        }
        if (values != null) {
            values = Arrays.copyOf(values, cap);
            valueCount = Arrays.copyOf(valueCount, cap);
        }
    }

    /** Position statistics of the run {@code xa..xb} (tile coordinates) on row {@code y}. */
    private void addRun(int i, int xa, int xb, int y, IntList points) {
        long n = xb - xa + 1;
        long s1 = (long) (xa + xb) * n / 2;
        long s2 = squares(xb) - squares(xa - 1);
        area[i] += n;
        sx[i] += s1;
        sy[i] += n * y;
        sxx[i] += s2;
        syy[i] += n * y * y;
        sxy[i] += s1 * y;
        x0[i] = Math.min(x0[i], originX + xa);
        x1[i] = Math.max(x1[i], originX + xb + 1);
        y0[i] = Math.min(y0[i], originY + y);
        y1[i] = Math.max(y1[i], originY + y + 1);
        Hull.addRun(points, originX + xa, originX + xb, originY + y);
    }

    /** 0^2 + 1^2 + ... + k^2. */
    private static long squares(long k) {
        return k < 0 ? 0 : k * (k + 1) * (2 * k + 1) / 6;
    }

    private void addIntensities(int i, double[] pixels, int from, int to) {
        int c0 = i * channels;
        for (int p = from; p < to; p += channels) {
            for (int c = 0; c < channels; c++) {
                double v = pixels[p + c];
                sum[c0 + c] += v;
                sumSq[c0 + c] += v * v;
                if (v < min[c0 + c]) min[c0 + c] = v;
                if (v > max[c0 + c]) max[c0 + c] = v;
            }
        }
    }

    private void keep(int i, double[] pixels, int from, int to) {
        int n = to - from;
        double[] v = values[i];
        if (v == null) v = values[i] = new double[Math.max(16, n)];
        if (valueCount[i] + n > v.length) v = values[i] = Arrays.copyOf(v, Math.max(2 * v.length, valueCount[i] + n));
        System.arraycopy(pixels, from, v, valueCount[i], n);
        valueCount[i] += n;
    }
}
