package org.slidestream.register;

import boofcv.alg.transform.fft.GeneralPurposeFFT_F32_2D;

/**
 * Translation between two images by phase correlation (BoofCV's FFT): the inverse transform of
 * the normalised cross-power spectrum peaks at the shift. The images are mean-subtracted, Hann
 * windowed and zero-padded to a power of two; the peak is refined to sub-pixel precision by a
 * parabola through its neighbours on each axis. The parabola is biased towards whole pixels by up to
 * about a quarter pixel (the windowed peak is not a parabola), and exact at zero shift, so callers
 * that need better iterate: measure, apply, measure the (small) rest again.
 */
final class PhaseCorrelation {
    private PhaseCorrelation() {}

    /**
     * @param dx    shift such that {@code reference(x, y) ~ moving(x + dx, y + dy)}
     * @param peak  height of the correlation peak (1 for identical images, near 0 for unrelated ones)
     */
    record Shift(double dx, double dy, double peak) {}

    /** Both images must have the same size. */
    static Shift estimate(Gray reference, Gray moving) {
        if (reference.width() != moving.width() || reference.height() != moving.height()) {
            throw new IllegalArgumentException("phase correlation needs images of one size");
        }
        int w = reference.width(), h = reference.height();
        int n = nextPow2(Math.max(w, h));
        float[] a = windowed(reference, n), b = windowed(moving, n);
        GeneralPurposeFFT_F32_2D fft = new GeneralPurposeFFT_F32_2D(n, n);
        fft.complexForward(a);
        fft.complexForward(b);
        return peak(crossPower(a, b), fft, n);
    }

    /** Forward transform of a windowed, padded image, for re-use against many others. */
    static float[] spectrum(Gray g, int n) {
        float[] a = windowed(g, n);
        new GeneralPurposeFFT_F32_2D(n, n).complexForward(a);
        return a;
    }

    /** Phase correlation of two spectra from {@link #spectrum} (same {@code n}). */
    static Shift estimate(float[] refSpectrum, float[] movSpectrum, int n) {
        return peak(crossPower(refSpectrum.clone(), movSpectrum), new GeneralPurposeFFT_F32_2D(n, n), n);
    }

    static int nextPow2(int v) {
        int n = 1;
        while (n < v) n <<= 1;
        return Math.max(n, 8);
    }

    private static float[] windowed(Gray g, int n) {
        int w = g.width(), h = g.height();
        double[] mean = g.meanStd();
        float[] out = new float[2 * n * n];
        float[] wx = hann(w), wy = hann(h);
        float[] d = g.data();
        for (int y = 0; y < h; y++) {
            int row = y * n * 2;
            for (int x = 0; x < w; x++) {
                out[row + 2 * x] = (float) ((d[y * w + x] - mean[0]) * wx[x] * wy[y]);
            }
        }
        return out;
    }

    private static float[] hann(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = n == 1 ? 1 : (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / n));
        return w;
    }

    /** a * conj(b) / |a * conj(b)|, in place in {@code a}. */
    private static float[] crossPower(float[] a, float[] b) {
        for (int i = 0; i < a.length; i += 2) {
            float re = a[i] * b[i] + a[i + 1] * b[i + 1];
            float im = a[i + 1] * b[i] - a[i] * b[i + 1];
            float mag = (float) Math.sqrt(re * re + im * im);
            if (mag > 1e-20f) {
                a[i] = re / mag;
                a[i + 1] = im / mag;
            } else {
                a[i] = 0;
                a[i + 1] = 0;
            }
        }
        return a;
    }

    private static Shift peak(float[] c, GeneralPurposeFFT_F32_2D fft, int n) {
        fft.complexInverse(c, true);
        int best = 0;
        float bv = -Float.MAX_VALUE;
        for (int i = 0; i < n * n; i++) {
            float v = c[2 * i];
            if (v > bv) { bv = v; best = i; }
        }
        int px = best % n, py = best / n;
        double fx = px + parabola(c, n, px, py, true), fy = py + parabola(c, n, px, py, false);
        // The peak sits at minus the shift (reference(r) = moving(r + s) gives a delta at -s), wrapped.
        double sx = -(fx > n / 2.0 ? fx - n : fx), sy = -(fy > n / 2.0 ? fy - n : fy);
        return new Shift(sx, sy, bv);
    }

    private static double parabola(float[] c, int n, int px, int py, boolean alongX) {
        int xm = alongX ? (px + n - 1) % n : px, xp = alongX ? (px + 1) % n : px;
        int ym = alongX ? py : (py + n - 1) % n, yp = alongX ? py : (py + 1) % n;
        double l = c[2 * (ym * n + xm)], m = c[2 * (py * n + px)], r = c[2 * (yp * n + xp)];
        double den = l - 2 * m + r;
        if (den >= 0) return 0;
        return Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / den));
    }
}
