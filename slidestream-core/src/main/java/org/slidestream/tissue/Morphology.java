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
        int r = Math.max(0, k / 2), n = 2 * r + 1;
        int rank = n * n / 2;
        // row counts of the rows in the window, in a ring of n rows (indexed by row mod n), and
        // their sum down each column: two passes over the rows, memory n rows instead of the image
        int[][] ring = new int[n][w];
        int[] col = new int[w];
        boolean[] out = new boolean[w * h];
        int[] loaded = new int[n];
        java.util.Arrays.fill(loaded, -1);
        for (int dy = -r; dy <= r; dy++) {
            int[] counts = rowCounts(src, w, h, clamp(dy, h), r, t, ring, loaded);
            for (int x = 0; x < w; x++) col[x] += counts[x];
        }
        for (int y = 0; y < h; y++) {
            if (y > 0) {
                int[] drop = rowCounts(src, w, h, clamp(y - r - 1, h), r, t, ring, loaded);
                for (int x = 0; x < w; x++) col[x] -= drop[x];
                int[] add = rowCounts(src, w, h, clamp(y + r, h), r, t, ring, loaded);
                for (int x = 0; x < w; x++) col[x] += add[x];
            }
            int base = y * w;
            for (int x = 0; x < w; x++) out[base + x] = col[x] > rank;
        }
        return out;
    }

    /**
     * For row {@code y}: how many of columns x-r..x+r (replicated) are above {@code t}, kept in the
     * ring slot {@code y mod n}. The rows a window needs lie within n consecutive rows (clamped
     * ones repeat an edge row), so a slot is recomputed only when a new row enters the window.
     */
    private static int[] rowCounts(byte[] src, int w, int h, int y, int r, int t, int[][] ring, int[] loaded) {
        int slot = y % ring.length;
        int[] c = ring[slot];
        if (loaded[slot] == y) return c;
        int base = y * w, count = 0;
        for (int dx = -r; dx <= r; dx++) if ((src[base + clamp(dx, w)] & 0xFF) > t) count++;
        c[0] = count;
        for (int x = 1; x < w; x++) {
            if ((src[base + clamp(x - r - 1, w)] & 0xFF) > t) count--;
            if ((src[base + clamp(x + r, w)] & 0xFF) > t) count++;
            c[x] = count;
        }
        loaded[slot] = y;
        return c;
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
     * border value), so closing never eats into tissue at the image edge. Computed on rows packed
     * 64 pixels to a word: each pass is a few shifts and ORs (dilation) or ANDs (erosion) per word.
     * The result is written over {@code m} (no second mask: 9.8 MB less at 3,125^2).
     */
    static void closeInPlace(boolean[] m, int w, int h, int k) {
        if (k <= 1) return;
        int lo = -(k / 2), hi = k - 1 - k / 2;
        int words = (w + 63) >>> 6;
        long[] a = pack(m, w, h, words), b = new long[a.length];
        rows(a, b, w, h, words, lo, hi, true);
        cols(b, a, h, words, lo, hi, true);
        rows(a, b, w, h, words, lo, hi, false);
        cols(b, a, h, words, lo, hi, false);
        unpack(a, w, h, words, m);
    }

    /** Rows of {@code m} packed 64 pixels to a word: pixel x of row y is bit {@code x & 63} of word {@code y * words + x / 64}. */
    static long[] pack(boolean[] m, int w, int h, int words) {
        long[] bits = new long[Math.multiplyExact(words, h)];
        for (int y = 0; y < h; y++) {
            int base = y * w, row = y * words;
            for (int x = 0; x < w; x++) if (m[base + x]) bits[row + (x >>> 6)] |= 1L << (x & 63);
        }
        return bits;
    }

    private static void unpack(long[] bits, int w, int h, int words, boolean[] m) {
        for (int y = 0; y < h; y++) {
            int base = y * w, row = y * words;
            for (int x = 0; x < w; x++) m[base + x] = (bits[row + (x >>> 6)] >>> (x & 63) & 1L) != 0;
        }
    }

    /**
     * Per row, the OR (dilate) or AND (erode) of the row shifted by each d in lo..hi, where a
     * pixel beyond the row is 0 for dilation and 1 for erosion (neutral: outside pixels ignored).
     */
    private static void rows(long[] src, long[] dst, int w, int h, int words, int lo, int hi, boolean dilate) {
        long fill = dilate ? 0 : -1L;
        int tail = w & 63;
        long tailMask = tail == 0 ? -1L : (1L << tail) - 1; // the row's own bits in its last word
        long[] row = new long[words];
        for (int y = 0; y < h; y++) {
            int off = y * words;
            System.arraycopy(src, off, row, 0, words);
            row[words - 1] = dilate ? row[words - 1] & tailMask : row[words - 1] | ~tailMask;
            for (int i = 0; i < words; i++) dst[off + i] = fill;
            for (int d = lo; d <= hi; d++) {
                for (int i = 0; i < words; i++) {
                    long v = shifted(row, words, i, d, fill);
                    dst[off + i] = dilate ? dst[off + i] | v : dst[off + i] & v;
                }
            }
            dst[off + words - 1] &= tailMask;
        }
    }

    /** Word {@code i} of the row read {@code d} pixels to the right: bit j is pixel 64 i + j + d. */
    private static long shifted(long[] row, int words, int i, int d, long fill) {
        int q = Math.floorDiv(d, 64), r = Math.floorMod(d, 64);
        long lowWord = word(row, words, i + q, fill);
        if (r == 0) return lowWord;
        long highWord = word(row, words, i + q + 1, fill);
        return (lowWord >>> r) | (highWord << (64 - r));
    }

    private static long word(long[] row, int words, int i, long fill) {
        return i < 0 || i >= words ? fill : row[i];
    }

    /** Per word, the OR (dilate) or AND (erode) of rows y+lo..y+hi that exist. */
    private static void cols(long[] src, long[] dst, int h, int words, int lo, int hi, boolean dilate) {
        for (int y = 0; y < h; y++) {
            int off = y * words;
            int y0 = Math.max(0, y + lo), y1 = Math.min(h - 1, y + hi);
            for (int i = 0; i < words; i++) {
                long v = dilate ? 0 : -1L;
                for (int yy = y0; yy <= y1; yy++) v = dilate ? v | src[yy * words + i] : v & src[yy * words + i];
                dst[off + i] = v;
            }
        }
    }
}
