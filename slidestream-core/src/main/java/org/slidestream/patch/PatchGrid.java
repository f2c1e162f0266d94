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
            List<long[]> holes = new ArrayList<>();
            for (int[] h : r.holes()) holes.add(toLevel0(h, mask));
            long minX = Long.MAX_VALUE, minY = Long.MAX_VALUE, maxX = Long.MIN_VALUE, maxY = Long.MIN_VALUE;
            for (int i = 0; i < cont.length; i += 2) {
                minX = Math.min(minX, cont[i]); maxX = Math.max(maxX, cont[i]);
                minY = Math.min(minY, cont[i + 1]); maxY = Math.max(maxY, cont[i + 1]);
            }
            // cv2.boundingRect: width = max - min + 1; CLAM pads (use_padding=True): stop = start + width
            for (long x = minX; x < maxX + 1; x += step) {
                for (long y = minY; y < maxY + 1; y += step) {
                    if (!inContour(spec.rule(), cont, x, y, side) || inHoles(holes, x, y, side)) continue;
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
    static boolean inContour(PatchRule rule, long[] cont, long x, long y, long side) {
        double cx = x + side / 2, cy = y + side / 2;
        if (rule == PatchRule.CENTER) return pointInPolygon(cont, cx, cy) >= 0;
        long shift = (long) (side / 2 * 0.5);
        if (shift <= 0) return pointInPolygon(cont, cx, cy) >= 0;
        double[][] pts = {{cx - shift, cy - shift}, {cx + shift, cy + shift}, {cx + shift, cy - shift}, {cx - shift, cy + shift}};
        boolean hard = rule == PatchRule.FOUR_PT_HARD;
        for (double[] p : pts) {
            boolean in = pointInPolygon(cont, p[0], p[1]) >= 0;
            if (in && !hard) return true;
            if (!in && hard) return false;
        }
        return hard;
    }

    /** CLAM's isInHoles: the centre {@code pt + patch_size / 2} strictly inside a hole. */
    static boolean inHoles(List<long[]> holes, long x, long y, long side) {
        double cx = x + side / 2.0, cy = y + side / 2.0;
        for (long[] h : holes) if (pointInPolygon(h, cx, cy) > 0) return true;
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

    private static boolean onSegment(long x0, long y0, long x1, long y1, double px, double py) {
        if (px < Math.min(x0, x1) || px > Math.max(x0, x1) || py < Math.min(y0, y1) || py > Math.max(y0, y1)) return false;
        return (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) == 0;
    }
}
