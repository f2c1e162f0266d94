package org.slidestream.view.layer;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/** Drawing on 8-bit RGBA tiles (straight alpha), the pixels of overlay layers. */
final class Rgba {
    private Rgba() {}

    static Raster transparent(int width, int height) {
        return Raster.create(PixelType.UINT8, width, height, 4);
    }

    /** Fills the rectangle [x0, x1) x [y0, y1), clipped to the tile. */
    static void fill(Raster t, int x0, int y0, int x1, int y1, int rgb, int alpha) {
        int cx0 = Math.max(0, x0), cy0 = Math.max(0, y0), cx1 = Math.min(t.width(), x1), cy1 = Math.min(t.height(), y1);
        byte[] p = t.bytes();
        for (int y = cy0; y < cy1; y++) {
            int i = (y * t.width() + cx0) * 4;
            for (int x = cx0; x < cx1; x++, i += 4) put(p, i, rgb, alpha);
        }
    }

    /** The outline of the rectangle [x0, x1) x [y0, y1), one pixel wide, clipped to the tile. */
    static void outline(Raster t, int x0, int y0, int x1, int y1, int rgb, int alpha) {
        fill(t, x0, y0, x1, y0 + 1, rgb, alpha);
        fill(t, x0, y1 - 1, x1, y1, rgb, alpha);
        fill(t, x0, y0, x0 + 1, y1, rgb, alpha);
        fill(t, x1 - 1, y0, x1, y1, rgb, alpha);
    }

    static void put(byte[] p, int i, int rgb, int alpha) {
        p[i] = (byte) (rgb >> 16);
        p[i + 1] = (byte) (rgb >> 8);
        p[i + 2] = (byte) rgb;
        p[i + 3] = (byte) alpha;
    }
}
