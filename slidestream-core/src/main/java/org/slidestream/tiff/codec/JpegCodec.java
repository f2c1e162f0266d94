package org.slidestream.tiff.codec;

import org.slidestream.image.Raster;

/**
 * JPEG (TIFF compression 7) for 8-bit tiles and strips. Two implementations: the JDK's ImageIO
 * (always there) and libjpeg-turbo through JNA (where installed); {@link Codecs#jpeg} picks one.
 * Both give the same pixels within codec tolerance. Thread-safe.
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
     * Encodes an 8-bit raster of 1 or 3 bands as a complete baseline JPEG stream. Three bands are
     * stored as YCbCr with the given chroma subsampling.
     */
    byte[] encode(Raster src, int quality, ChromaSubsampling subsampling);
}
