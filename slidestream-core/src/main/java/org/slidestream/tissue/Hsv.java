package org.slidestream.tissue;

import org.slidestream.image.Raster;

/**
 * OpenCV's 8-bit RGB to HSV conversion ({@code COLOR_RGB2HSV}), bit for bit: the same fixed-point
 * tables, so that thresholds from OpenCV-based tools (CLAM's {@code sthresh}) mean the same here.
 * Hue is 0..179 (degrees / 2), saturation and value 0..255.
 */
final class Hsv {
    private static final int SHIFT = 12;
    private static final int[] SDIV = new int[256];
    private static final int[] HDIV = new int[256];

    static {
        for (int i = 1; i < 256; i++) {
            SDIV[i] = (int) Math.rint((255 << SHIFT) / (double) i);
            HDIV[i] = (int) Math.rint((180 << SHIFT) / (6.0 * i));
        }
    }

    private Hsv() {}

    /** Hue, saturation, value planes of an 8-bit RGB raster (one byte each, row by row). */
    static byte[][] planes(Raster rgb) {
        int n = rgb.width() * rgb.height();
        int bands = rgb.bands();
        byte[] src = rgb.bytes();
        byte[] h = new byte[n], s = new byte[n], v = new byte[n];
        for (int i = 0; i < n; i++) {
            int hsv = pixel(rgb, i);
            h[i] = (byte) (hsv >>> 16);
            s[i] = (byte) (hsv >>> 8);
            v[i] = (byte) hsv;
        }
        return new byte[][] {h, s, v};
    }

    /** Hue, saturation and value of pixel {@code i} (row by row), packed as {@code h << 16 | s << 8 | v}. */
    static int pixel(Raster rgb, int i) {
        byte[] src = rgb.bytes();
        int bands = rgb.bands();
        int r = src[i * bands] & 0xFF;
        int g = bands >= 3 ? src[i * bands + 1] & 0xFF : r;
        int b = bands >= 3 ? src[i * bands + 2] & 0xFF : r;
        int max = Math.max(r, Math.max(g, b));
        int min = Math.min(r, Math.min(g, b));
        int diff = max - min;
        int vr = max == r ? -1 : 0;
        int vg = max == g ? -1 : 0;
        int sat = saturation(max, min);
        int hue = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
        hue = (hue * HDIV[diff] + (1 << (SHIFT - 1))) >> SHIFT;
        if (hue < 0) hue += 180;
        return hue << 16 | sat << 8 | max;
    }

    /** The saturation plane alone, as {@link #planes} computes it, into {@code out} from index {@code offset} on (a strip of a larger plane). */
    static void saturation(Raster rgb, byte[] out, int offset) {
        int n = rgb.width() * rgb.height();
        int bands = rgb.bands();
        byte[] src = rgb.bytes();
        if (bands < 3) { // gray: no saturation
            java.util.Arrays.fill(out, offset, offset + n, (byte) 0);
            return;
        }
        for (int i = 0; i < n; i++) {
            int r = src[i * bands] & 0xFF, g = src[i * bands + 1] & 0xFF, b = src[i * bands + 2] & 0xFF;
            int max = Math.max(r, Math.max(g, b));
            int min = Math.min(r, Math.min(g, b));
            out[offset + i] = (byte) saturation(max, min);
        }
    }

    /** OpenCV's fixed-point saturation of a pixel whose largest and smallest components are given. */
    private static int saturation(int max, int min) {
        return ((max - min) * SDIV[max] + (1 << (SHIFT - 1))) >> SHIFT;
    }

    /** Gray as OpenCV's {@code COLOR_RGB2GRAY}: (R*4899 + G*9617 + B*1868 + 8192) >> 14. */
    static byte[] gray(Raster rgb) {
        int n = rgb.width() * rgb.height();
        int bands = rgb.bands();
        byte[] src = rgb.bytes();
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            int r = src[i * bands] & 0xFF;
            int g = bands >= 3 ? src[i * bands + 1] & 0xFF : r;
            int b = bands >= 3 ? src[i * bands + 2] & 0xFF : r;
            out[i] = (byte) ((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14);
        }
        return out;
    }
}
