package org.slidestream.patch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slidestream.tissue.TissueMask;
import org.slidestream.tissue.TissueRegion;

/**
 * Plans the patches of a slide from its tissue mask, in a fixed order: row by row for the
 * tissue-fraction rule; for CLAM's contour rules, contour by contour and column by column within
 * each, as CLAM's {@code process_contour} does (duplicates where contours' boxes overlap dropped).
 */
public final class PatchGrid {
    private PatchGrid() {}

    /**
     * @param width0     level-0 width of the slide
     * @param height0    level-0 height
     * @param downsample level-0 pixels per patch pixel
     */
    public static List<PatchCoord> plan(TissueMask mask, long width0, long height0, PatchSpec spec, double downsample) {
        double side = spec.size() * downsample;
        return switch (spec.rule()) {
            case TISSUE -> tissueGrid(mask, width0, height0, spec, downsample, side);
            default -> clamGrid(mask, spec, downsample, side);
        };
    }

    private static List<PatchCoord> tissueGrid(TissueMask mask, long w0, long h0, PatchSpec spec, double ds, double side) {
        double step = spec.stride() * ds;
        List<PatchCoord> out = new ArrayList<>();
        for (long j = 0; ; j++) {
            long y = Math.round(j * step);
            if (y >= h0) break;
            for (long i = 0; ; i++) {
                long x = Math.round(i * step);
                if (x >= w0) break;
                double f = mask.fraction(x, y, x + side, y + side);
                if (f >= spec.minTissue()) out.add(new PatchCoord(x, y, f));
            }
        }
        return out;
    }

    private static List<PatchCoord> clamGrid(TissueMask mask, PatchSpec spec, double ds, double sideD) {
        long side = Math.round(sideD);
        long step = Math.max(1, Math.round(spec.stride() * ds));
        long shift = spec.rule() == PatchRule.CENTER ? 0 : (long) (side / 2 * 0.5);
        CoordSet seen = new CoordSet();
        List<PatchCoord> out = new ArrayList<>();
        for (TissueRegion r : mask.regions()) {
            long[] cont = toLevel0(r.outer(), mask);
            if (cont.length == 0) continue;
            long minX = Long.MAX_VALUE, minY = Long.MAX_VALUE, maxX = Long.MIN_VALUE, maxY = Long.MIN_VALUE;
            for (int i = 0; i < cont.length; i += 2) {
                minX = Math.min(minX, cont[i]); maxX = Math.max(maxX, cont[i]);
                minY = Math.min(minY, cont[i + 1]); maxY = Math.max(maxY, cont[i + 1]);
            }
            // cv2.boundingRect: width = max - min + 1; CLAM pads (use_padding=True): stop = start + width
            int rows = (int) ((maxY + 1 - minY + step - 1) / step);
            // every y a test point can have, so that each polygon's rows are computed once, up front
            double[] pointYs = new double[3 * rows], centreYs = new double[rows];
            for (int k = 0; k < rows; k++) {
                long cy = minY + k * step + side / 2;
                pointYs[3 * k] = cy;
                pointYs[3 * k + 1] = cy - shift;
                pointYs[3 * k + 2] = cy + shift;
                centreYs[k] = minY + k * step + side / 2.0;
            }
            PolygonRows outer = new PolygonRows(cont, pointYs);
            List<PolygonRows> holes = new ArrayList<>();
            for (int[] h : r.holes()) holes.add(new PolygonRows(toLevel0(h, mask), centreYs));
            for (long x = minX; x < maxX + 1; x += step) {
                for (long y = minY; y < maxY + 1; y += step) {
                    if (!inContour(spec.rule(), outer, x, y, side) || inHoles(holes, x, y, side)) continue;
                    if (!seen.add(x, y)) continue;
                    out.add(new PatchCoord(x, y, mask.fraction(x, y, x + sideD, y + sideD)));
                }
            }
        }
        return out;
    }

    /** CLAM's scaleContourDim: {@code np.array(cont * scale, dtype='int32')}. */
    private static long[] toLevel0(int[] xy, TissueMask mask) {
        long[] out = new long[xy.length];
        for (int i = 0; i < xy.length; i += 2) {
            out[i] = (long) (xy[i] * mask.scaleX());
            out[i + 1] = (long) (xy[i + 1] * mask.scaleY());
        }
        return out;
    }

    /** CLAM's isInContourV2 (center) and isInContourV3 (four_pt, easy or hard, centre shift 0.5). */
    static boolean inContour(PatchRule rule, PolygonRows cont, long x, long y, long side) {
        double cx = x + side / 2, cy = y + side / 2;
        if (rule == PatchRule.CENTER) return cont.test(cx, cy) >= 0;
        long shift = (long) (side / 2 * 0.5);
        if (shift <= 0) return cont.test(cx, cy) >= 0;
        double[][] pts = {{cx - shift, cy - shift}, {cx + shift, cy + shift}, {cx + shift, cy - shift}, {cx - shift, cy + shift}};
        boolean hard = rule == PatchRule.FOUR_PT_HARD;
        for (double[] p : pts) {
            boolean in = cont.test(p[0], p[1]) >= 0;
            if (in && !hard) return true;
            if (!in && hard) return false;
        }
        return hard;
    }

    /** CLAM's isInHoles: the centre {@code pt + patch_size / 2} strictly inside a hole. */
    static boolean inHoles(List<PolygonRows> holes, long x, long y, long side) {
        double cx = x + side / 2.0, cy = y + side / 2.0;
        for (PolygonRows h : holes) if (h.test(cx, cy) > 0) return true;
        return false;
    }

    /** {@code cv2.pointPolygonTest(contour, pt, False)}: 1 inside, 0 on an edge, -1 outside (even-odd rule). */
    static int pointInPolygon(long[] xy, double px, double py) {
        int n = xy.length / 2;
        if (n == 0) return -1;
        boolean inside = false;
        long x0 = xy[2 * n - 2], y0 = xy[2 * n - 1];
        for (int i = 0; i < n; i++) {
            long x1 = xy[2 * i], y1 = xy[2 * i + 1];
            if (onSegment(x0, y0, x1, y1, px, py)) return 0;
            if ((y0 <= py && py < y1) || (y1 <= py && py < y0)) {
                double xi = x0 + (py - y0) * (double) (x1 - x0) / (y1 - y0);
                if (xi > px) inside = !inside;
            }
            x0 = x1;
            y0 = y1;
        }
        return inside ? 1 : -1;
    }

    /**
     * {@link #pointInPolygon} for many points on few rows (a grid's test points share their y): the
     * crossings and on-edge positions of every row are computed once, when the polygon is given its
     * rows, then each point is a binary search. Gives exactly the answers of {@link #pointInPolygon}.
     * Rows are stored one after another (offsets per row), and an edge is visited only for the rows
     * its y range spans, so that a contour of many short edges (CHAIN_APPROX_NONE) costs its edges
     * plus its crossings rather than edges times rows.
     */
    static final class PolygonRows {
        private final double[] ys;
        private final int[] crossFrom, onFrom, flatFrom;
        private final double[] cross, on, flat;

        /** @param rowYs the y of every point that will be tested, in any order, repeats allowed */
        PolygonRows(long[] xy, double[] rowYs) {
            ys = Arrays.stream(rowYs).sorted().distinct().toArray();
            int q = ys.length;
            crossFrom = new int[q + 1];
            onFrom = new int[q + 1];
            flatFrom = new int[q + 1];
            visitEdges(xy, null, null, null);
            cross = new double[prefixSum(crossFrom)];
            on = new double[prefixSum(onFrom)];
            flat = new double[2 * prefixSum(flatFrom)];
            visitEdges(xy, new int[q], new int[q], new int[q]);
            for (int r = 0; r < q; r++) {
                Arrays.sort(cross, crossFrom[r], crossFrom[r + 1]);
                Arrays.sort(on, onFrom[r], onFrom[r + 1]);
            }
        }

        int test(double px, double py) {
            int r = Arrays.binarySearch(ys, py);
            if (r < 0) throw new IllegalArgumentException("row " + py + " was not given to this polygon");
            if (Arrays.binarySearch(on, onFrom[r], onFrom[r + 1], px) >= 0) return 0;
            for (int i = 2 * flatFrom[r]; i < 2 * flatFrom[r + 1]; i += 2) if (px >= flat[i] && px <= flat[i + 1]) return 0;
            // px is no crossing (crossings are on-edge positions, answered above): the search gives
            // the insertion point, and everything from it on lies right of px
            int k = Arrays.binarySearch(cross, crossFrom[r], crossFrom[r + 1], px);
            int right = crossFrom[r + 1] - (-k - 1);
            return (right & 1) == 1 ? 1 : -1;
        }

        /**
         * Visits each edge's rows: without fill cursors it counts into the {@code *From} arrays (at
         * r + 1), with them it stores crossings, on-edge positions and horizontal edges.
         */
        private void visitEdges(long[] xy, int[] crossAt, int[] onAt, int[] flatAt) {
            int n = xy.length / 2;
            if (n == 0) return;
            boolean fill = crossAt != null;
            long x0 = xy[2 * n - 2], y0 = xy[2 * n - 1];
            for (int i = 0; i < n; i++) {
                long x1 = xy[2 * i], y1 = xy[2 * i + 1];
                long lo = Math.min(y0, y1), hi = Math.max(y0, y1);
                for (int r = firstAtOrAbove(lo); r < ys.length && ys[r] <= hi; r++) {
                    double py = ys[r];
                    if (y0 == y1) {
                        if (!fill) flatFrom[r + 1]++;
                        else {
                            int at = 2 * (flatFrom[r] + flatAt[r]++);
                            flat[at] = Math.min(x0, x1);
                            flat[at + 1] = Math.max(x0, x1);
                        }
                        continue;
                    }
                    boolean crosses = (y0 <= py && py < y1) || (y1 <= py && py < y0);
                    if (!fill) {
                        onFrom[r + 1]++;
                        if (crosses) crossFrom[r + 1]++;
                        continue;
                    }
                    double xi = x0 + (py - y0) * (double) (x1 - x0) / (y1 - y0);
                    on[onFrom[r] + onAt[r]++] = xi;
                    if (crosses) cross[crossFrom[r] + crossAt[r]++] = xi;
                }
                x0 = x1;
                y0 = y1;
            }
        }

        private int firstAtOrAbove(double y) { // ys are distinct
            int r = Arrays.binarySearch(ys, y);
            return r < 0 ? -r - 1 : r;
        }

        private static int prefixSum(int[] from) {
            for (int r = 1; r < from.length; r++) from[r] += from[r - 1];
            return from[from.length - 1];
        }
    }

    /**
     * The level-0 positions already planned, so that a position inside two contours' boxes is kept
     * once: open addressing on the packed position. Not a {@code Set<Long>}: {@code Long.hashCode}
     * of {@code x << 32 ^ y} is {@code x ^ y}, which puts a whole grid's diagonals in one bucket.
     */
    static final class CoordSet {
        private static final long EMPTY = -1; // no position packs to it: both halves are below 2^31
        private long[] slots = filled(1 << 10);
        private int size;

        boolean add(long x, long y) {
            long key = (x << 32) | (y & 0xFFFFFFFFL);
            if (2 * (size + 1) > slots.length) grow();
            if (!put(slots, key)) return false;
            size++;
            return true;
        }

        private static boolean put(long[] table, long key) {
            int mask = table.length - 1;
            for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
                if (table[i] == key) return false;
                if (table[i] == EMPTY) {
                    table[i] = key;
                    return true;
                }
            }
        }

        private void grow() {
            long[] bigger = filled(slots.length * 2);
            for (long k : slots) if (k != EMPTY) put(bigger, k);
            slots = bigger;
        }

        private static int mix(long key) { // the finaliser of MurmurHash3
            key ^= key >>> 33;
            key *= 0xff51afd7ed558ccdL;
            key ^= key >>> 33;
            key *= 0xc4ceb9fe1a85ec53L;
            return (int) (key ^ (key >>> 33));
        }

        private static long[] filled(int n) {
            long[] a = new long[n];
            Arrays.fill(a, EMPTY);
            return a;
        }
    }

    private static boolean onSegment(long x0, long y0, long x1, long y1, double px, double py) {
        if (px < Math.min(x0, x1) || px > Math.max(x0, x1) || py < Math.min(y0, y1) || py > Math.max(y0, y1)) return false;
        return (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) == 0;
    }
}
