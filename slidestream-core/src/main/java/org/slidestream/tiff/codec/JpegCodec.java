package org.slidestream.tiff.codec;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * JPEG (TIFF compression 7) for 8-bit tiles and strips. Implementations: libjpeg-turbo through its
 * libjpeg API (bundled, or a system copy), libjpeg-turbo's TurboJPEG API (a system library) and the
 * JDK's ImageIO (always there); {@link Codecs#jpeg} picks one. All give the same pixels within codec
 * tolerance. Thread-safe.
 */
public interface JpegCodec {

    /** Short name for logs and benchmarks ("imageio", "libjpeg-turbo"). */
    String name();

    /**
     * Decodes one complete JPEG stream (SOI to EOI, tables included; see
     * {@link JpegStreams#withTables}) into the top-left corner of {@code dest}, which is 8-bit
     * with 1 band (gray) or 3 bands (RGB) and at least the image's size.
     *
     * @param colour what three-component data holds: YCbCr (converted to RGB) or RGB (copied as is,
     *               as in Aperio slides and TIFF files whose photometric interpretation is RGB)
     * @throws CodecException when the stream is damaged or its size does not fit {@code dest}
     */
    void decode(byte[] jpeg, JpegColour colour, Raster dest);

    /**
     * Decodes the rectangle {@code region} of the image reduced {@code reduction} times (1, 2, 4 or
     * 8; the reduced image is {@code ceil(width / reduction)} x {@code ceil(height / reduction)})
     * into {@code dest} at {@code (dx, dy)}. A native codec decodes only the blocks the rectangle
     * needs and reduces in the DCT domain (as libjpeg's scaled decoding); this default decodes the
     * whole image and averages {@code reduction x reduction} boxes, which differs from the DCT
     * reduction by a few levels at most. A region of the whole image at reduction 1 gives exactly
     * what {@link #decode(byte[], JpegColour, Raster)} gives.
     *
     * @throws CodecException when the stream is damaged
     * @throws IllegalArgumentException when the region is not inside the reduced image or does not fit {@code dest}
     */
    default void decode(byte[] jpeg, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
        JpegStreams.Header h = JpegStreams.header(jpeg);
        JpegRegions.check(h.width(), h.height(), reduction, region, dest, dx, dy);
        Raster full = Raster.create(PixelType.UINT8, h.width(), h.height(), dest.bands());
        decode(jpeg, colour, full);
        if (reduction == 1) {
            dest.copyFrom(full, region.x(), region.y(), dx, dy, region.width(), region.height());
        } else {
            JpegRegions.boxReduce(full, reduction, region, dest, dx, dy);
        }
    }

    /**
     * Encodes an 8-bit raster of 1 or 3 bands as a complete baseline JPEG stream. Three bands are
     * stored as YCbCr with the given chroma subsampling.
     */
    byte[] encode(Raster src, int quality, ChromaSubsampling subsampling);

    /** The size of an image of {@code size} pixels reduced {@code reduction} times, as libjpeg scales. */
    static int reducedSize(int size, int reduction) {
        return (size + reduction - 1) / reduction;
    }
}
