package org.slidestream.annotation;

import java.util.Arrays;
import java.util.List;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * One polygon (shell and holes) prepared for drawing into any tile, with OpenCV's
 * {@code fillPoly} rules (8-connected, no anti-aliasing) so that masks equal those of the Python
 * tools pixel for pixel: vertices are rounded to whole pixels (coordinates given with 8 fractional
 * bits, as {@code fillPoly(..., shift=8)} takes them); each scanline is filled between pairs of
 * edge crossings (even-odd over all rings, so holes stay empty), from the first pixel centre at
 * or right of the left crossing to the last at or left of the right one, crossings stepped in
 * 16.16 fixed point exactly as OpenCV steps them; and every edge is also drawn as a Bresenham line,
 * so boundary pixels (of holes too) belong to the region.
 *
 * <p>Drawing a tile touches only the edges near it: a polygon with many edges keeps them in an
 * R-tree and a tile asks for those in the band of rows it covers, up to its right side.
 */
final class ScanPolygon {
    static final int SHIFT = 8;
    private static final int XY_SHIFT = 16;
    private static final int INDEX_ABOVE = 48;

    final byte value;
    final int rank;
    final int minX, minY, maxX, maxY;
    // Scanline edges: rows [top, bottom), crossing at row y = xs + (y - top) * dx (16.16 fixed point).
    private final int[] top, bottom;
    private final long[] xs, dxs;
    // Outline segments (already clipped to the mask, as OpenCV clips them); lines are those with a line.
    private final int[] lx0, ly0, lx1, ly1;
    private final boolean[] hasLine, hasScan;
    private final STRtree index;

    private ScanPolygon(byte value, int rank, Edges e) {
        this.value = value;
        this.rank = rank;
        int n = e.n;
        top = Arrays.copyOf(e.top, n); bottom = Arrays.copyOf(e.bottom, n);
        xs = Arrays.copyOf(e.xs, n); dxs = Arrays.copyOf(e.dxs, n);
        lx0 = Arrays.copyOf(e.lx0, n); ly0 = Arrays.copyOf(e.ly0, n); lx1 = Arrays.copyOf(e.lx1, n); ly1 = Arrays.copyOf(e.ly1, n);
        hasLine = Arrays.copyOf(e.hasLine, n); hasScan = Arrays.copyOf(e.hasScan, n);
        Envelope[] boxes = new Envelope[n];
        Envelope all = new Envelope();
        for (int i = 0; i < n; i++) {
            boxes[i] = box(i);
            if (boxes[i] != null) all.expandToInclude(boxes[i]);
        }
        minX = (int) all.getMinX(); maxX = (int) all.getMaxX(); minY = (int) all.getMinY(); maxY = (int) all.getMaxY();
        if (n > INDEX_ABOVE) {
            STRtree t = new STRtree();
            for (int i = 0; i < n; i++) if (boxes[i] != null) t.insert(boxes[i], i);
            t.build();
            index = t;
        } else {
            index = null;
        }
    }

    /** Pixels an edge can touch: its scanline rows and crossings, and its outline. Null when none. */
    private Envelope box(int i) {
        Envelope b = null;
        if (hasScan[i]) {
            long xa = xs[i] >> XY_SHIFT, xb = (xs[i] + (long) (bottom[i] - 1 - top[i]) * dxs[i]) >> XY_SHIFT;
            b = new Envelope(Math.min(xa, xb), Math.max(xa, xb) + 1, top[i], bottom[i] - 1);
        }
        if (hasLine[i]) {
            Envelope l = new Envelope(lx0[i], lx1[i], ly0[i], ly1[i]);
            if (b == null) b = l;
            else b.expandToInclude(l);
        }
        return b;
    }

    /** Edge data while a polygon is being prepared. */
    private static final class Edges {
        int n;
        int[] top, bottom, lx0, ly0, lx1, ly1;
        long[] xs, dxs;
        boolean[] hasLine, hasScan;

        Edges(int cap) {
            top = new int[cap]; bottom = new int[cap]; lx0 = new int[cap]; ly0 = new int[cap]; lx1 = new int[cap]; ly1 = new int[cap];
            xs = new long[cap]; dxs = new long[cap]; hasLine = new boolean[cap]; hasScan = new boolean[cap];
        }
    }

    /** The polygon in mask pixels of {@code res}, or null when it has no edges. */
    static ScanPolygon of(Polygon p, MaskResolution res, byte value, int rank) {
        int cap = 0;
        for (int r = 0; r <= p.getNumInteriorRing(); r++) cap += ring(p, r).getNumPoints();
        Edges e = new Edges(cap);
        int w = res.width(), h = res.height();
        long[] c = new long[4];
        for (int r = 0; r <= p.getNumInteriorRing(); r++) {
            Coordinate[] cs = ring(p, r).getCoordinates();
            int m = cs.length;
            if (m > 1 && cs[0].equals2D(cs[m - 1])) m--; // the closing point repeats the first
            if (m == 0) continue;
            long px = fixed(res.x(cs[m - 1].x)), py = fixed(res.y(cs[m - 1].y));
            for (int i = 0; i < m; i++) {
                long qx = fixed(res.x(cs[i].x)), qy = fixed(res.y(cs[i].y));
                edge(e, px, py, qx, qy, w, h, c);
                px = qx; py = qy;
            }
        }
        if (e.n == 0) return null;
        return new ScanPolygon(value, rank, e);
    }

    /**
     * One edge as OpenCV's {@code CollectPolyEdges} makes it from two vertices given with
     * {@link #SHIFT} fractional bits: rows are the rounded y, the crossing runs between the rounded x
     * of the (clipped) end points; the outline is the clipped Bresenham line.
     */
    private static void edge(Edges e, long fx0, long fy0, long fx1, long fy1, int w, int h, long[] c) {
        int i = e.n++;
        long y0 = (fy0 + (1 << (SHIFT - 1))) >> SHIFT, y1 = (fy1 + (1 << (SHIFT - 1))) >> SHIFT;
        long t0x = ((fx0 << (XY_SHIFT - SHIFT)) + (1 << (XY_SHIFT - 1))) >> XY_SHIFT;
        long t1x = ((fx1 << (XY_SHIFT - SHIFT)) + (1 << (XY_SHIFT - 1))) >> XY_SHIFT;
        c[0] = t0x; c[1] = y0; c[2] = t1x; c[3] = y1;
        boolean outside = t0x < 0 || t0x >= w || t1x < 0 || t1x >= w || y0 < 0 || y0 >= h || y1 < 0 || y1 >= h;
        boolean visible = true;
        if (outside) visible = clipLine(w, h, c);
        if (visible) {
            e.hasLine[i] = true;
            e.lx0[i] = (int) c[0]; e.ly0[i] = (int) c[1]; e.lx1[i] = (int) c[2]; e.ly1[i] = (int) c[3];
        }
        if (y0 == y1) return;
        // The crossing runs between the rounded end points, unclipped: where a polygon crosses the
        // mask's border OpenCV's own fill varies between releases (4.6 leaves single-pixel gaps there).
        long c0x = t0x << XY_SHIFT, c1x = t1x << XY_SHIFT;
        long dx = (c1x - c0x) / (y1 - y0);
        e.hasScan[i] = true;
        e.dxs[i] = dx;
        if (y0 < y1) {
            e.top[i] = (int) y0; e.bottom[i] = (int) y1; e.xs[i] = c0x;
        } else {
            e.top[i] = (int) y1; e.bottom[i] = (int) y0; e.xs[i] = c1x;
        }
    }

    /** OpenCV's {@code clipLine} for a {@code w x h} image: cuts {x1, y1, x2, y2} in place; false when nothing is left. */
    static boolean clipLine(long w, long h, long[] p) {
        long right = w - 1, bottom = h - 1;
        long x1 = p[0], y1 = p[1], x2 = p[2], y2 = p[3];
        int c1 = (x1 < 0 ? 1 : 0) + (x1 > right ? 2 : 0) + (y1 < 0 ? 4 : 0) + (y1 > bottom ? 8 : 0);
        int c2 = (x2 < 0 ? 1 : 0) + (x2 > right ? 2 : 0) + (y2 < 0 ? 4 : 0) + (y2 > bottom ? 8 : 0);
        if ((c1 & c2) == 0 && (c1 | c2) != 0) {
            long a;
            if ((c1 & 12) != 0) {
                a = c1 < 8 ? 0 : bottom;
                x1 += (long) ((double) (a - y1) * (x2 - x1) / (y2 - y1));
                y1 = a;
                c1 = (x1 < 0 ? 1 : 0) + (x1 > right ? 2 : 0);
            }
            if ((c2 & 12) != 0) {
                a = c2 < 8 ? 0 : bottom;
                x2 += (long) ((double) (a - y2) * (x2 - x1) / (y2 - y1));
                y2 = a;
                c2 = (x2 < 0 ? 1 : 0) + (x2 > right ? 2 : 0);
            }
            if ((c1 & c2) == 0 && (c1 | c2) != 0) {
                if (c1 != 0) {
                    a = c1 == 1 ? 0 : right;
                    y1 += (long) ((double) (a - x1) * (y2 - y1) / (x2 - x1));
                    x1 = a;
                    c1 = 0;
                }
                if (c2 != 0) {
                    a = c2 == 1 ? 0 : right;
                    y2 += (long) ((double) (a - x2) * (y2 - y1) / (x2 - x1));
                    x2 = a;
                    c2 = 0;
                }
            }
        }
        p[0] = x1; p[1] = y1; p[2] = x2; p[3] = y2;
        return (c1 | c2) == 0;
    }

    private static LineString ring(Polygon p, int r) {
        return r == 0 ? p.getExteriorRing() : p.getInteriorRingN(r - 1);
    }

    /** The fixed-point coordinate OpenCV is given: {@code round(v * 256)}. */
    static long fixed(double v) {
        return (long) Math.floor(v * (1 << SHIFT) + 0.5);
    }

    Envelope envelope() {
        return new Envelope(minX, maxX, minY, maxY);
    }

    /** Reusable per-thread arrays. */
    static final class Scratch {
        int[] edges = new int[64];
        int[] active = new int[64];
        long[] xs = new long[64];
        long[] keys = new long[64];

        long[] keys(int n) {
            if (keys.length < n) keys = new long[Math.max(n, keys.length * 2)];
            return keys;
        }
    }

    /**
     * Paints the polygon with its value into {@code dst} (row length {@code stride}), which holds the
     * mask pixels {@code [cx0, cx1] x [cy0, cy1]} (inclusive) with {@code (cx0, cy0)} at index 0.
     */
    void paint(byte[] dst, int stride, int cx0, int cy0, int cx1, int cy1, Scratch s) {
        if (maxX < cx0 || minX > cx1 || maxY < cy0 || minY > cy1) return;
        int n = candidates(cx0, cy0, cx1, cy1, s);
        fill(dst, stride, cx0, cy0, cx1, cy1, n, s);
        for (int k = 0; k < n; k++) {
            int i = s.edges[k];
            if (hasLine[i]) line(dst, stride, cx0, cy0, cx1, cy1, lx0[i], ly0[i], lx1[i], ly1[i]);
        }
    }

    /** Edges whose box meets the band of rows {@code [cy0, cy1]} left of {@code cx1}: all that can matter. */
    private int candidates(int cx0, int cy0, int cx1, int cy1, Scratch s) {
        if (index == null) {
            int n = 0;
            ensure(s, top.length);
            for (int i = 0; i < top.length; i++) s.edges[n++] = i;
            return n;
        }
        List<?> hits = index.query(new Envelope(minX, cx1, cy0, cy1));
        ensure(s, hits.size());
        int n = 0;
        for (Object o : hits) s.edges[n++] = (Integer) o;
        Arrays.sort(s.edges, 0, n); // the tree's order is not part of the result, but keep work deterministic
        return n;
    }

    private static void ensure(Scratch s, int n) {
        if (s.edges.length < n) {
            s.edges = new int[Math.max(n, s.edges.length * 2)];
            s.active = new int[s.edges.length];
            s.xs = new long[s.edges.length];
        }
    }

    /**
     * Even-odd scanline fill of rows {@code [cy0, cy1]}, spans cut to {@code [cx0, cx1]}. Edges enter
     * an active list in order of their top row and leave it after their last, so a row costs the
     * edges that cross it, not all the edges near the tile.
     */
    private void fill(byte[] dst, int stride, int cx0, int cy0, int cx1, int cy1, int n, Scratch s) {
        int rowFrom = Math.max(cy0, minY), rowTo = Math.min(cy1, maxY);
        if (rowFrom > rowTo) return;
        long[] keys = s.keys(n);
        int k = 0;
        for (int j = 0; j < n; j++) {
            int i = s.edges[j];
            if (hasScan[i] && bottom[i] > rowFrom && top[i] <= rowTo) keys[k++] = (long) top[i] << 32 | i;
        }
        Arrays.sort(keys, 0, k);
        long limit = (long) (cx1 + 1) << XY_SHIFT; // crossings at or beyond the clip's right edge only close spans
        int next = 0, active = 0;
        int[] act = s.active;
        for (int y = rowFrom; y <= rowTo; y++) {
            while (next < k && (int) (keys[next] >> 32) <= y) act[active++] = (int) keys[next++];
            int m = 0, kept = 0;
            for (int a = 0; a < active; a++) {
                int i = act[a];
                if (bottom[i] <= y) continue; // past its last row: drop it
                act[kept++] = i;
                long x = xs[i] + (long) (y - top[i]) * dxs[i];
                if (x < limit) s.xs[m++] = x;
            }
            active = kept;
            if (m == 0) continue;
            Arrays.sort(s.xs, 0, m);
            int row = (y - cy0) * stride - cx0;
            for (int q = 0; q < m; q += 2) {
                int a = (int) ((s.xs[q] + (1 << XY_SHIFT) - 1) >> XY_SHIFT);
                int b = q + 1 < m ? (int) (s.xs[q + 1] >> XY_SHIFT) : cx1;
                a = Math.max(a, cx0);
                b = Math.min(b, cx1);
                if (a <= b) Arrays.fill(dst, row + a, row + b + 1, value);
            }
            if (active == 0 && next == k) break;
        }
    }

    /**
     * OpenCV's 8-connected line ({@code LineIterator}, left to right): along the major axis one
     * pixel per step, the minor coordinate at step k being {@code ceil((2 * minor * k - major) / (2 * major))}.
     */
    private void line(byte[] dst, int stride, int cx0, int cy0, int cx1, int cy1, int ax, int ay, int bx, int by) {
        if (bx < ax) {
            int t = ax; ax = bx; bx = t;
            t = ay; ay = by; by = t;
        }
        if (bx < cx0 || ax > cx1 || Math.max(ay, by) < cy0 || Math.min(ay, by) > cy1) return;
        long dx = bx - ax, dy = by - ay;
        int sy = dy < 0 ? -1 : 1;
        dy = Math.abs(dy);
        if (dy > dx) {
            long kLo = sy > 0 ? cy0 - ay : ay - cy1, kHi = sy > 0 ? cy1 - ay : ay - cy0;
            kLo = Math.max(kLo, 0);
            kHi = Math.min(kHi, dy);
            for (long k = kLo; k <= kHi; k++) {
                int y = (int) (ay + sy * k);
                int x = (int) (ax + Math.ceilDiv(2 * dx * k - dy, 2 * dy));
                if (x >= cx0 && x <= cx1) dst[(y - cy0) * stride + x - cx0] = value;
            }
        } else if (dx == 0) {
            if (ax >= cx0 && ax <= cx1 && ay >= cy0 && ay <= cy1) dst[(ay - cy0) * stride + ax - cx0] = value;
        } else {
            long kLo = Math.max(0, cx0 - ax), kHi = Math.min(dx, cx1 - ax);
            for (long k = kLo; k <= kHi; k++) {
                int y = (int) (ay + sy * Math.ceilDiv(2 * dy * k - dx, 2 * dx));
                if (y >= cy0 && y <= cy1) dst[(y - cy0) * stride + (int) (ax + k) - cx0] = value;
            }
        }
    }
}
