package org.slidestream.tissue;

/**
 * The image operations of tissue detection on one-byte planes (row by row, {@code w x h}), each
 * as OpenCV computes it so that parameters taken from OpenCV-based tools keep their meaning:
 * median blur with replicated borders, Otsu's threshold, and closing with a square kernel.
 */
final class Morphology {
    private Morphology() {}

    /**
     * {@code cv2.medianBlur(src, k)}: the median of each k x k window, borders replicated (k odd).
     * Huang's running histogram: moving one column along a row changes 2k counts, and the median
     * moves from where it was by as many steps as values crossed it, instead of a scan from 0.
     */
    static byte[] median(byte[] src, int w, int h, int k) {
        if (k <= 1) return src.clone();
        if (k % 2 == 0) throw new IllegalArgumentException("median kernel size must be odd: " + k);
        int r = k / 2;
        int rank = k * k / 2; // 0-based index of the median among k*k values
        byte[] out = new byte[src.length];
        int[] hist = new int[256];
        int[] rows = new int[k];
        for (int y = 0; y < h; y++) {
            java.util.Arrays.fill(hist, 0);
            for (int dy = -r; dy <= r; dy++) rows[dy + r] = clamp(y + dy, h) * w;
            // window at x = 0: columns -r..r (replicated), rows y-r..y+r
            for (int row : rows) for (int dx = -r; dx <= r; dx++) hist[src[row + clamp(dx, w)] & 0xFF]++;
            int med = 0, below = 0; // below: how many window values are < med
            while (below + hist[med] <= rank) below += hist[med++];
            out[y * w] = (byte) med;
            for (int x = 1; x < w; x++) {
                int outCol = clamp(x - r - 1, w), inCol = clamp(x + r, w);
                for (int row : rows) {
                    int o = src[row + outCol] & 0xFF, i = src[row + inCol] & 0xFF;
                    hist[o]--;
                    hist[i]++;
                    if (o < med) below--;
                    if (i < med) below++;
                }
                while (below > rank) below -= hist[--med];
                while (below + hist[med] <= rank) below += hist[med++];
                out[y * w + x] = (byte) med;
            }
        }
        return out;
    }

    /**
     * {@code cv2.medianBlur(src, k) > t}, without the median: the median of a window exceeds
     * {@code t} exactly when more than half of its values do, so this is a k x k box count of the
     * pixels above {@code t} (borders replicated, as the median's), in O(1) per pixel.
     */
    static boolean[] medianAbove(byte[] src, int w, int h, int k, int t) {
        if (k % 2 == 0) throw new IllegalArgumentException("median kernel size must be odd: " + k);
        int r = Math.max(0, k / 2);
        int rank = (2 * r + 1) * (2 * r + 1) / 2;
        // per row: how many of columns x-r..x+r (replicated) are above t
        int[] rowCounts = new int[w * h];
        for (int y = 0; y < h; y++) {
            int base = y * w, c = 0;
            for (int dx = -r; dx <= r; dx++) if ((src[base + clamp(dx, w)] & 0xFF) > t) c++;
            rowCounts[base] = c;
            for (int x = 1; x < w; x++) {
                if ((src[base + clamp(x - r - 1, w)] & 0xFF) > t) c--;
                if ((src[base + clamp(x + r, w)] & 0xFF) > t) c++;
                rowCounts[base + x] = c;
            }
        }
        // down each column: the sum of rows y-r..y+r (replicated)
        boolean[] out = new boolean[w * h];
        int[] col = new int[w];
        for (int dy = -r; dy <= r; dy++) {
            int base = clamp(dy, h) * w;
            for (int x = 0; x < w; x++) col[x] += rowCounts[base + x];
        }
        for (int y = 0; y < h; y++) {
            if (y > 0) {
                int drop = clamp(y - r - 1, h) * w, add = clamp(y + r, h) * w;
                for (int x = 0; x < w; x++) col[x] += rowCounts[add + x] - rowCounts[drop + x];
            }
            int base = y * w;
            for (int x = 0; x < w; x++) out[base + x] = col[x] > rank;
        }
        return out;
    }

    private static int clamp(int i, int n) {
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    }

    /** OpenCV's Otsu threshold of an 8-bit plane: pixels above it are foreground. */
    static int otsu(byte[] src) {
        long[] hist = new long[256];
        for (byte b : src) hist[b & 0xFF]++;
        return otsu(hist, src.length);
    }

    static int otsu(long[] hist, long n) {
        double scale = 1.0 / n;
        double mu = 0;
        for (int i = 0; i < 256; i++) mu += i * (double) hist[i];
        mu *= scale;
        double mu1 = 0, q1 = 0, maxSigma = 0;
        int maxVal = 0;
        final double eps = 1.1920928955078125E-7; // FLT_EPSILON
        for (int i = 0; i < 256; i++) {
            double p = hist[i] * scale;
            mu1 *= q1;
            q1 += p;
            double q2 = 1.0 - q1;
            if (Math.min(q1, q2) < eps || Math.max(q1, q2) > 1.0 - eps) continue;
            mu1 = (mu1 + i * p) / q1;
            double mu2 = (mu - q1 * mu1) / q2;
            double sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2);
            if (sigma > maxSigma) {
                maxSigma = sigma;
                maxVal = i;
            }
        }
        return maxVal;
    }

    /**
     * {@code cv2.morphologyEx(m, MORPH_CLOSE, np.ones((k, k)))} on a 0/1 mask: dilation then erosion
     * with a k x k square anchored at (k/2, k/2), pixels outside the image neutral (OpenCV's default
     * border value), so closing never eats into tissue at the image edge.
     */
    static boolean[] close(boolean[] m, int w, int h, int k) {
        if (k <= 1) return m.clone();
        int lo = -(k / 2), hi = k - 1 - k / 2;
        boolean[] d = rows(m, w, h, lo, hi, true);
        d = cols(d, w, h, lo, hi, true);
        boolean[] e = rows(d, w, h, lo, hi, false);
        return cols(e, w, h, lo, hi, false);
    }

    /** Max (dilate) or min (erode) over x+lo..x+hi within the row; outside pixels ignored. */
    private static boolean[] rows(boolean[] m, int w, int h, int lo, int hi, boolean dilate) {
        boolean[] out = new boolean[m.length];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            // count of set pixels in the window, by a running sum
            int count = 0, inside = 0;
            int x0 = Math.max(0, lo), x1 = Math.min(w - 1, hi);
            for (int x = x0; x <= x1; x++) { inside++; if (m[base + x]) count++; }
            for (int x = 0; x < w; x++) {
                out[base + x] = dilate ? count > 0 : count == inside;
                int drop = x + lo, add = x + hi + 1;
                if (drop >= 0 && drop < w) { inside--; if (m[base + drop]) count--; }
                if (add >= 0 && add < w) { inside++; if (m[base + add]) count++; }
            }
        }
        return out;
    }

    private static boolean[] cols(boolean[] m, int w, int h, int lo, int hi, boolean dilate) {
        boolean[] out = new boolean[m.length];
        int[] count = new int[w];
        int inside = 0;
        int y0 = Math.max(0, lo), y1 = Math.min(h - 1, hi);
        for (int y = y0; y <= y1; y++) {
            inside++;
            for (int x = 0; x < w; x++) if (m[y * w + x]) count[x]++;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) out[y * w + x] = dilate ? count[x] > 0 : count[x] == inside;
            int drop = y + lo, add = y + hi + 1;
            if (drop >= 0 && drop < h) { inside--; for (int x = 0; x < w; x++) if (m[drop * w + x]) count[x]--; }
            if (add >= 0 && add < h) { inside++; for (int x = 0; x < w; x++) if (m[add * w + x]) count[x]++; }
        }
        return out;
    }
}
