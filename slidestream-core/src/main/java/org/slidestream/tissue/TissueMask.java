package org.slidestream.tissue;

import java.util.ArrayList;
import java.util.List;
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
 * tissue fraction of any level-0 rectangle exactly (area-weighted, from a summed-area table).
 *
 * @param level the pyramid level it was computed at, or -1 when resampled from a level
 */
public final class TissueMask {
    private final int width;
    private final int height;
    private final double scaleX;
    private final double scaleY;
    private final int level;
    private final boolean[] mask;
    private final List<TissueRegion> regions;
    private final int[] sums; // (width + 1) x (height + 1) summed-area table (counts fit: an array has < 2^31 pixels)
    private final int contoursTooSmall;

    TissueMask(int width, int height, double scaleX, double scaleY, int level, boolean[] mask, List<TissueRegion> regions,
               int contoursTooSmall) {
        this.contoursTooSmall = contoursTooSmall;
        this.width = width;
        this.height = height;
        this.scaleX = scaleX;
        this.scaleY = scaleY;
        this.level = level;
        this.mask = mask;
        this.regions = List.copyOf(regions);
        int sw = width + 1;
        this.sums = new int[sw * (height + 1)];
        for (int y = 0; y < height; y++) {
            int row = 0;
            for (int x = 0; x < width; x++) {
                if (mask[y * width + x]) row++;
                sums[(y + 1) * sw + x + 1] = sums[y * sw + x + 1] + row;
            }
        }
    }

    public int width() { return width; }

    public int height() { return height; }

    public double scaleX() { return scaleX; }

    public double scaleY() { return scaleY; }

    public int level() { return level; }

    public List<TissueRegion> regions() { return regions; }

    public boolean isTissue(int x, int y) { return mask[y * width + x]; }

    /** Tissue pixels of the mask. */
    public long tissuePixels() { return sums[sums.length - 1]; }

    /** The mask as an 8-bit image, tissue 255. */
    public Raster toRaster() {
        Raster r = Raster.create(PixelType.UINT8, width, height, 1);
        byte[] b = r.bytes();
        for (int i = 0; i < mask.length; i++) if (mask[i]) b[i] = (byte) 255;
        return r;
    }

    /** Fraction (0..1) of the level-0 rectangle [x0, x1) x [y0, y1) covered by tissue; outside the mask counts as background. */
    public double fraction(double x0, double y0, double x1, double y1) {
        double area = (x1 - x0) * (y1 - y0);
        if (area <= 0) return 0;
        double mx0 = x0 / scaleX, mx1 = x1 / scaleX, my0 = y0 / scaleY, my1 = y1 / scaleY;
        double s = integral(mx1, my1) - integral(mx0, my1) - integral(mx1, my0) + integral(mx0, my0);
        double f = s / ((mx1 - mx0) * (my1 - my0));
        return Math.max(0, Math.min(1, f));
    }

    /** Tissue area in [0, x] x [0, y] of mask coordinates: the summed-area table, bilinear inside a pixel (exact). */
    private double integral(double x, double y) {
        x = Math.max(0, Math.min(width, x));
        y = Math.max(0, Math.min(height, y));
        int ix = (int) Math.min(width - 1, Math.floor(x)), iy = (int) Math.min(height - 1, Math.floor(y));
        double ax = x - ix, ay = y - iy;
        int sw = width + 1;
        double s00 = sums[iy * sw + ix], s10 = sums[iy * sw + ix + 1];
        double s01 = sums[(iy + 1) * sw + ix], s11 = sums[(iy + 1) * sw + ix + 1];
        return s00 * (1 - ax) * (1 - ay) + s10 * ax * (1 - ay) + s01 * (1 - ax) * ay + s11 * ax * ay;
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
