package org.slidestream.register;

/**
 * Where each reference pixel lies in a moving round, in level-0 pixels of both images:
 * {@code moving = affine(p + field(p))} for a reference point {@code p}; {@code field} is null for
 * a purely affine registration. This is the direction warping needs (inverse mapping);
 * {@link #toReference} maps the other way.
 */
public record RoundTransform(Affine affine, DisplacementField field) {

    public static final RoundTransform IDENTITY = new RoundTransform(Affine.IDENTITY, null);

    public RoundTransform withAffine(Affine a) { return new RoundTransform(a, field); }

    public RoundTransform withField(DisplacementField f) { return new RoundTransform(affine, f); }

    /** Maps a reference point to the moving round: {@code out[0..1]}. */
    public void toMoving(double x, double y, double[] out) {
        if (field != null) {
            field.at(x, y, out);
            x += out[0];
            y += out[1];
        }
        out[0] = affine.x(x, y);
        out[1] = affine.y(x, y);
    }

    /**
     * Maps a moving-round point to the reference, inverting the displacement by fixed-point
     * iteration (it converges because the field is smooth and small against its grid spacing).
     */
    public void toReference(double x, double y, double[] out) {
        Affine inv = affine.inverse();
        double px = inv.x(x, y), py = inv.y(x, y);
        if (field == null) {
            out[0] = px;
            out[1] = py;
            return;
        }
        double rx = px, ry = py;
        double[] d = new double[2];
        for (int it = 0; it < 50; it++) {
            field.at(rx, ry, d);
            double nx = px - d[0], ny = py - d[1];
            boolean done = Math.abs(nx - rx) < 1e-4 && Math.abs(ny - ry) < 1e-4;
            rx = nx;
            ry = ny;
            if (done) break;
        }
        out[0] = rx;
        out[1] = ry;
    }
}
