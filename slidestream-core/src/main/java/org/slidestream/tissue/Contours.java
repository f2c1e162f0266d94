package org.slidestream.tissue;

import java.util.ArrayList;
import java.util.List;

/**
 * Border following (Suzuki and Abe, 1985, the algorithm of OpenCV's {@code findContours}) on a
 * binary mask: every outer border of an 8-connected component and every hole border, with the
 * component each hole belongs to ({@code RETR_CCOMP}'s two-level hierarchy), points at pixel
 * centres with no simplification ({@code CHAIN_APPROX_NONE}).
 */
final class Contours {
    // Neighbours clockwise (y down) from east, as (row, column) steps.
    private static final int[] DI = {0, 1, 1, 1, 0, -1, -1, -1};
    private static final int[] DJ = {1, 1, 0, -1, -1, -1, 0, 1};

    /** A traced border: points as x0, y0, x1, y1, ...; {@code parent} is the outer border a hole belongs to, or -1. */
    record Border(int[] xy, boolean hole, int parent) {
        int size() { return xy.length / 2; }

        /** {@code cv2.contourArea}: the polygon's area by the shoelace formula. */
        double area() {
            int n = size();
            long a = 0;
            int px = xy[2 * n - 2], py = xy[2 * n - 1];
            for (int i = 0; i < n; i++) {
                int x = xy[2 * i], y = xy[2 * i + 1];
                a += (long) px * y - (long) py * x;
                px = x;
                py = y;
            }
            return Math.abs(a) / 2.0;
        }
    }

    private Contours() {}

    /** All borders of {@code mask} (w x h, true = foreground), in the order a raster scan meets them. */
    static List<Border> find(boolean[] mask, int w, int h) {
        return find(mask, w, h, SHORT_LABEL_RUNS);
    }

    /** Runs of foreground up to which labels are shorts. */
    static final int SHORT_LABEL_RUNS = (Short.MAX_VALUE - 1) / 2;

    /** {@link #find(boolean[], int, int)} with labels as shorts up to {@code shortRuns} runs of foreground (tests: both label types). */
    static List<Border> find(boolean[] mask, int w, int h, int shortRuns) {
        int pw = w + 2;
        Labels f = labels(mask, w, h, shortRuns);
        List<Border> borders = new ArrayList<>();
        // Per border number (NBD - 2): whether a hole and its Suzuki parent border number.
        List<int[]> info = new ArrayList<>();
        int nbd = 1;
        IntList pts = new IntList();
        for (int i = 1; i <= h; i++) {
            int lnbd = 1;
            for (int j = 1; j <= w; j++) {
                int p = i * pw + j;
                int fij = f.get(p);
                if (fij == 0) continue; // background: no border starts here and lnbd stays
                boolean outer = fij == 1 && f.get(p - 1) == 0;
                boolean hole = !outer && fij >= 1 && f.get(p + 1) == 0;
                if (outer || hole) {
                    if (hole && fij > 1) lnbd = fij;
                    nbd++;
                    // Parent by the type of the last border met (1 = the frame, a hole border).
                    boolean lastIsHole = lnbd == 1 || info.get(lnbd - 2)[0] == 1;
                    int lastParent = lnbd == 1 ? -1 : info.get(lnbd - 2)[1];
                    int parent = (outer == lastIsHole) ? lnbd : lastParent;
                    info.add(new int[] {hole ? 1 : 0, parent});
                    pts.clear();
                    trace(f, pw, i, j, outer ? 4 : 0, nbd, pts);
                    borders.add(new Border(pts.toArray(), hole, -1));
                }
                int now = f.get(p);
                if (now != 1 && now != 0) lnbd = Math.abs(now);
            }
        }
        // RETR_CCOMP: holes hang under the outer border of their component; outer borders at the top.
        List<Border> out = new ArrayList<>(borders.size());
        for (int k = 0; k < borders.size(); k++) {
            Border b = borders.get(k);
            int parent = -1;
            if (b.hole()) {
                int q = info.get(k)[1];
                while (q > 1 && info.get(q - 2)[0] == 1) q = info.get(q - 2)[1];
                parent = q > 1 ? q - 2 : -1;
            }
            out.add(new Border(b.xy(), b.hole(), parent));
        }
        return out;
    }

    /** Follows one border starting at (i, j), whose zero neighbour lies in direction {@code start}. */
    private static void trace(Labels f, int pw, int i, int j, int start, int nbd, IntList pts) {
        int p0 = i * pw + j;
        // 3.1: clockwise from the zero neighbour, the first non-zero pixel
        int d1 = -1;
        for (int k = 0; k < 8; k++) {
            int d = (start + k) & 7;
            if (f.get(p0 + DI[d] * pw + DJ[d]) != 0) { d1 = d; break; }
        }
        pts.add(j - 1, i - 1);
        if (d1 < 0) {
            f.set(p0, -nbd); // an isolated pixel
            return;
        }
        int p1 = p0 + DI[d1] * pw + DJ[d1];
        int p3 = p0;
        int from = d1; // direction from p3 to p2
        while (true) {
            // 3.3: counter-clockwise from the pixel after p2, the first non-zero neighbour
            boolean eastZero = false;
            int d4 = -1;
            for (int k = 1; k <= 8; k++) {
                int d = (from - k) & 7;
                int q = p3 + DI[d] * pw + DJ[d];
                if (f.get(q) != 0) { d4 = d; break; }
                if (d == 0) eastZero = true;
            }
            // 3.4
            if (eastZero) f.set(p3, -nbd);
            else if (f.get(p3) == 1) f.set(p3, nbd);
            int p4 = p3 + DI[d4] * pw + DJ[d4];
            // 3.5
            if (p4 == p0 && p3 == p1) return;
            from = (d4 + 4) & 7; // p3 seen from p4
            p3 = p4;
            int i3 = p3 / pw, j3 = p3 % pw;
            pts.add(j3 - 1, i3 - 1);
        }
    }

    /**
     * The label image of the algorithm: 0 background, 1 foreground not yet on a border, +-NBD on
     * the border numbered NBD, with a frame of background around the mask. Labels go up to the
     * number of borders + 1, and every border starts at an end of a foreground run, so with at most
     * 16,383 runs they fit a short: half the memory of an int per pixel (20 MB less at 3,125^2).
     */
    private static Labels labels(boolean[] mask, int w, int h, int shortRuns) {
        long runs = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) if (mask[y * w + x] && (x == 0 || !mask[y * w + x - 1])) runs++;
        }
        int pw = w + 2, n = pw * (h + 2);
        Labels f = runs <= Math.min(shortRuns, SHORT_LABEL_RUNS) ? new ShortLabels(new short[n]) : new IntLabels(new int[n]);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) if (mask[y * w + x]) f.set((y + 1) * pw + x + 1, 1);
        }
        return f;
    }

    private sealed interface Labels permits ShortLabels, IntLabels {
        int get(int p);

        void set(int p, int label);
    }

    private record ShortLabels(short[] a) implements Labels {
        @Override public int get(int p) { return a[p]; }

        @Override public void set(int p, int label) { a[p] = (short) label; }
    }

    private record IntLabels(int[] a) implements Labels {
        @Override public int get(int p) { return a[p]; }

        @Override public void set(int p, int label) { a[p] = label; }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int x, int y) {
            if (n + 2 > a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[n++] = x;
            a[n++] = y;
        }

        void clear() { n = 0; }

        int[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
