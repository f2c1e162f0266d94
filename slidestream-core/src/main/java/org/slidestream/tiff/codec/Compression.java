package org.slidestream.tiff.codec;

import java.util.Locale;

/** TIFF compression schemes (tag 259) this project knows by name. */
public enum Compression {
    NONE(1),
    CCITT_RLE(2),
    CCITT_G3(3),
    CCITT_G4(4),
    LZW(5),
    OJPEG(6),
    JPEG(7),
    DEFLATE(8),
    JBIG(9),
    PACKBITS(32773),
    ADOBE_DEFLATE(32946),
    /** Aperio JPEG 2000, YCbCr components. */
    APERIO_JP2K_YCBCR(33003),
    /** Aperio JPEG 2000, RGB components. */
    APERIO_JP2K_RGB(33005),
    JPEG2000(34712),
    LERC(34887),
    LZMA(34925),
    ZSTD(50000),
    WEBP(50001),
    JPEGXL(50002);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    public int code() { return code; }

    /** The scheme for a TIFF tag value, or null when the code is unknown. */
    public static Compression fromCode(int code) {
        for (Compression c : values()) {
            if (c.code == code) return c;
        }
        return null;
    }

    /** Lower-case name as the command line spells it ({@code deflate}, {@code zstd}, ...). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isJpeg2000() {
        return this == APERIO_JP2K_RGB || this == APERIO_JP2K_YCBCR || this == JPEG2000;
    }
}
