package org.slidestream.tiff.codec;

import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/** Argument checks of a JPEG region decode, and the box reduction of the decoders that cannot scale. */
final class JpegRegions {
    private JpegRegions() {}

    /** Checks the reduction, that {@code region} lies in the reduced image and that it fits {@code dest} at {@code (dx, dy)}. */
    static void check(int width, int height, int reduction, Region region, Raster dest, int dx, int dy) {
        if (reduction != 1 && reduction != 2 && reduction != 4 && reduction != 8) {
            throw new IllegalArgumentException("JPEG reduction must be 1, 2, 4 or 8, not " + reduction);
        }
        Region image = new Region(0, 0, JpegCodec.reducedSize(width, reduction), JpegCodec.reducedSize(height, reduction));
        if (region.isEmpty() || !image.contains(region)) {
            throw new IllegalArgumentException("region " + region + " is not inside the " + image.width() + "x" + image.height() + " image");
        }
        if (dest.type().bytes() != 1 || dx < 0 || dy < 0 || dx + region.width() > dest.width() || dy + region.height() > dest.height()) {
            throw new IllegalArgumentException("region " + region + " at (" + dx + ", " + dy + ") does not fit " + dest);
        }
    }

    /**
     * Averages {@code reduction x reduction} boxes of {@code full} (rounded to nearest; boxes cut by
     * the image's edge average the pixels they hold) for the pixels of {@code region} of the reduced image.
     */
    static void boxReduce(Raster full, int reduction, Region region, Raster dest, int dx, int dy) {
        int bands = full.bands(), w = full.width(), h = full.height();
        byte[] src = full.bytes(), out = dest.bytes();
        int[] sums = new int[bands];
        for (int y = 0; y < region.height(); y++) {
            int y0 = (region.y() + y) * reduction, y1 = Math.min(h, y0 + reduction);
            for (int x = 0; x < region.width(); x++) {
                int x0 = (region.x() + x) * reduction, x1 = Math.min(w, x0 + reduction);
                java.util.Arrays.fill(sums, 0);
                for (int sy = y0; sy < y1; sy++) {
                    int i = (sy * w + x0) * bands;
                    for (int sx = x0; sx < x1; sx++) {
                        for (int b = 0; b < bands; b++) sums[b] += src[i++] & 0xFF;
                    }
                }
                int n = (y1 - y0) * (x1 - x0);
                int o = dest.index(dx + x, dy + y, 0);
                for (int b = 0; b < bands; b++) out[o + b] = (byte) ((sums[b] + n / 2) / n);
            }
        }
    }
}
