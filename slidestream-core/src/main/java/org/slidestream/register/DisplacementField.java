package org.slidestream.register;

import java.util.Arrays;

/**
 * A smooth displacement on a regular grid over the reference image: node {@code (i, j)} sits at
 * level-0 reference pixel {@code (i * spacing, j * spacing)}; between nodes the displacement is
 * interpolated bilinearly, beyond the last nodes it is held constant. Displacements are in
 * reference level-0 pixels and are added to the reference point before the affine map.
 */
public record DisplacementField(double spacing, int cols, int rows, float[] dx, float[] dy) {

    public DisplacementField {
        if (!(spacing > 0) || cols < 1 || rows < 1) throw new IllegalArgumentException("bad displacement grid");
        if (dx.length != cols * rows || dy.length != cols * rows) {
            throw new IllegalArgumentException("displacement grid needs " + cols * rows + " values per axis");
        }
    }

    /** A zero field whose nodes cover a {@code width x height} image. */
    public static DisplacementField zero(int width, int height, double spacing) {
        int cols = (int) Math.ceil((width - 1) / spacing) + 1, rows = (int) Math.ceil((height - 1) / spacing) + 1;
        return new DisplacementField(spacing, cols, rows, new float[cols * rows], new float[cols * rows]);
    }

    /** Displacement at {@code (x, y)} into {@code out[0..1]}. */
    public void at(double x, double y, double[] out) {
        double gx = Math.max(0, Math.min(cols - 1, x / spacing)), gy = Math.max(0, Math.min(rows - 1, y / spacing));
        int i = Math.min((int) gx, cols - 2 < 0 ? 0 : cols - 2), j = Math.min((int) gy, rows - 2 < 0 ? 0 : rows - 2);
        double fx = cols == 1 ? 0 : gx - i, fy = rows == 1 ? 0 : gy - j;
        int i1 = Math.min(i + 1, cols - 1), j1 = Math.min(j + 1, rows - 1);
        int a = j * cols + i, b = j * cols + i1, c = j1 * cols + i, d = j1 * cols + i1;
        double w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
        out[0] = w00 * dx[a] + w10 * dx[b] + w01 * dx[c] + w11 * dx[d];
        out[1] = w00 * dy[a] + w10 * dy[b] + w01 * dy[c] + w11 * dy[d];
    }

    /** Largest displacement length over the nodes. */
    public double maxMagnitude() {
        double m = 0;
        for (int k = 0; k < dx.length; k++) m = Math.max(m, Math.hypot(dx[k], dy[k]));
        return m;
    }

    @Override public boolean equals(Object o) {
        return o instanceof DisplacementField f && f.spacing == spacing && f.cols == cols && f.rows == rows
                && Arrays.equals(f.dx, dx) && Arrays.equals(f.dy, dy);
    }

    @Override public int hashCode() { return Arrays.hashCode(dx) * 31 + Arrays.hashCode(dy); }

    @Override public String toString() { return "DisplacementField[" + cols + "x" + rows + " nodes, spacing " + spacing + "]"; }
}
