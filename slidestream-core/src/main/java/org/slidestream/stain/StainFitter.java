package org.slidestream.stain;

/**
 * Fits a {@link StainProfile} to a {@link StainSample}: Macenko's or Vahadane's stain vectors and
 * maximum concentrations, and the CIELAB statistics Reinhard's method uses, in float32 per pixel
 * (sums in double).
 */
public final class StainFitter {
    /** Fewest pixels above the OD threshold in every channel a stain fit accepts. */
    public static final int MIN_PIXELS = 500;
    /** Stain vectors closer than this angle (degrees) mean the image shows only one stain. */
    public static final double MIN_STAIN_ANGLE = 3.0;
    /**
     * Two stains need a second eigenvalue of the OD covariance at least this many times the third: with
     * one stain the second and third are both the noise (a ratio near 1); H&E gives 2.5 to 6.
     */
    public static final double MIN_PLANE_RATIO = 1.5;

    private StainFitter() {}

    public static StainEstimate fit(StainSample sample, StainMethod method, String source) {
        StainParameters p = sample.parameters();
        int n = sample.size();
        if (n < MIN_PIXELS) {
            return StainEstimate.failed("too few tissue pixels (" + n + ", need " + MIN_PIXELS + ")");
        }
        byte[] rgb = sample.rgbArray();
        float[] table = OpticalDensity.table(p.io());
        float[][] lab = labStats(rgb, n);
        if (lab[1][0] < 1e-3f) return StainEstimate.failed("tissue pixels of a single colour");
        if (method == StainMethod.REINHARD) {
            return new StainEstimate(new StainProfile(null, method.id(), p.io(), p.beta(), null, null, null,
                    lab[0], lab[1], n, source), null);
        }
        float[] od = new float[3 * n]; // all sample pixels
        float[] hat = new float[3 * n]; // those above beta in every channel
        int m = 0;
        for (int i = 0; i < n; i++) {
            float r = table[rgb[3 * i] & 0xFF], g = table[rgb[3 * i + 1] & 0xFF], b = table[rgb[3 * i + 2] & 0xFF];
            od[3 * i] = r;
            od[3 * i + 1] = g;
            od[3 * i + 2] = b;
            if (r > p.beta() && g > p.beta() && b > p.beta()) {
                hat[3 * m] = r;
                hat[3 * m + 1] = g;
                hat[3 * m + 2] = b;
                m++;
            }
        }
        if (m < MIN_PIXELS) {
            return StainEstimate.failed("too few pixels above OD " + p.beta() + " in every channel (" + m + ", need " + MIN_PIXELS + ")");
        }
        Eigen3 eig = Macenko.eigen(hat, m);
        if (!(eig.values[1] > MIN_PLANE_RATIO * eig.values[2])) {
            // the second direction of spread is no stronger than the third: noise around one stain
            return StainEstimate.failed(String.format(java.util.Locale.ROOT,
                    "one stain only (OD covariance eigenvalues %.3g, %.3g, %.3g)", eig.values[0], eig.values[1], eig.values[2]));
        }
        double[][] stains = method == StainMethod.MACENKO ? Macenko.stains(hat, m, p.alpha(), eig) : Vahadane.stains(hat, m, p);
        if (stains == null) return StainEstimate.failed("the optical densities span no plane (one stain only)");
        double angle = Math.toDegrees(Math.acos(Math.min(1, Math.abs(dot(stains[0], stains[1])))));
        if (angle < MIN_STAIN_ANGLE) {
            return StainEstimate.failed(String.format(java.util.Locale.ROOT,
                    "one stain only (stain vectors %.1f degrees apart)", angle));
        }
        float[] maxC = method == StainMethod.MACENKO ? Concentrations.leastSquaresMax(od, n, stains)
                : Concentrations.lassoMax(od, n, stains, p.lambdaConcentration());
        if (!(maxC[0] > 1e-3f)) return StainEstimate.failed("no hematoxylin (99th-percentile concentration " + maxC[0] + ")");
        if (!(maxC[1] > 1e-3f)) return StainEstimate.failed("no eosin (99th-percentile concentration " + maxC[1] + ")");
        return new StainEstimate(new StainProfile(null, method.id(), p.io(), p.beta(), toFloat(stains[0]), toFloat(stains[1]),
                maxC, lab[0], lab[1], n, source), null);
    }

    /** Mean and population standard deviation of CIELAB L, a, b over the sample (sums in double, one pass). */
    private static float[][] labStats(byte[] rgb, int n) {
        float[] lab = new float[3];
        double[] sum = new double[3], sq = new double[3];
        for (int i = 0; i < n; i++) {
            Lab.toLab(rgb[3 * i] & 0xFF, rgb[3 * i + 1] & 0xFF, rgb[3 * i + 2] & 0xFF, lab);
            for (int c = 0; c < 3; c++) {
                sum[c] += lab[c];
                sq[c] += (double) lab[c] * lab[c];
            }
        }
        float[] mean = new float[3], std = new float[3];
        for (int c = 0; c < 3; c++) {
            double m = sum[c] / n;
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(0, sq[c] / n - m * m));
        }
        return new float[][] {mean, std};
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static double[] unit(double[] v) {
        double n = Math.sqrt(dot(v, v));
        double s = v[0] + v[1] + v[2] < 0 ? -1 : 1;
        return new double[] {s * v[0] / n, s * v[1] / n, s * v[2] / n};
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }
}
