package org.slidestream.tiff.codec;

import org.slidestream.image.Raster;

/**
 * JPEG 2000 codestreams in TIFF tiles (Aperio 33003/33005, and 34712). Two implementations:
 * jai-imageio-jpeg2000 (pure Java) and OpenJPEG through JNA (where installed, as OpenSlide uses);
 * {@link Codecs#jpeg2000} picks one. Thread-safe.
 */
public interface Jpeg2000Codec {

    String name();

    /**
     * Decodes a raw codestream ({@code FF 4F FF 51}) or a JP2 file into the top-left of {@code dest}
     * (8- or 16-bit, band count = components).
     *
     * @param colour {@link JpegColour#YCBCR} when the components are Y, Cb, Cr without the
     *               codestream's own colour transform (Aperio 33003): convert to RGB after decoding;
     *               {@link JpegColour#RGB} when the decoder's output is already RGB (Aperio 33005,
     *               where the codestream's MCT does the transform)
     */
    void decode(byte[] codestream, JpegColour colour, Raster dest);
}
