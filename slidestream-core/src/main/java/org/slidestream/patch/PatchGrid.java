package org.slidestream.patch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
        Set<Long> seen = new LinkedHashSet<>();
        List<PatchCoord> out = new ArrayList<>();
        for (TissueRegion r : mask.regions()) {
            long[] cont = toLevel0(r.outer(), mask);
            List<PolygonRows> holes = new ArrayList<>();
            for (int[] h : r.holes()) holes.add(new PolygonRows(toLevel0(h, mask)));
            long minX = Long.MAX_VALUE, minY = Long.MAX_VALUE, maxX = Long.MIN_VALUE, maxY = Long.MIN_VALUE;
            for (int i = 0; i < cont.length; i += 2) {
                minX = Math.min(minX, cont[i]); maxX = Math.max(maxX, cont[i]);
                minY = Math.min(minY, cont[i + 1]); maxY = Math.max(maxY, cont[i + 1]);
            }
            // cv2.boundingRect: width = max - min + 1; CLAM pads (use_padding=True): stop = start + width
            PolygonRows rows = new PolygonRows(cont);
            for (long x = minX; x < maxX + 1; x += step) {
                for (long y = minY; y < maxY + 1; y += step) {
                    if (!inContour(spec.rule(), rows, x, y, side) || inHoles(holes, x, y, side)) continue;
                    long key = (x << 32) ^ (y & 0xFFFFFFFFL);
                    if (!seen.add(key)) continue;
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
     * crossings and on-edge positions of each row are computed once, then each point is a binary
     * search. Gives exactly the answers of {@link #pointInPolygon}.
     */
    static final class PolygonRows {
        private final long[] xy;
        private final java.util.Map<Double, double[][]> rows = new java.util.HashMap<>();

        PolygonRows(long[] xy) {
            this.xy = xy;
        }

        int test(double px, double py) {
            double[][] r = rows.computeIfAbsent(py, this::row);
            double[] crossings = r[0], on = r[1], flat = r[2];
            if (java.util.Arrays.binarySearch(on, px) >= 0) return 0;
            for (int i = 0; i < flat.length; i += 2) if (px >= flat[i] && px <= flat[i + 1]) return 0;
            // px is no crossing (crossings are on-edge positions, answered above): the search gives
            // the insertion point, and everything from it on lies right of px
            int k = java.util.Arrays.binarySearch(crossings, px);
            int right = crossings.length - (-k - 1);
            return (right & 1) == 1 ? 1 : -1;
        }

        /** {crossings (sorted), x of non-horizontal edges through the row (sorted), horizontal edges on it [x0, x1]...}. */
        private double[][] row(double py) {
            int n = xy.length / 2;
            double[] cross = new double[8], on = new double[8], flat = new double[4];
            int nc = 0, no = 0, nf = 0;
            long x0 = xy[2 * n - 2], y0 = xy[2 * n - 1];
            for (int i = 0; i < n; i++) {
                long x1 = xy[2 * i], y1 = xy[2 * i + 1];
                if (y0 == y1) {
                    if (py == y0) {
                        if (nf + 2 > flat.length) flat = java.util.Arrays.copyOf(flat, flat.length * 2);
                        flat[nf++] = Math.min(x0, x1);
                        flat[nf++] = Math.max(x0, x1);
                    }
                } else if (py >= Math.min(y0, y1) && py <= Math.max(y0, y1)) {
                    double xi = x0 + (py - y0) * (double) (x1 - x0) / (y1 - y0);
                    if (no == on.length) on = java.util.Arrays.copyOf(on, no * 2);
                    on[no++] = xi;
                    if ((y0 <= py && py < y1) || (y1 <= py && py < y0)) {
                        if (nc == cross.length) cross = java.util.Arrays.copyOf(cross, nc * 2);
                        cross[nc++] = xi;
                    }
                }
                x0 = x1;
                y0 = y1;
            }
            cross = java.util.Arrays.copyOf(cross, nc);
            on = java.util.Arrays.copyOf(on, no);
            java.util.Arrays.sort(cross);
            java.util.Arrays.sort(on);
            return new double[][] {cross, on, java.util.Arrays.copyOf(flat, nf)};
        }
    }

    private static boolean onSegment(long x0, long y0, long x1, long y1, double px, double py) {
        if (px < Math.min(x0, x1) || px > Math.max(x0, x1) || py < Math.min(y0, y1) || py > Math.max(y0, y1)) return false;
        return (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) == 0;
    }
}
