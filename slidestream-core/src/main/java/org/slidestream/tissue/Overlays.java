package org.slidestream.tissue;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/** Quality-control pictures: the segmentation image with tissue tinted and contours drawn, and boxes on it. */
public final class Overlays {
    /** Largest side of a thumbnail; bigger segmentation images are subsampled. */
    public static final int MAX_SIDE = 2048;

    private Overlays() {}

    /** {@code img} subsampled (nearest pixel: every f-th of each row and column) to at most {@link #MAX_SIDE}. */
    public static Raster preview(Raster img) {
        if (factor(img.width(), img.height()) == 1) return img;
        Preview p = preview(img.width(), img.height(), img.bands());
        p.add(img, 0);
        return p.image();
    }

    /** A {@link #preview(Raster)} of an 8-bit image of {@code width x height} made from strips of its rows. */
    static Preview preview(int width, int height, int bands) {
        int f = factor(width, height);
        return new Preview(Raster.create(PixelType.UINT8, Math.ceilDiv(width, f), Math.ceilDiv(height, f), bands), f);
    }

    /** The preview being filled, strip by strip. */
    static final class Preview {
        private final Raster out;
        private final int f;

        private Preview(Raster out, int f) {
            this.out = out;
            this.f = f;
        }

        /** Takes the preview's rows from {@code strip}, whose first row is row {@code y0} of the image. */
        void add(Raster strip, int y0) {
            int w = out.width(), bands = out.bands();
            byte[] s = strip.bytes(), o = out.bytes();
            for (int y = Math.ceilDiv(y0, f); y * f < y0 + strip.height() && y < out.height(); y++) {
                int row = (y * f - y0) * strip.width();
                for (int x = 0; x < w; x++) System.arraycopy(s, (row + x * f) * bands, o, (y * w + x) * bands, bands);
            }
        }

        Raster image() { return out; }
    }

    /** The segmentation's preview, tissue tinted green, outlines green, holes blue. */
    public static Raster tissue(Segmentation seg) {
        Raster img = seg.image();
        TissueMask m = seg.mask();
        int f = factor(seg);
        int w = img.width(), h = img.height();
        Raster out = Raster.create(PixelType.UINT8, w, h, 3);
        byte[] o = out.bytes();
        byte[] s = img.bytes();
        int bands = img.bands();
        // tissue tint, 70 % image + 30 % green, per band and value
        byte[][] tint = new byte[3][256];
        for (int b = 0; b < 3; b++) {
            for (int v = 0; v < 256; v++) tint[b][v] = (byte) Math.round(v * 0.7 + (b == 1 ? 255 * 0.3 : 0));
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int si = (y * w + x) * bands;
                boolean t = m.isTissue(x * f, y * f);
                int oi = (y * w + x) * 3;
                for (int b = 0; b < 3; b++) {
                    int v = s[si + Math.min(b, bands - 1)] & 0xFF;
                    o[oi + b] = t ? tint[b][v] : (byte) v;
                }
            }
        }
        for (TissueRegion r : m.regions()) {
            dots(out, r.outer(), f, 0x00B000);
            for (int[] hole : r.holes()) dots(out, hole, f, 0x2040FF);
        }
        return out;
    }

    /** The factor the segmentation's preview is subsampled by from the mask's resolution. */
    public static int factor(Segmentation seg) {
        return factor(seg.mask().width(), seg.mask().height());
    }

    private static int factor(int width, int height) {
        return Math.max(1, (int) Math.ceil(Math.max(width, height) / (double) MAX_SIDE));
    }

    private static void dots(Raster out, int[] xy, int f, int rgb) {
        for (int i = 0; i < xy.length; i += 2) pixel(out, xy[i] / f, xy[i + 1] / f, rgb);
    }

    /** Outlines a rectangle [x0, x1) x [y0, y1) in pixels of {@code img}. */
    public static void rectangle(Raster img, int x0, int y0, int x1, int y1, int rgb) {
        for (int x = x0; x < x1; x++) { pixel(img, x, y0, rgb); pixel(img, x, y1 - 1, rgb); }
        for (int y = y0; y < y1; y++) { pixel(img, x0, y, rgb); pixel(img, x1 - 1, y, rgb); }
    }

    private static void pixel(Raster img, int x, int y, int rgb) {
        if (x < 0 || y < 0 || x >= img.width() || y >= img.height()) return;
        int i = (y * img.width() + x) * img.bands();
        byte[] b = img.bytes();
        b[i] = (byte) (rgb >> 16);
        b[i + 1] = (byte) (rgb >> 8);
        b[i + 2] = (byte) rgb;
    }
}
