package org.slidestream.tissue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.slidestream.format.geojson.GeoFeature;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/**
 * A tissue mask at a low resolution: {@code width x height} pixels, each covering
 * {@code scaleX x scaleY} level-0 pixels, with the contours it was filled from. Answers the
 * tissue fraction of any level-0 rectangle exactly (area-weighted: partly covered mask pixels
 * count by the part covered).
 *
 * <p>The mask is kept as bits, 64 pixels to a word, and fractions are counted from them: a
 * summed-area table (an int per pixel) plus a boolean per pixel was 5 bytes a pixel, 49 MB for a
 * 100,000^2 slide's 3,125^2 mask, which made patch export's peak memory grow with the slide.
 *
 * @param level the pyramid level it was computed at, or -1 when resampled from a level
 */
public final class TissueMask {
    private final int width;
    private final int height;
    private final double scaleX;
    private final double scaleY;
    private final int level;
    private final int words; // per row
    private final long[] bits; // row y, column x: bit x & 63 of bits[y * words + x / 64]
    private final long tissuePixels;
    private final List<TissueRegion> regions;
    private final int contoursTooSmall;

    TissueMask(int width, int height, double scaleX, double scaleY, int level, boolean[] mask, List<TissueRegion> regions,
               int contoursTooSmall) {
        this.contoursTooSmall = contoursTooSmall;
        this.width = width;
        this.height = height;
        this.scaleX = scaleX;
        this.scaleY = scaleY;
        this.level = level;
        this.regions = List.copyOf(regions);
        this.words = (width + 63) >>> 6;
        this.bits = Morphology.pack(mask, width, height, words);
        long n = 0;
        for (long word : bits) n += Long.bitCount(word);
        this.tissuePixels = n;
    }

    public int width() { return width; }

    public int height() { return height; }

    public double scaleX() { return scaleX; }

    public double scaleY() { return scaleY; }

    public int level() { return level; }

    public List<TissueRegion> regions() { return regions; }

    public boolean isTissue(int x, int y) { return (bits[y * words + (x >>> 6)] & 1L << x) != 0; }

    /** Tissue pixels of the mask. */
    public long tissuePixels() { return tissuePixels; }

    /** The mask as an 8-bit image, tissue 255. */
    public Raster toRaster() {
        return rows(0, height);
    }

    /** Rows {@code [y0, y0 + n)} of {@link #toRaster()}. */
    public Raster rows(int y0, int n) {
        Objects.checkFromIndexSize(y0, n, height);
        Raster r = Raster.create(PixelType.UINT8, width, n, 1);
        byte[] b = r.bytes();
        for (int y = 0; y < n; y++) for (int x = 0; x < width; x++) if (isTissue(x, y0 + y)) b[y * width + x] = (byte) 255;
        return r;
    }

    /** Fraction (0..1) of the level-0 rectangle [x0, x1) x [y0, y1) covered by tissue; outside the mask counts as background. */
    public double fraction(double x0, double y0, double x1, double y1) {
        double area = (x1 - x0) * (y1 - y0);
        if (area <= 0) return 0;
        double mx0 = x0 / scaleX, mx1 = x1 / scaleX, my0 = y0 / scaleY, my1 = y1 / scaleY;
        double f = tissueArea(mx0, my0, mx1, my1) / ((mx1 - mx0) * (my1 - my0));
        return Math.max(0, Math.min(1, f));
    }

    /** Tissue area, in mask pixels, of [x0, x1) x [y0, y1) in mask coordinates: edge rows and columns by the part covered. */
    private double tissueArea(double x0, double y0, double x1, double y1) {
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        x1 = Math.min(width, x1);
        y1 = Math.min(height, y1);
        if (x1 <= x0 || y1 <= y0) return 0;
        int first = (int) Math.floor(y0), last = (int) Math.ceil(y1) - 1;
        if (first == last) return (y1 - y0) * rowArea(first, x0, x1);
        double s = (first + 1 - y0) * rowArea(first, x0, x1) + (y1 - last) * rowArea(last, x0, x1);
        for (int y = first + 1; y < last; y++) s += rowArea(y, x0, x1);
        return s;
    }

    /** Tissue length of row y over [x0, x1) (0 <= x0 < x1 <= width). */
    private double rowArea(int y, double x0, double x1) {
        int first = (int) Math.floor(x0), last = (int) Math.ceil(x1) - 1;
        if (first == last) return isTissue(first, y) ? x1 - x0 : 0;
        double s = count(y, first + 1, last);
        if (isTissue(first, y)) s += first + 1 - x0;
        if (isTissue(last, y)) s += x1 - last;
        return s;
    }

    /** Tissue pixels of row y in columns [from, to). */
    private int count(int y, int from, int to) {
        if (from >= to) return 0;
        int row = y * words, a = from >>> 6, b = (to - 1) >>> 6;
        long lo = -1L << from, hi = -1L >>> (63 - ((to - 1) & 63));
        if (a == b) return Long.bitCount(bits[row + a] & lo & hi);
        int n = Long.bitCount(bits[row + a] & lo) + Long.bitCount(bits[row + b] & hi);
        for (int k = a + 1; k < b; k++) n += Long.bitCount(bits[row + k]);
        return n;
    }

    /**
     * The contours as QuPath annotations of class {@code Tissue}, one polygon with holes each, in
     * level-0 pixel coordinates (mask pixel centres scaled).
     */
    public List<GeoFeature> features() {
        GeometryFactory gf = new GeometryFactory();
        List<GeoFeature> out = new ArrayList<>();
        for (TissueRegion r : regions) {
            if (r.outer().length < 6) continue; // fewer than three points is no polygon
            LinearRing shell = ring(gf, r.outer());
            List<LinearRing> holes = new ArrayList<>();
            for (int[] h : r.holes()) if (h.length >= 6) holes.add(ring(gf, h));
            Polygon p = gf.createPolygon(shell, holes.toArray(LinearRing[]::new));
            out.add(GeoFeature.annotation(p, "Tissue", 0x00C800));
        }
        return out;
    }

    private LinearRing ring(GeometryFactory gf, int[] xy) {
        int n = xy.length / 2;
        Coordinate[] c = new Coordinate[n + 1];
        for (int i = 0; i < n; i++) c[i] = new Coordinate((xy[2 * i] + 0.5) * scaleX, (xy[2 * i + 1] + 0.5) * scaleY);
        c[n] = c[0];
        return gf.createLinearRing(c);
    }

    /** Contours of tissue found but dropped by the area filter ({@code a_t}). */
    public int contoursTooSmall() {
        return contoursTooSmall;
    }
}
