package org.slidestream.stain;

/**
 * Eigen-decomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations: deterministic, accurate
 * to rounding, no library. Eigenvalues come sorted in decreasing order; each eigenvector's sign is
 * fixed so that its components sum to a positive number (or, when they sum to about zero, its
 * largest component is positive), so that the same matrix always gives the same vectors.
 */
final class Eigen3 {
    /** Eigenvalues, decreasing. */
    final double[] values = new double[3];
    /** {@code vectors[k]} is the unit eigenvector of {@code values[k]}. */
    final double[][] vectors = new double[3][3];

    Eigen3(double[][] symmetric) {
        double[][] a = new double[3][3];
        double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int i = 0; i < 3; i++) System.arraycopy(symmetric[i], 0, a[i], 0, 3);
        for (int sweep = 0; sweep < 64; sweep++) {
            double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
            double diag = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2];
            if (off <= 1e-30 * diag || off == 0) break;
            for (int p = 0; p < 2; p++) {
                for (int q = p + 1; q < 3; q++) rotate(a, v, p, q);
            }
        }
        Integer[] order = {0, 1, 2};
        java.util.Arrays.sort(order, (i, j) -> Double.compare(a[j][j], a[i][i]));
        for (int k = 0; k < 3; k++) {
            int c = order[k];
            values[k] = a[c][c];
            double[] e = {v[0][c], v[1][c], v[2][c]};
            double sum = e[0] + e[1] + e[2];
            int big = 0;
            for (int i = 1; i < 3; i++) if (Math.abs(e[i]) > Math.abs(e[big])) big = i;
            boolean flip = Math.abs(sum) > 1e-9 ? sum < 0 : e[big] < 0;
            for (int i = 0; i < 3; i++) vectors[k][i] = flip ? -e[i] : e[i];
        }
    }

    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double apq = a[p][q];
        if (apq == 0) return;
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) t = 1;
        double c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < 3; k++) {
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < 3; k++) {
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < 3; k++) {
            double vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
