package org.slidestream.tiff.codec;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.testing.SharedData;

/** The codec implementations by name, and synthetic test images. */
final class CodecFixtures {
    static final String IMAGEIO = "imageio";
    /** libjpeg-turbo's libjpeg API, bundled: what {@code Codecs.jpeg(true)} gives on linux-x86_64. */
    static final String LIBJPEG = "libjpeg";
    /** The system's libjpeg-turbo through the TurboJPEG API (Debian libturbojpeg0), a reference for the bundled one. */
    static final String TURBO = "libjpeg-turbo";
    static final String JAI = "jai-imageio";
    static final String OPENJPEG = "openjpeg";

    private CodecFixtures() {}

    /** A JPEG codec by name; a native one skips the test when its library is absent (fails on CI). */
    static JpegCodec jpeg(String name) {
        return switch (name) {
            case IMAGEIO -> Codecs.jpeg(false);
            case LIBJPEG -> {
                JpegCodec codec = Codecs.jpeg(true);
                if (!(codec instanceof LibJpegCodec)) fail("the bundled libjpeg-turbo did not load: " + Codecs.report(true).getFirst());
                yield codec;
            }
            case TURBO -> {
                requireNative(SystemTurbo.CODEC != null, "libjpeg-turbo's TurboJPEG library (Debian libturbojpeg0)");
                yield SystemTurbo.CODEC;
            }
            default -> throw new IllegalArgumentException(name);
        };
    }

    static Jpeg2000Codec jpeg2000(String name) {
        return switch (name) {
            case JAI -> Codecs.jpeg2000(false);
            case OPENJPEG -> {
                requireNative(Codecs.nativeJpeg2000Available(), "OpenJPEG (Debian libopenjp2-7)");
                yield Codecs.jpeg2000(true);
            }
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The system's TurboJPEG library, bound once. */
    private static final class SystemTurbo {
        static final JpegCodec CODEC = Codecs.tryLoad("TurboJPEG",
                () -> TurboJpegCodec.load(NativeLibraries.system("libturbojpeg.so.0", "turbojpeg")), "none");
    }

    private static void requireNative(boolean available, String library) {
        if (available) return;
        String msg = library + " is not installed: skipping a test of the native codec";
        if (SharedData.onCi()) fail(msg + " (CI=true requires it; .ci/run installs it)");
        Assumptions.abort(msg);
    }

    /**
     * A photograph-like 8-bit image: smooth colour gradients, a few sharp edges, fine texture and a
     * little noise, so that JPEG errors are realistic (neither flat nor pure noise).
     */
    static Raster image(int width, int height, int bands, long seed) {
        Raster r = Raster.create(PixelType.UINT8, width, height, bands);
        Random rnd = new Random(seed);
        double fx = 0.05 + rnd.nextDouble() * 0.1, fy = 0.05 + rnd.nextDouble() * 0.1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean inDisc = Math.hypot(x - width * 0.6, y - height * 0.4) < Math.min(width, height) * 0.25;
                for (int b = 0; b < bands; b++) {
                    double v = 128 + 70 * Math.sin(x * fx + b) * Math.cos(y * fy - b)
                            + 40.0 * (x + y) / (width + height) - 20 + rnd.nextGaussian();
                    if (inDisc) v = 0.5 * v + (b == 0 ? 110 : 30);
                    r.set(x, y, b, v);
                }
            }
        }
        return r;
    }
}
