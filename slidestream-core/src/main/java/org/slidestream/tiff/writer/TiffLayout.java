package org.slidestream.tiff.writer;

/** How a pyramid is laid out in the file. */
public enum TiffLayout {
    /**
     * OME-TIFF: OME-XML in the first IFD's ImageDescription; one main IFD per plane (channel, Z) in
     * XYCZT order; the reduced resolutions of each plane as its SubIFDs (what Bio-Formats, QuPath,
     * tifffile and libvips read as a pyramid).
     */
    OME,
    /**
     * Generic tiled TIFF: the pyramid as a chain of main IFDs, largest first (what OpenSlide's
     * generic TIFF reader and libvips read). One plane only; bands are interleaved samples.
     */
    GENERIC
}
