package org.slidestream.stain;

/**
 * Stain concentrations of optical densities: by least squares on the two stain vectors (Macenko)
 * or by non-negative lasso (Vahadane), and their 99th percentiles.
 */
final class Concentrations {
    static final double MAX_PERCENTILE = 99;

    private Concentrations() {}

    /** {@code (S^T S)^-1 S^T} for the stain rows {@code s} (2 x 3): concentrations = P * od. */
    static double[][] pseudoInverse(double[][] s) {
        double a = StainFitter.dot(s[0], s[0]), b = StainFitter.dot(s[0], s[1]), d = StainFitter.dot(s[1], s[1]);
        double det = a * d - b * b;
        double[][] p = new double[2][3];
        for (int k = 0; k < 3; k++) {
            p[0][k] = (d * s[0][k] - b * s[1][k]) / det;
            p[1][k] = (-b * s[0][k] + a * s[1][k]) / det;
        }
        return p;
    }

    static float[] leastSquaresMax(float[] od, int n, double[][] stains) {
        double[][] p = pseudoInverse(stains);
        float[] h = new float[n], e = new float[n];
        float p00 = (float) p[0][0], p01 = (float) p[0][1], p02 = (float) p[0][2];
        float p10 = (float) p[1][0], p11 = (float) p[1][1], p12 = (float) p[1][2];
        for (int i = 0; i < n; i++) {
            float r = od[3 * i], g = od[3 * i + 1], b = od[3 * i + 2];
            h[i] = p00 * r + p01 * g + p02 * b;
            e[i] = p10 * r + p11 * g + p12 * b;
        }
        return new float[] {Stats.percentile(h, n, MAX_PERCENTILE), Stats.percentile(e, n, MAX_PERCENTILE)};
    }

    static float[] lassoMax(float[] od, int n, double[][] stains, float lambda) {
        Lasso2 lasso = new Lasso2(stains, lambda);
        float[] h = new float[n], e = new float[n], c = new float[2];
        for (int i = 0; i < n; i++) {
            lasso.solve(od[3 * i], od[3 * i + 1], od[3 * i + 2], c);
            h[i] = c[0];
            e[i] = c[1];
        }
        return new float[] {Stats.percentile(h, n, MAX_PERCENTILE), Stats.percentile(e, n, MAX_PERCENTILE)};
    }

    /**
     * The non-negative lasso with two atoms, solved exactly: minimise
     * {@code 1/2 |x - a d1 - b d2|^2 + lambda (a + b)} over {@code a, b >= 0}. The optimum is the
     * interior solution of the normal equations when both are positive, else the better of the two
     * one-atom solutions (each clipped at zero).
     */
    static final class Lasso2 {
        final float d10, d11, d12, d20, d21, d22;
        final float g11, g12, g22, det, lambda;

        Lasso2(double[][] d, float lambda) {
            d10 = (float) d[0][0]; d11 = (float) d[0][1]; d12 = (float) d[0][2];
            d20 = (float) d[1][0]; d21 = (float) d[1][1]; d22 = (float) d[1][2];
            g11 = d10 * d10 + d11 * d11 + d12 * d12;
            g22 = d20 * d20 + d21 * d21 + d22 * d22;
            g12 = d10 * d20 + d11 * d21 + d12 * d22;
            det = g11 * g22 - g12 * g12;
            this.lambda = lambda;
        }

        void solve(float r, float g, float b, float[] out) {
            float b1 = d10 * r + d11 * g + d12 * b - lambda;
            float b2 = d20 * r + d21 * g + d22 * b - lambda;
            if (det > 0) {
                float a1 = (g22 * b1 - g12 * b2) / det;
                float a2 = (g11 * b2 - g12 * b1) / det;
                if (a1 >= 0 && a2 >= 0) {
                    out[0] = a1;
                    out[1] = a2;
                    return;
                }
            }
            // one atom: a = max(0, b1 / g11) with the other zero; objective relative to a = b = 0
            float a1 = g11 > 0 ? Math.max(0, b1 / g11) : 0;
            float a2 = g22 > 0 ? Math.max(0, b2 / g22) : 0;
            float f1 = 0.5f * g11 * a1 * a1 - b1 * a1;
            float f2 = 0.5f * g22 * a2 * a2 - b2 * a2;
            if (f1 <= f2) {
                out[0] = a1;
                out[1] = 0;
            } else {
                out[0] = 0;
                out[1] = a2;
            }
        }
    }
}
