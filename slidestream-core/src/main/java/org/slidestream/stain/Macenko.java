package org.slidestream.stain;

/**
 * Macenko et al. 2009, "A method for normalizing histology slides for quantitative analysis": the
 * stain vectors are the directions at the {@code alpha}-th and {@code (100-alpha)}-th angular
 * percentiles of the optical densities projected on the plane of the two largest eigenvectors of
 * their covariance (centered, as numpy's {@code cov} in the reference implementations).
 */
final class Macenko {
    private Macenko() {}

    /** Unit stain vectors, hematoxylin (the larger red OD) first; null when the ODs span no plane. */
    static double[][] stains(float[] od, int n, float alpha) {
        return stains(od, n, alpha, eigen(od, n));
    }

    /** Eigen-decomposition of the (centered) covariance of the optical densities. */
    static Eigen3 eigen(float[] od, int n) {
        double[] mean = new double[3];
        for (int i = 0; i < n; i++) for (int c = 0; c < 3; c++) mean[c] += od[3 * i + c];
        for (int c = 0; c < 3; c++) mean[c] /= n;
        double[][] cov = new double[3][3];
        for (int i = 0; i < n; i++) {
            double r = od[3 * i] - mean[0], g = od[3 * i + 1] - mean[1], b = od[3 * i + 2] - mean[2];
            cov[0][0] += r * r; cov[0][1] += r * g; cov[0][2] += r * b;
            cov[1][1] += g * g; cov[1][2] += g * b; cov[2][2] += b * b;
        }
        for (int i = 0; i < 3; i++) for (int j = i; j < 3; j++) cov[j][i] = cov[i][j] = cov[i][j] / (n - 1);
        return new Eigen3(cov);
    }

    static double[][] stains(float[] od, int n, float alpha, Eigen3 eig) {
        if (!(eig.values[1] > 1e-12 * Math.max(eig.values[0], 1e-30))) return null;
        float[] e1 = toFloat(eig.vectors[0]), e2 = toFloat(eig.vectors[1]);
        float[] phi = new float[n];
        for (int i = 0; i < n; i++) {
            float r = od[3 * i], g = od[3 * i + 1], b = od[3 * i + 2];
            float t1 = e1[0] * r + e1[1] * g + e1[2] * b;
            float t2 = e2[0] * r + e2[1] * g + e2[2] * b;
            phi[i] = (float) Math.atan2(t2, t1);
        }
        double minPhi = Stats.percentile(phi, n, alpha);
        double maxPhi = Stats.percentile(phi, n, 100 - alpha);
        double[] vMin = along(eig.vectors[0], eig.vectors[1], minPhi);
        double[] vMax = along(eig.vectors[0], eig.vectors[1], maxPhi);
        boolean minIsH = vMin[0] > vMax[0];
        return new double[][] {StainFitter.unit(minIsH ? vMin : vMax), StainFitter.unit(minIsH ? vMax : vMin)};
    }

    private static double[] along(double[] e1, double[] e2, double phi) {
        double c = Math.cos(phi), s = Math.sin(phi);
        return new double[] {e1[0] * c + e2[0] * s, e1[1] * c + e2[1] * s, e1[2] * c + e2[2] * s};
    }

    private static float[] toFloat(double[] d) {
        return new float[] {(float) d[0], (float) d[1], (float) d[2]};
    }
}
