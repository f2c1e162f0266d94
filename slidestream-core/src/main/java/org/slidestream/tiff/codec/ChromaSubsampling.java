package org.slidestream.tiff.codec;

/** Chroma subsampling of YCbCr JPEG: horizontal and vertical factors of Cb and Cr. */
public enum ChromaSubsampling {
    /** 4:4:4, no subsampling. */
    S444(1, 1),
    /** 4:2:2, half horizontal chroma resolution. */
    S422(2, 1),
    /** 4:2:0, half chroma resolution both ways (the default for RGB tiles). */
    S420(2, 2);

    private final int horizontal;
    private final int vertical;

    ChromaSubsampling(int horizontal, int vertical) {
        this.horizontal = horizontal;
        this.vertical = vertical;
    }

    public int horizontal() { return horizontal; }

    public int vertical() { return vertical; }
}
