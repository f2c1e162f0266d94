package org.slidestream.tiff.codec;

/** What the components of a three-component JPEG stream hold. */
public enum JpegColour {
    /** Y, Cb, Cr: convert to RGB when decoding (the usual JPEG). */
    YCBCR,
    /** R, G, B stored directly: no colour transform (Aperio SVS, TIFF photometric RGB). */
    RGB
}
