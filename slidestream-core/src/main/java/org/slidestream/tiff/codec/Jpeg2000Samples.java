package org.slidestream.tiff.codec;

import java.util.List;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * Turns decoded JPEG 2000 components (planes of int samples, as both decoders give them) into the
 * interleaved 8- or 16-bit pixels of a raster, as OpenSlide does: subsampled components are
 * repeated (nearest neighbour), signed components shifted when the output type is unsigned,
 * values clamped to the output type's range, and YCbCr components (Aperio 33003) converted with OpenSlide's tables.
 */
final class Jpeg2000Samples {
    private Jpeg2000Samples() {}

    /**
     * One decoded component.
     *
     * @param width  samples per row in {@code data}
     * @param dx     horizontal subsampling of the component (1 = full resolution)
     */
    record Plane(int[] data, int width, int height, int dx, int dy, int precision, boolean signed) {}

    /** Checks that an image of this shape can go into {@code dest}, before anything is decoded. */
    static void requireFits(int width, int height, int components, int precision, Raster dest) {
        if (components != dest.bands()) {
            throw new CodecException("JPEG 2000 image has " + components + " components, expected " + dest.bands());
        }
        if (width <= 0 || height <= 0 || width > dest.width() || height > dest.height()) {
            throw new CodecException("JPEG 2000 image of " + width + "x" + height + " does not fit the expected "
                    + dest.width() + "x" + dest.height());
        }
        int bits = dest.type().bits();
        if (dest.type().isFloat() || bits > 16) {
            throw new IllegalArgumentException("JPEG 2000 decodes into 8- or 16-bit rasters, not " + dest);
        }
        if (precision < 1 || precision > bits) {
            throw new CodecException(precision + "-bit JPEG 2000 components do not fit " + dest.type());
        }
    }

    /** Checks a region decode: the reduction, the region inside the reduced image, {@code dest}'s room, bands and type. */
    static void requireRegion(Jpeg2000Header h, int reduction, Region region, Raster dest, int dx, int dy) {
        if (reduction != 1 && reduction != 2 && reduction != 4 && reduction != 8) {
            throw new IllegalArgumentException("JPEG 2000 reduction must be 1, 2, 4 or 8, not " + reduction);
        }
        Region image = new Region(0, 0, Math.ceilDiv(h.width(), reduction), Math.ceilDiv(h.height(), reduction));
        if (region.isEmpty() || !image.contains(region)) {
            throw new IllegalArgumentException("region " + region + " is not inside the " + image.width() + "x" + image.height() + " image");
        }
        if (dx < 0 || dy < 0 || dx + region.width() > dest.width() || dy + region.height() > dest.height()) {
            throw new IllegalArgumentException("region " + region + " at (" + dx + ", " + dy + ") does not fit " + dest);
        }
        requireFits(region.width(), region.height(), h.components(), h.precision(), dest);
    }

    /** Writes {@code width x height} pixels into the top-left corner of {@code dest}. */
    static void write(List<Plane> planes, int width, int height, JpegColour colour, Raster dest) {
        write(planes, width, height, colour, dest, 0, 0);
    }

    /** Writes {@code width x height} pixels into {@code dest} at {@code (dx, dy)}. */
    static void write(List<Plane> planes, int width, int height, JpegColour colour, Raster dest, int dx, int dy) {
        boolean eightBit = dest.type().bytes() == 1;
        int min = (int) dest.type().minValue(), max = (int) dest.type().maxValue();
        int bands = dest.bands();
        int[] row = new int[width];
        for (int b = 0; b < bands; b++) {
            Plane p = planes.get(b);
            int offset = p.signed() && !dest.type().isSigned() ? 1 << (p.precision() - 1) : 0;
            for (int y = 0; y < height; y++) {
                planeRow(p, y, width, row);
                int o = dest.index(dx, dy + y, b);
                if (eightBit) {
                    byte[] out = dest.bytes();
                    for (int x = 0; x < width; x++, o += bands) out[o] = (byte) clamp(row[x] + offset, min, max);
                } else {
                    short[] out = dest.shorts();
                    for (int x = 0; x < width; x++, o += bands) out[o] = (short) clamp(row[x] + offset, min, max);
                }
            }
        }
        if (colour == JpegColour.YCBCR && bands == 3 && eightBit) {
            for (int y = 0; y < height; y++) YCbCr.aperioToRgb(dest.bytes(), dest.index(dx, dy + y, 0), width);
        }
    }

    /** Row {@code y} of the image from a plane, its subsampled samples repeated. */
    private static void planeRow(Plane p, int y, int width, int[] row) {
        int py = Math.min(y / p.dy(), p.height() - 1);
        int base = py * p.width();
        if (p.dx() == 1 && p.width() >= width) {
            System.arraycopy(p.data(), base, row, 0, width);
            return;
        }
        for (int x = 0; x < width; x++) row[x] = p.data()[base + Math.min(x / p.dx(), p.width() - 1)];
    }

    private static int clamp(int v, int min, int max) {
        return v < min ? min : Math.min(v, max);
    }
}
