package org.slidestream.stain;

/**
 * Vahadane et al. 2016, "Structure-preserving color normalization and sparse stain separation for
 * histological images": the optical densities {@code V (n x 3)} are factorised as {@code V = C D}
 * with a non-negative dictionary {@code D} of two stain rows (each of norm at most 1) and sparse
 * non-negative concentrations {@code C}, minimising {@code 1/2 |V - C D|^2 + lambda |C|_1}.
 *
 * <p>The factorisation alternates, for a fixed number of iterations, an exact non-negative lasso
 * for every pixel's concentrations and a projected block-coordinate update of each stain row from
 * the accumulated statistics (the dictionary update of Mairal et al.'s dictionary learning, which
 * SPAMS implements). It starts from Ruifrok and Johnston's H&E vectors, so no random seed is
 * involved and the result depends only on the pixels.
 */
final class Vahadane {
    /** Pixels the factorisation runs on, at most (an even thinning of the tissue pixels). */
    static final int MAX_PIXELS = 100_000;
    static final double[] RUIFROK_H = {0.650, 0.704, 0.286};
    static final double[] RUIFROK_E = {0.072, 0.990, 0.105};

    private Vahadane() {}

    static double[][] stains(float[] od, int n, StainParameters p) {
        int step = Math.max(1, Math.ceilDiv(n, MAX_PIXELS));
        int m = Math.ceilDiv(n, step);
        double[][] d = {StainFitter.unit(RUIFROK_H), StainFitter.unit(RUIFROK_E)};
        float[] c = new float[2];
        for (int it = 0; it < p.iterations(); it++) {
            Concentrations.Lasso2 lasso = new Concentrations.Lasso2(d, p.lambda());
            double a00 = 0, a01 = 0, a11 = 0;
            double[][] bx = new double[2][3];
            for (int i = 0; i < n; i += step) {
                float r = od[3 * i], g = od[3 * i + 1], b = od[3 * i + 2];
                lasso.solve(r, g, b, c);
                a00 += c[0] * c[0];
                a01 += c[0] * c[1];
                a11 += c[1] * c[1];
                bx[0][0] += c[0] * r; bx[0][1] += c[0] * g; bx[0][2] += c[0] * b;
                bx[1][0] += c[1] * r; bx[1][1] += c[1] * g; bx[1][2] += c[1] * b;
            }
            double[][] a = {{a00, a01}, {a01, a11}};
            for (int j = 0; j < 2; j++) {
                if (a[j][j] < 1e-12 * m) continue; // an unused atom stays where it is
                double[] u = new double[3];
                double norm = 0;
                for (int k = 0; k < 3; k++) {
                    double dk = d[j][k] + (bx[j][k] - (a[0][j] * d[0][k] + a[1][j] * d[1][k])) / a[j][j];
                    u[k] = Math.max(0, dk);
                    norm += u[k] * u[k];
                }
                norm = Math.sqrt(norm);
                if (norm == 0) return null;
                double scale = 1 / Math.max(norm, 1);
                for (int k = 0; k < 3; k++) d[j][k] = u[k] * scale;
            }
        }
        double[] h = StainFitter.unit(d[0]), e = StainFitter.unit(d[1]);
        return h[0] >= e[0] ? new double[][] {h, e} : new double[][] {e, h};
    }
}
