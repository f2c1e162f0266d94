package org.slidestream.register;

import java.util.Arrays;

/** A one-channel float image in memory (small: registration levels, patches, QC images). */
record Gray(int width, int height, float[] data) {

    Gray {
        if (data.length < width * height) throw new IllegalArgumentException("data too short");
    }

    static Gray zeros(int width, int height) {
        return new Gray(width, height, new float[width * height]);
    }

    static long bytes(int width, int height) {
        return 4L * width * height;
    }

    float get(int x, int y) { return data[y * width + x]; }

    /** Bilinear sample at {@code (x, y)}; NaN outside the image (so callers can tell "no data"). */
    double sample(double x, double y) {
        if (!(x >= -0.5 && y >= -0.5 && x <= width - 0.5 && y <= height - 0.5)) return Double.NaN;
        x = Math.max(0, Math.min(width - 1, x));
        y = Math.max(0, Math.min(height - 1, y));
        int x0 = Math.min((int) x, width - 2 < 0 ? 0 : width - 2), y0 = Math.min((int) y, height - 2 < 0 ? 0 : height - 2);
        int x1 = Math.min(x0 + 1, width - 1), y1 = Math.min(y0 + 1, height - 1);
        double fx = x - x0, fy = y - y0;
        double a = data[y0 * width + x0], b = data[y0 * width + x1], c = data[y1 * width + x0], d = data[y1 * width + x1];
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }

    /** The value at quantile {@code q} (0..1) of the samples, from a sorted sample of at most 200,000 values. */
    double quantile(double q) {
        int n = width * height;
        int step = Math.max(1, n / 200_000);
        float[] s = new float[(n + step - 1) / step];
        int k = 0;
        for (int i = 0; i < n && k < s.length; i += step) s[k++] = data[i];
        Arrays.sort(s, 0, k);
        return k == 0 ? 0 : s[(int) Math.min(k - 1, Math.max(0, Math.round(q * (k - 1))))];
    }

    /** Otsu's threshold over 256 bins between the minimum and maximum. */
    double otsu() {
        int n = width * height;
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) { min = Math.min(min, data[i]); max = Math.max(max, data[i]); }
        if (!(max > min)) return max;
        long[] hist = new long[256];
        double scale = 255.999 / (max - min);
        for (int i = 0; i < n; i++) hist[(int) ((data[i] - min) * scale)]++;
        double sumAll = 0;
        for (int b = 0; b < 256; b++) sumAll += b * (double) hist[b];
        double sumB = 0, best = -1;
        long wB = 0;
        int bestBin = 0;
        for (int b = 0; b < 256; b++) {
            wB += hist[b];
            if (wB == 0) continue;
            long wF = n - wB;
            if (wF == 0) break;
            sumB += b * (double) hist[b];
            double mB = sumB / wB, mF = (sumAll - sumB) / wF;
            double between = (double) wB * wF * (mB - mF) * (mB - mF);
            if (between > best) { best = between; bestBin = b; }
        }
        return min + (bestBin + 1) / scale;
    }

    /** Mean and standard deviation of the samples. */
    double[] meanStd() {
        int n = width * height;
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++) { s += data[i]; s2 += (double) data[i] * data[i]; }
        double m = s / n;
        return new double[] {m, Math.sqrt(Math.max(0, s2 / n - m * m))};
    }
}
