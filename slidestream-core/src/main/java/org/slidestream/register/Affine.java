package org.slidestream.register;

/**
 * A 2-D affine map {@code (x, y) -> (m00 x + m01 y + m02, m10 x + m11 y + m12)}, in level-0 pixel
 * coordinates (pixel centres at integers).
 */
public record Affine(double m00, double m01, double m02, double m10, double m11, double m12) {

    public static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

    /** Rotation by {@code degrees} (counter-clockwise in image axes, y down) and scale about {@code (cx, cy)}, then translation. */
    public static Affine similarity(double degrees, double scale, double cx, double cy, double tx, double ty) {
        double a = Math.toRadians(degrees), c = Math.cos(a) * scale, s = Math.sin(a) * scale;
        return new Affine(c, -s, cx - c * cx + s * cy + tx, s, c, cy - s * cx - c * cy + ty);
    }

    public static Affine scale(double sx, double sy) {
        return new Affine(sx, 0, 0, 0, sy, 0);
    }

    public double x(double x, double y) { return m00 * x + m01 * y + m02; }

    public double y(double x, double y) { return m10 * x + m11 * y + m12; }

    public double determinant() { return m00 * m11 - m01 * m10; }

    /** Geometric mean of the axis scales (square root of the determinant's magnitude). */
    public double meanScale() { return Math.sqrt(Math.abs(determinant())); }

    /** Rotation angle in degrees of the linear part (exact for similarities). */
    public double rotationDegrees() { return Math.toDegrees(Math.atan2(m10 - m01, m00 + m11)); }

    public Affine inverse() {
        double det = determinant();
        if (Math.abs(det) < 1e-12) throw new IllegalStateException("affine map is singular");
        double i00 = m11 / det, i01 = -m01 / det, i10 = -m10 / det, i11 = m00 / det;
        return new Affine(i00, i01, -(i00 * m02 + i01 * m12), i10, i11, -(i10 * m02 + i11 * m12));
    }

    /** {@code this} after {@code first}: {@code p -> this(first(p))}. */
    public Affine after(Affine first) {
        return new Affine(
                m00 * first.m00 + m01 * first.m10, m00 * first.m01 + m01 * first.m11, m00 * first.m02 + m01 * first.m12 + m02,
                m10 * first.m00 + m11 * first.m10, m10 * first.m01 + m11 * first.m11, m10 * first.m02 + m11 * first.m12 + m12);
    }

    public double[][] matrix() {
        return new double[][] {{m00, m01, m02}, {m10, m11, m12}};
    }

    public static Affine of(double[][] m) {
        if (m.length != 2 || m[0].length != 3 || m[1].length != 3) {
            throw new IllegalArgumentException("an affine matrix has 2 rows of 3 numbers");
        }
        return new Affine(m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2]);
    }
}
