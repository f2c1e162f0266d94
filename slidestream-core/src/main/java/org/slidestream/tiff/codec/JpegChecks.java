package org.slidestream.tiff.codec;

import org.slidestream.image.Raster;

/**
 * Checks both JPEG implementations make before decoding or encoding, so that they accept and
 * reject the same streams, and so that no size a damaged header claims reaches native code or an
 * allocation unchecked.
 */
final class JpegChecks {
    private JpegChecks() {}

    /** The stream's header, after checking that it is 8-bit Huffman DCT JPEG that fits {@code dest}. */
    static JpegStreams.Header requireDecodable(byte[] jpeg, Raster dest) {
        if (dest.type().bytes() != 1 || (dest.bands() != 1 && dest.bands() != 3)) {
            throw new IllegalArgumentException("JPEG decodes into 8-bit rasters of 1 or 3 bands, not " + dest);
        }
        JpegStreams.Header h = JpegStreams.header(jpeg);
        if (!h.isHuffmanDct()) {
            throw new CodecException(String.format("unsupported JPEG process (SOF marker 0xFF%02X)", h.sofMarker()));
        }
        if (h.precision() != 8) {
            throw new CodecException(h.precision() + "-bit JPEG is not supported (8-bit only)");
        }
        if (h.componentCount() != dest.bands()) {
            throw new CodecException("JPEG has " + h.componentCount() + " components, expected " + dest.bands());
        }
        for (JpegStreams.Component c : h.components()) {
            if (c.horizontalSampling() < 1 || c.horizontalSampling() > 4 || c.verticalSampling() < 1 || c.verticalSampling() > 4) {
                throw new CodecException("JPEG component " + c.id() + " has invalid sampling factors "
                        + c.horizontalSampling() + "x" + c.verticalSampling());
            }
        }
        if (h.width() > dest.width() || h.height() > dest.height()) {
            throw new CodecException("JPEG image of " + h.width() + "x" + h.height() + " does not fit the expected "
                    + dest.width() + "x" + dest.height());
        }
        return h;
    }

    static void requireEncodable(Raster src, int quality) {
        if (src.type().bytes() != 1 || (src.bands() != 1 && src.bands() != 3)) {
            throw new IllegalArgumentException("JPEG encodes 8-bit rasters of 1 or 3 bands, not " + src);
        }
        if (src.width() < 1 || src.height() < 1 || src.width() > LibJpegStream.MAX_DIMENSION || src.height() > LibJpegStream.MAX_DIMENSION) {
            throw new IllegalArgumentException("JPEG images are 1 to 65500 pixels a side, not " + src.width() + "x" + src.height());
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1 to 100, not " + quality);
        }
    }
}
