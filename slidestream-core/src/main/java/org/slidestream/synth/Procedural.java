package org.slidestream.synth;

import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * H&E-like tissue computed from coordinates alone: pink eosin stroma with streaky fibre texture,
 * white vacuoles, purple hematoxylin nuclei (jittered ellipses, denser in places), on a white
 * glass background. Vacuoles are applied with max and nuclei with min, so overlapping shapes give
 * the same pixel whatever order a tile visits them in.
 */
final class Procedural implements Painter {
    static final int BACKGROUND_R = 243, BACKGROUND_G = 243, BACKGROUND_B = 241;
    private static final int CELL = 36;
    private static final int MAX_RADIUS = 13;
    private static final int VACUOLE_CELL = 96;
    private static final int MAX_VACUOLE = 26;
    private static final double EDGE = 0.012;

    private final long seed;
    private final TissueField tissue;
    private final double cos;
    private final double sin;

    Procedural(int width, int height, long seed) {
        this.seed = seed;
        this.tissue = new TissueField(width, height, seed);
        double angle = Noise.unit(Noise.mix(seed ^ 0xF1B3E5L), 0) * Math.PI;
        this.cos = Math.cos(angle);
        this.sin = Math.sin(angle);
    }

    TissueField tissue() { return tissue; }

    @Override
    public void paint(Region r, Raster dest) {
        int w = r.width(), h = r.height();
        int[] shape = new int[2];
        double[] field = tissue.grid(r.x(), r.y(), w, h, shape);
        double[] texture = textureGrid(r, shape);
        int cols = shape[0];
        int gx0 = Math.floorDiv(r.x(), TissueField.GRID), gy0 = Math.floorDiv(r.y(), TissueField.GRID);
        byte[] d = dest.bytes();
        int stride = dest.width() * 3;
        double[] rowField = new double[cols], rowTexture = new double[cols];
        int pixelSeed = (int) Noise.mix(seed);
        for (int j = 0; j < h; j++) {
            int y = r.y() + j;
            // interpolate the grid along y once per row, then along x per pixel
            int gy = (y >> 3) - gy0;
            double v = (y & 7) / 8.0;
            for (int i = 0; i < cols; i++) {
                int a = gy * cols + i, b = a + cols;
                rowField[i] = field[a] + (field[b] - field[a]) * v;
                rowTexture[i] = texture[a] + (texture[b] - texture[a]) * v;
            }
            int o = j * stride;
            for (int i = 0; i < w; i++, o += 3) {
                int x = r.x() + i;
                int gx = (x >> 3) - gx0;
                double u = (x & 7) / 8.0;
                double depth = rowField[gx] + (rowField[gx + 1] - rowField[gx]) * u;
                int ph = Noise.pixel(pixelSeed, x, y);
                int grain = (ph & 7) - 3;
                if (depth <= 0) {
                    d[o] = (byte) (BACKGROUND_R + (grain >> 1));
                    d[o + 1] = (byte) (BACKGROUND_G + (grain >> 1));
                    d[o + 2] = (byte) (BACKGROUND_B + (grain >> 1));
                    continue;
                }
                double a = Math.min(1, depth / EDGE);
                double s = rowTexture[gx] + (rowTexture[gx + 1] - rowTexture[gx]) * u;
                // fibres: light to dense eosin, a little fine grain
                double fine = ((ph >>> 8) & 15) - 7.5;
                double rr = 238 - 30 * s + fine * 0.8, gg = 178 - 70 * s + fine, bb = 208 - 38 * s + fine * 0.8;
                d[o] = (byte) clamp(BACKGROUND_R + (rr - BACKGROUND_R) * a + grain);
                d[o + 1] = (byte) clamp(BACKGROUND_G + (gg - BACKGROUND_G) * a + grain);
                d[o + 2] = (byte) clamp(BACKGROUND_B + (bb - BACKGROUND_B) * a + grain);
            }
        }
        vacuoles(r, dest);
        nuclei(r, dest);
    }

    /** Fibre texture in [0, 1] at the same grid points as the tissue field: noise stretched along one direction. */
    private double[] textureGrid(Region r, int[] shape) {
        int cols = shape[0], rows = shape[1];
        int gx0 = Math.floorDiv(r.x(), TissueField.GRID), gy0 = Math.floorDiv(r.y(), TissueField.GRID);
        double[] t = new double[cols * rows];
        long ts = Noise.mix(seed ^ 0x7E47_03EL);
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                double x = (double) (gx0 + i) * TissueField.GRID, y = (double) (gy0 + j) * TissueField.GRID;
                double u = (x * cos + y * sin) * 0.3, v = -x * sin + y * cos;
                double f = Noise.fbm(ts, u, v, 90, 3);
                double patchy = Noise.fbm(ts + 1, x, y, 700, 2);
                t[j * cols + i] = Math.max(0, Math.min(1, (f - 0.5) * 2.2 + patchy * 0.9 - 0.15));
            }
        }
        return t;
    }

    private void vacuoles(Region r, Raster dest) {
        long vs = Noise.mix(seed ^ 0x0ACE0L);
        int cx0 = Math.floorDiv(r.x() - MAX_VACUOLE - VACUOLE_CELL, VACUOLE_CELL), cx1 = Math.floorDiv(r.right() + MAX_VACUOLE, VACUOLE_CELL);
        int cy0 = Math.floorDiv(r.y() - MAX_VACUOLE - VACUOLE_CELL, VACUOLE_CELL), cy1 = Math.floorDiv(r.bottom() + MAX_VACUOLE, VACUOLE_CELL);
        for (int cy = cy0; cy <= cy1; cy++) {
            for (int cx = cx0; cx <= cx1; cx++) {
                long hh = Noise.hash(vs, cx, cy);
                if (Noise.unit(hh, 0) > 0.22) continue;
                double x = cx * VACUOLE_CELL + Noise.unit(hh, 1) * VACUOLE_CELL, y = cy * VACUOLE_CELL + Noise.unit(hh, 2) * VACUOLE_CELL;
                if (tissue.depth(x, y) < 0.02) continue;
                double rx = 8 + Noise.unit(hh, 3) * (MAX_VACUOLE - 9), ry = rx * (0.5 + 0.5 * Noise.unit(hh, 4));
                ellipse(r, dest, x, y, rx, ry, Noise.unit(hh, 5) * Math.PI, BACKGROUND_R - 4, BACKGROUND_G - 6, BACKGROUND_B - 5, true, 0);
            }
        }
    }

    private void nuclei(Region r, Raster dest) {
        long ns = Noise.mix(seed ^ 0x9C1EL);
        int cx0 = Math.floorDiv(r.x() - MAX_RADIUS - CELL, CELL), cx1 = Math.floorDiv(r.right() + MAX_RADIUS, CELL);
        int cy0 = Math.floorDiv(r.y() - MAX_RADIUS - CELL, CELL), cy1 = Math.floorDiv(r.bottom() + MAX_RADIUS, CELL);
        for (int cy = cy0; cy <= cy1; cy++) {
            for (int cx = cx0; cx <= cx1; cx++) {
                long hh = Noise.hash(ns, cx, cy);
                double x = cx * CELL + Noise.unit(hh, 1) * CELL, y = cy * CELL + Noise.unit(hh, 2) * CELL;
                double depth = tissue.depth(x, y);
                if (depth < 0.005) continue;
                double density = 0.15 + 0.8 * Noise.fbm(ns + 7, x, y, 1500, 2);
                if (Noise.unit(hh, 0) > density) continue;
                double rx = 6 + Noise.unit(hh, 3) * 6, ry = rx * (0.55 + 0.45 * Noise.unit(hh, 4));
                double dark = Noise.unit(hh, 6);
                int nr = (int) (95 + 45 * dark), ng = (int) (55 + 40 * dark), nb = (int) (140 + 35 * dark);
                ellipse(r, dest, x, y, rx, ry, Noise.unit(hh, 5) * Math.PI, nr, ng, nb, false, hh);
            }
        }
    }

    /**
     * Paints one ellipse into the part of it inside {@code r}: with {@code lighten}, each sample
     * becomes the max of itself and the colour (vacuoles); otherwise the min (nuclei, with chromatin grain).
     */
    private void ellipse(Region r, Raster dest, double cx, double cy, double rx, double ry, double angle,
                         int cr, int cg, int cb, boolean lighten, long grainSeed) {
        int ext = (int) Math.ceil(Math.max(rx, ry)) + 1;
        int x0 = Math.max(r.x(), (int) Math.floor(cx) - ext), x1 = Math.min(r.right(), (int) Math.floor(cx) + ext + 1);
        int y0 = Math.max(r.y(), (int) Math.floor(cy) - ext), y1 = Math.min(r.bottom(), (int) Math.floor(cy) + ext + 1);
        if (x0 >= x1 || y0 >= y1) return;
        double c = Math.cos(angle), s = Math.sin(angle), irx = 1 / (rx * rx), iry = 1 / (ry * ry);
        byte[] d = dest.bytes();
        int stride = dest.width() * 3;
        for (int y = y0; y < y1; y++) {
            double dy = y + 0.5 - cy;
            int o = (y - r.y()) * stride + (x0 - r.x()) * 3;
            for (int x = x0; x < x1; x++, o += 3) {
                double dx = x + 0.5 - cx;
                double u = dx * c + dy * s, v = -dx * s + dy * c;
                double q = u * u * irx + v * v * iry;
                if (q >= 1) continue;
                double a = Math.min(1, (1 - q) * 4);
                if (lighten) {
                    put(d, o, (int) (cr * a), (int) (cg * a), (int) (cb * a), true);
                } else {
                    int grain = (Noise.pixel((int) grainSeed, x, y) & 31) - 16;
                    put(d, o, (int) (255 - (255 - cr - grain) * a), (int) (255 - (255 - cg - grain) * a),
                            (int) (255 - (255 - cb - grain * 0.6) * a), false);
                }
            }
        }
    }

    private static void put(byte[] d, int o, int r, int g, int b, boolean max) {
        put(d, o, r, max);
        put(d, o + 1, g, max);
        put(d, o + 2, b, max);
    }

    private static void put(byte[] d, int o, int value, boolean max) {
        int old = d[o] & 0xFF, nv = clamp(value);
        d[o] = (byte) (max ? Math.max(old, nv) : Math.min(old, nv));
    }

    private static int clamp(double v) {
        return v < 0 ? 0 : v > 255 ? 255 : (int) v;
    }
}
