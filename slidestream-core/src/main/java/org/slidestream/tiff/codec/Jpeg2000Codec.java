package org.slidestream.tiff.codec;

import org.slidestream.image.Raster;
import org.slidestream.image.Region;

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

    /**
     * Decodes the rectangle {@code region} of the image reduced {@code reduction} times (1, 2, 4 or
     * 8; the reduced image is {@code ceil(width / reduction)} x {@code ceil(height / reduction)},
     * as JPEG 2000's resolution levels are) into {@code dest} at {@code (dx, dy)}. OpenJPEG decodes
     * only the code-blocks the region needs and stops at a lower resolution level (the wavelet's
     * low-pass, which is half a pixel off an area average and differs from one by several levels on
     * tissue); this default decodes the whole image and averages boxes (8-bit) for a reduction.
     */
    default void decode(byte[] codestream, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
        Jpeg2000Header h = Jpeg2000Header.parse(codestream);
        Jpeg2000Samples.requireRegion(h, reduction, region, dest, dx, dy);
        Raster full = Raster.create(dest.type(), h.width(), h.height(), dest.bands());
        decode(codestream, colour, full);
        if (reduction == 1) {
            dest.copyFrom(full, region.x(), region.y(), dx, dy, region.width(), region.height());
        } else if (dest.type().bytes() == 1) {
            JpegRegions.boxReduce(full, reduction, region, dest, dx, dy);
        } else {
            throw new IllegalArgumentException("reduced JPEG 2000 decoding is for 8-bit images");
        }
    }
}
