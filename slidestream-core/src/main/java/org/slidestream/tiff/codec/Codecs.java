package org.slidestream.tiff.codec;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the JPEG and JPEG 2000 implementation for a run: the native one (libjpeg-turbo, OpenJPEG
 * through JNA) when natives are allowed and its library loads, else the pure-Java one (the JDK's
 * ImageIO, jai-imageio). Both give the same pixels within codec tolerance, so the choice changes
 * speed, not results. A missing or unusable library is not an error: it is logged at debug level
 * once and the pure-Java codec is used.
 */
public final class Codecs {
    private static final Logger LOG = LoggerFactory.getLogger(Codecs.class);

    private Codecs() {}

    /** The JPEG codec to use; {@code allowNatives} is false under {@code --no-natives}. */
    public static JpegCodec jpeg(boolean allowNatives) {
        JpegCodec codec = allowNatives ? NativeJpeg.CODEC : null;
        return codec != null ? codec : ImageIoJpegCodec.INSTANCE;
    }

    /** The JPEG 2000 codec to use; {@code allowNatives} is false under {@code --no-natives}. */
    public static Jpeg2000Codec jpeg2000(boolean allowNatives) {
        Jpeg2000Codec codec = allowNatives ? NativeJpeg2000.CODEC : null;
        return codec != null ? codec : JaiJpeg2000Codec.INSTANCE;
    }

    /**
     * The native whole-buffer zlib compressor (libdeflate) when natives are allowed and it loads,
     * else null: callers then stream through {@code java.util.zip.Deflater}.
     */
    public static ZlibCompressor nativeZlib(boolean allowNatives) {
        return allowNatives ? NativeZlib.CODEC : null;
    }

    /** Whether libjpeg-turbo loaded, i.e. {@code jpeg(true)} is native. */
    public static boolean nativeJpegAvailable() {
        return NativeJpeg.CODEC != null;
    }

    /** Whether OpenJPEG loaded, i.e. {@code jpeg2000(true)} is native. */
    public static boolean nativeJpeg2000Available() {
        return NativeJpeg2000.CODEC != null;
    }

    /** Loaded on first use only, so that a run without JPEG never touches the library. */
    private static final class NativeJpeg {
        static final JpegCodec CODEC = tryLoad("libjpeg-turbo", TurboJpegCodec::load, "JDK ImageIO");
    }

    private static final class NativeZlib {
        static final ZlibCompressor CODEC = tryLoad("libdeflate", LibDeflateCompressor::load, "java.util.zip");
    }

    private static final class NativeJpeg2000 {
        static final Jpeg2000Codec CODEC = tryLoad("OpenJPEG", OpenJpegCodec::load, "jai-imageio");
    }

    static <T> T tryLoad(String library, Supplier<T> loader, String fallback) {
        try {
            T codec = loader.get();
            LOG.debug("{}: native library loaded, using it", library);
            return codec;
        } catch (LinkageError | RuntimeException e) {
            // LinkageError covers a missing library or symbol and a JNA that cannot start.
            LOG.debug("{}: native library not usable ({}); using {}", library, e.toString(), fallback);
            return null;
        }
    }
}
