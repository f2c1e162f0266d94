package org.slidestream.tiff.writer;

/** How each pyramid level is made from the level above. */
public enum Downsampling {
    /** 2x2 area average (images). */
    AVERAGE,
    /** The top-left pixel of each 2x2 block (label masks, whose values must not be mixed). */
    NEAREST
}
