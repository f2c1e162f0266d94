package org.slidestream.synth;

import java.util.Arrays;

/**
 * Where a synthetic slide has tissue: smooth low-frequency noise, faded out towards the slide's
 * border, above a threshold chosen from a sample of the whole slide so that half of it is tissue.
 * Evaluated on a global grid of {@link #GRID} pixels and interpolated bilinearly, so the value at a
 * pixel depends only on its coordinates and the seed.
 */
final class TissueField {
    static final int GRID = 8;
    private static final int OCTAVES = 5;

    private final long seed;
    private final int width;
    private final int height;
    private final double period;
    private final double margin;
    private final double threshold;

    TissueField(int width, int height, long seed) {
        this.seed = Noise.mix(seed ^ 0x7155_0E5EL);
        this.width = width;
        this.height = height;
        this.period = Math.max(64, Math.max(width, height) / 2.5);
        this.margin = Math.max(8, 0.05 * Math.min(width, height));
        int n = 128;
        double[] sample = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) sample[j * n + i] = raw((i + 0.5) * width / n, (j + 0.5) * height / n);
        }
        Arrays.sort(sample);
        this.threshold = sample[sample.length / 2];
    }

    /** Field value at a point: noise times the border fade. */
    double raw(double x, double y) {
        double edge = Math.min(Math.min(x, width - x), Math.min(y, height - y)) / margin;
        double fade = Math.max(0, Math.min(1, edge));
        return Noise.fbm(seed, x, y, period, OCTAVES) * fade;
    }

    /** How far inside tissue a point is (> 0 inside, < 0 outside), in field units. */
    double depth(double x, double y) {
        return raw(x, y) - threshold;
    }

    double threshold() { return threshold; }

    /**
     * Field values at the grid points covering {@code [x0, x0+w) x [y0, y0+h)}: {@code cols x rows}
     * values starting at grid point ({@code floor(x0/GRID)}, {@code floor(y0/GRID)}), minus the threshold.
     */
    double[] grid(int x0, int y0, int w, int h, int[] shape) {
        int gx0 = Math.floorDiv(x0, GRID), gy0 = Math.floorDiv(y0, GRID);
        int cols = Math.floorDiv(x0 + w - 1, GRID) - gx0 + 2, rows = Math.floorDiv(y0 + h - 1, GRID) - gy0 + 2;
        double[] g = new double[cols * rows];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) g[j * cols + i] = depth((double) (gx0 + i) * GRID, (double) (gy0 + j) * GRID);
        }
        shape[0] = cols;
        shape[1] = rows;
        return g;
    }

    /** Bilinear interpolation of a {@link #grid} at pixel (x, y). */
    static double at(double[] g, int cols, int gx0, int gy0, int x, int y) {
        int gx = Math.floorDiv(x, GRID), gy = Math.floorDiv(y, GRID);
        double u = (x - gx * GRID) / (double) GRID, v = (y - gy * GRID) / (double) GRID;
        int i = (gy - gy0) * cols + (gx - gx0);
        double a = g[i], b = g[i + 1], c = g[i + cols], d = g[i + cols + 1];
        double top = a + (b - a) * u, bottom = c + (d - c) * u;
        return top + (bottom - top) * v;
    }
}
