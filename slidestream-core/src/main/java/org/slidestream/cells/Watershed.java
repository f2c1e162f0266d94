package org.slidestream.cells;

import java.util.Arrays;

/**
 * The image operations of the classical nuclei pipeline on one window of pixels, as scikit-image
 * and SciPy compute them: Gaussian smoothing ({@code scipy.ndimage.gaussian_filter}, truncate 4,
 * nearest-edge borders), the exact Euclidean distance transform (squared distances as integers),
 * local maxima of the distance ({@code skimage.feature.peak_local_max}: equal to the maximum of a
 * {@code (2d + 1)^2} square, above zero, the highest first with ties in row order, none closer
 * than {@code d} in the Chebyshev distance to one kept) and marker-based flooding
 * ({@code skimage.segmentation.watershed} of the negated distance within the mask,
 * 4-connected, equal levels first come first served).
 */
final class Watershed {
    private static final long FAR = Long.MAX_VALUE / 4;

    private Watershed() {}

    /** scipy's Gaussian kernel for {@code sigma}: radius {@code int(4 sigma + 0.5)}, normalised. */
    static double[] kernel(double sigma) {
        int r = (int) (4 * sigma + 0.5);
        double[] k = new double[2 * r + 1];
        double s = 0;
        for (int i = -r; i <= r; i++) s += k[i + r] = Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= s;
        return k;
    }

    /**
     * Smooths {@code src} ({@code w x h}, already padded by the kernel's radius on every side, or
     * replicated at the image's edges) along y then x; returns the inner {@code (w - 2r) x (h - 2r)}.
     */
    static double[] gaussian(double[] src, int w, int h, double[] k) {
        int r = k.length / 2, ow = w - 2 * r, oh = h - 2 * r;
        double[] tmp = new double[w * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int i = 0; i < k.length; i++) s += k[i] * src[(y + i) * w + x];
                tmp[y * w + x] = s;
            }
        }
        double[] out = new double[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                int base = y * w + x;
                for (int i = 0; i < k.length; i++) s += k[i] * tmp[base + i];
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    /**
     * Squared Euclidean distance of every pixel to the nearest background pixel (Felzenszwalb and
     * Huttenlocher's two passes), 0 on the background. {@code inImage[i]} false marks pixels
     * outside the image, which are not background.
     */
    static long[] distance2(boolean[] mask, int w, int h) {
        long[] d = new long[w * h];
        for (int i = 0; i < d.length; i++) d[i] = mask[i] ? FAR : 0;
        long[] f = new long[Math.max(w, h)], out = new long[Math.max(w, h)];
        int[] v = new int[Math.max(w, h)];
        double[] z = new double[Math.max(w, h) + 1];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) f[y] = d[y * w + x];
            lowerEnvelope(f, h, v, z, out);
            for (int y = 0; y < h; y++) d[y * w + x] = out[y];
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(d, y * w, f, 0, w);
            lowerEnvelope(f, w, v, z, out);
            System.arraycopy(out, 0, d, y * w, w);
        }
        return d;
    }

    /** One dimension: {@code out[q] = min_p (q - p)^2 + f[p]}, with {@link #FAR} as infinity. */
    private static void lowerEnvelope(long[] f, int n, int[] v, double[] z, long[] out) {
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] >= FAR) continue;
            double s = 0;
            while (k >= 0) {
                int p = v[k];
                s = ((f[q] + (long) q * q) - (f[p] + (long) p * p)) / (2.0 * (q - p));
                if (s > z[k]) break;
                k--;
            }
            k++;
            v[k] = q;
            z[k] = k == 0 ? Double.NEGATIVE_INFINITY : s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            Arrays.fill(out, 0, n, FAR);
            return;
        }
        int j = 0;
        for (int q = 0; q < n; q++) {
            while (z[j + 1] < q) j++;
            long dq = q - v[j];
            out[q] = dq * dq + f[v[j]];
        }
    }

    /**
     * Seeds: pixels whose distance equals the maximum of the {@code (2 md + 1)^2} square around
     * them (outside the image counts as 0; {@code known} marks the pixels of this window that are
     * in the image) and is above zero, taken highest first (ties in row order) unless one already
     * taken is closer than {@code md} along both axes.
     *
     * @return window indices of the seeds, in the order taken
     */
    static int[] peaks(long[] d2, int w, int h, int md) {
        long[] rowMax = new long[w * h], max = new long[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                long m = 0;
                for (int i = Math.max(0, x - md); i <= Math.min(w - 1, x + md); i++) m = Math.max(m, d2[y * w + i]);
                rowMax[y * w + x] = m;
            }
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                long m = 0;
                for (int i = Math.max(0, y - md); i <= Math.min(h - 1, y + md); i++) m = Math.max(m, rowMax[i * w + x]);
                max[y * w + x] = m;
            }
        }
        int n = 0;
        long[] cand = new long[16];
        for (int i = 0; i < w * h; i++) {
            if (d2[i] > 0 && d2[i] < FAR && d2[i] == max[i]) {
                if (n == cand.length) cand = Arrays.copyOf(cand, 2 * n);
                // highest distance first, then row order: sort ascending on (-d2, index)
                cand[n++] = ((FAR - d2[i]) << 24) | i;
            }
        }
        Arrays.sort(cand, 0, n);
        boolean[] blocked = new boolean[w * h];
        int[] seeds = new int[n];
        int k = 0;
        for (int c = 0; c < n; c++) {
            int i = (int) (cand[c] & 0xFFFFFF);
            if (blocked[i]) continue;
            seeds[k++] = i;
            int x = i % w, y = i / w;
            for (int yy = Math.max(0, y - md + 1); yy <= Math.min(h - 1, y + md - 1); yy++) {
                for (int xx = Math.max(0, x - md + 1); xx <= Math.min(w - 1, x + md - 1); xx++) blocked[yy * w + xx] = true;
            }
        }
        return Arrays.copyOf(seeds, k);
    }

    /**
     * Floods the mask from the markers ({@code labels} non-zero at marker pixels), highest
     * distance first, 4-connected; pixels of the mask no marker reaches stay 0.
     */
    static void flood(long[] d2, boolean[] mask, int w, int h, int[] labels) {
        int n = w * h;
        // buckets of equal distance, highest first; first come first served within one
        long[] levels = new long[n];
        int m = 0;
        for (int i = 0; i < n; i++) if (mask[i] || labels[i] != 0) levels[m++] = d2[i];
        long[] sorted = Arrays.copyOf(levels, m);
        Arrays.sort(sorted);
        int u = 0;
        for (int i = 0; i < m; i++) if (i == 0 || sorted[i] != sorted[i - 1]) sorted[u++] = sorted[i];
        int[] head = new int[u + 1], tail = new int[u + 1], next = new int[n];
        Arrays.fill(head, -1);
        int top = -1;
        for (int i = 0; i < n; i++) {
            if (labels[i] != 0) top = Math.max(top, push(i, rank(sorted, u, d2[i]), head, tail, next));
        }
        int[] dx = {0, -1, 1, 0}, dy = {-1, 0, 0, 1};
        while (top >= 0) {
            int i = head[top];
            if (i < 0) {
                top--;
                continue;
            }
            head[top] = next[i];
            int x = i % w, y = i / w;
            for (int k = 0; k < 4; k++) {
                int nx = x + dx[k], ny = y + dy[k];
                if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
                int j = ny * w + nx;
                if (!mask[j] || labels[j] != 0) continue;
                labels[j] = labels[i];
                top = Math.max(top, push(j, rank(sorted, u, d2[j]), head, tail, next));
            }
        }
    }

    /** Buckets run from the highest distance (index u - 1) down. */
    private static int rank(long[] sorted, int u, long v) {
        return Arrays.binarySearch(sorted, 0, u, v);
    }

    private static int push(int i, int b, int[] head, int[] tail, int[] next) {
        next[i] = -1;
        if (head[b] < 0) head[b] = i;
        else next[tail[b]] = i;
        tail[b] = i;
        return b;
    }
}
