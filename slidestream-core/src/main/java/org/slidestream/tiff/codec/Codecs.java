package org.slidestream.tiff.codec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the JPEG, JPEG 2000 and Deflate implementation for a run. Natives come first, in this order:
 * the copy bundled in a Maven jar on the class path (libjpeg-turbo and OpenJPEG from
 * {@code org.bytedeco:leptonica}, libdeflate from {@code com.fulcrumgenomics:jlibdeflate}), then a
 * system library; then the pure-Java codec (the JDK's ImageIO, jai-imageio, {@code java.util.zip}).
 * The bundled copies win because their version and ABI are known (libjpeg-turbo 3.0 against
 * Debian 12's 2.1, OpenJPEG 2.5.4 against 2.5.0). All give the same pixels within codec tolerance,
 * so the choice changes speed, not results. A library that does not load is not an error: the next
 * choice is used, and a run that ends on a pure-Java codec although natives were allowed says so
 * once (a warning on first use); {@link #report} explains every choice.
 */
public final class Codecs {
    private static final Logger LOG = LoggerFactory.getLogger(Codecs.class);
    static final String PLATFORM = NativeLibraries.platform();
    /** {@code -Dslidestream.natives.bundled=false} skips the bundled copies (to compare with or prefer the system's). */
    private static final boolean BUNDLED = !"false".equals(System.getProperty("slidestream.natives.bundled"));

    private Codecs() {}

    /**
     * How one compression is handled in this run.
     *
     * @param compression what is handled ("JPEG", "JPEG 2000", "Deflate (compression)", ...)
     * @param codec       the implementation ("libjpeg-turbo 3.0.1", "OpenJPEG 2.5.4", "JDK ImageIO")
     * @param origin      "bundled", "system" or "pure Java"
     * @param location    the library file, or the jar the code comes from
     * @param reason      why this one and not a faster one
     */
    public record Choice(String compression, String codec, String origin, String location, String reason) {}

    /** The JPEG codec to use; {@code allowNatives} is false under {@code --no-natives}. */
    public static JpegCodec jpeg(boolean allowNatives) {
        if (!allowNatives) return ImageIoJpegCodec.INSTANCE;
        JpegCodec codec = NativeJpeg.RESULT.codec();
        return codec != null ? codec : SlowJpeg.INSTANCE;
    }

    /** The JPEG 2000 codec to use; {@code allowNatives} is false under {@code --no-natives}. */
    public static Jpeg2000Codec jpeg2000(boolean allowNatives) {
        if (!allowNatives) return JaiJpeg2000Codec.INSTANCE;
        Jpeg2000Codec codec = NativeJpeg2000.RESULT.codec();
        return codec != null ? codec : SlowJpeg2000.INSTANCE;
    }

    /**
     * The native whole-buffer zlib compressor (libdeflate) when natives are allowed and it loads,
     * else null: callers then stream through {@code java.util.zip.Deflater}.
     */
    public static ZlibCompressor nativeZlib(boolean allowNatives) {
        if (!allowNatives) return null;
        ZlibCompressor c = NativeZlib.RESULT.codec();
        if (c == null) slowPath("Deflate compression", "java.util.zip", NativeZlib.RESULT.reason());
        return c;
    }

    /** Whether a native JPEG codec loaded, i.e. {@code jpeg(true)} is native. */
    public static boolean nativeJpegAvailable() {
        return NativeJpeg.RESULT.codec() != null;
    }

    /** Whether OpenJPEG loaded, i.e. {@code jpeg2000(true)} is native. */
    public static boolean nativeJpeg2000Available() {
        return NativeJpeg2000.RESULT.codec() != null;
    }

    /** Whether libdeflate loaded, i.e. {@code nativeZlib(true)} is not null. */
    public static boolean nativeZlibAvailable() {
        return NativeZlib.RESULT.codec() != null;
    }

    /** Which codec each compression uses in a run with or without natives, and why (loads the natives to find out). */
    public static List<Choice> report(boolean allowNatives) {
        String jdk = "the JDK (" + System.getProperty("java.home") + ")";
        if (!allowNatives) {
            String why = "--no-natives";
            return List.of(
                    new Choice("JPEG", "JDK ImageIO (libjpeg 6b inside the JDK)", "pure Java", jdk, why),
                    new Choice("JPEG 2000", "jai-imageio (JJ2000)", "pure Java", jarOf(JaiJpeg2000Codec.class), why),
                    new Choice("Deflate (compression)", "java.util.zip", "pure Java", jdk, why),
                    new Choice("Deflate (decompression)", "java.util.zip", "pure Java", jdk, "zlib inside the JDK, as fast as libdeflate for tiles"),
                    zstd(), pureJava("LZW, PackBits"));
        }
        return List.of(NativeJpeg.RESULT.choice(), NativeJpeg2000.RESULT.choice(), NativeZlib.RESULT.choice(),
                new Choice("Deflate (decompression)", "java.util.zip", "pure Java", jdk, "zlib inside the JDK, as fast as libdeflate for tiles"),
                zstd(), pureJava("LZW, PackBits"));
    }

    private static Choice zstd() {
        return new Choice("zstd", "zstd-jni " + versionOf(com.github.luben.zstd.Zstd.class), "bundled",
                jarOf(com.github.luben.zstd.Zstd.class), "natives inside the zstd-jni jar, for every platform it supports");
    }

    private static Choice pureJava(String compression) {
        return new Choice(compression, "slidestream", "pure Java", jarOf(Codecs.class), "written here (simple byte codecs)");
    }

    /** A native codec, or why there is none, with the report line either way. */
    record Attempt<T>(T codec, Choice choice) {
        String reason() { return choice.reason(); }
    }

    /** Loaded on first use only, so that a run without JPEG never touches the library. */
    private static final class NativeJpeg {
        static final Attempt<JpegCodec> RESULT = loadJpeg();
    }

    private static final class NativeZlib {
        static final Attempt<ZlibCompressor> RESULT = loadZlib();
    }

    private static final class NativeJpeg2000 {
        static final Attempt<Jpeg2000Codec> RESULT = loadJpeg2000();
    }

    /**
     * Where leptonica's jar keeps a file for this platform; its library holds libjpeg-turbo, OpenJPEG,
     * zlib and libpng. Windows is left out: its build needs MinGW runtime DLLs, and its C {@code long}
     * is 32-bit where the bindings assume 64.
     */
    private static String leptonica(String file) {
        if (!BUNDLED || !(PLATFORM.startsWith("linux-") || PLATFORM.startsWith("macosx-"))) return null;
        String name = file.equals(LEPTONICA) && PLATFORM.startsWith("macosx-") ? "libleptonica.6.dylib" : file;
        return "org/bytedeco/leptonica/" + PLATFORM + "/" + name;
    }

    private static final String LEPTONICA = "libleptonica.so.6";

    private static Attempt<JpegCodec> loadJpeg() {
        String fallback = "JDK ImageIO";
        NativeLibraries.Loaded lib;
        StringBuilder failures = new StringBuilder();
        try {
            lib = NativeLibraries.load(leptonica(LEPTONICA), "libjpeg.so.62");
            String version = lib.origin() == NativeLibraries.Origin.BUNDLED ? bundledLibjpegTurboVersion() : null;
            LibJpegCodec codec = LibJpegCodec.load(lib, ImageIoJpegCodec.INSTANCE, version);
            LOG.debug("libjpeg-turbo: {} library {} loaded", lib.origin().label(), lib.file());
            return new Attempt<>(codec, new Choice("JPEG", "libjpeg-turbo" + (version == null ? "" : " " + version) + " (libjpeg API)",
                    lib.origin().label(), lib.file(), origin(lib)));
        } catch (LinkageError | RuntimeException e) {
            failures.append("libjpeg API: ").append(brief(e));
        }
        try {
            lib = NativeLibraries.system("libturbojpeg.so.0", "turbojpeg");
            JpegCodec codec = TurboJpegCodec.load(lib);
            return new Attempt<>(codec, new Choice("JPEG", "libjpeg-turbo (TurboJPEG API; whole tiles only)", "system", lib.file(),
                    "no libjpeg-turbo with the libjpeg API could be loaded (" + failures + ")"));
        } catch (LinkageError | RuntimeException e) {
            failures.append("; TurboJPEG: ").append(brief(e));
        }
        LOG.debug("JPEG: no native library usable ({}); using {}", failures, fallback);
        return new Attempt<>(null, new Choice("JPEG", "JDK ImageIO (libjpeg 6b inside the JDK)", "pure Java",
                "the JDK", "no native libjpeg-turbo for " + PLATFORM + ": " + failures));
    }

    private static Attempt<Jpeg2000Codec> loadJpeg2000() {
        try {
            NativeLibraries.Loaded lib = NativeLibraries.load(leptonica(LEPTONICA), "libopenjp2.so.7", "openjp2");
            OpenJpegCodec codec = OpenJpegCodec.load(lib);
            return new Attempt<>(codec, new Choice("JPEG 2000", "OpenJPEG " + codec.version(), lib.origin().label(), lib.file(), origin(lib)));
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("OpenJPEG not usable ({}); using jai-imageio", e.toString());
            return new Attempt<>(null, new Choice("JPEG 2000", "jai-imageio (JJ2000)", "pure Java", jarOf(JaiJpeg2000Codec.class),
                    "no native OpenJPEG for " + PLATFORM + ": " + brief(e)));
        }
    }

    private static Attempt<ZlibCompressor> loadZlib() {
        try {
            NativeLibraries.Loaded lib = NativeLibraries.load(jlibdeflate(), "libdeflate.so.0", "deflate");
            LibDeflateCompressor c = LibDeflateCompressor.load(lib);
            return new Attempt<>(c, new Choice("Deflate (compression)", "libdeflate", lib.origin().label(), lib.file(), origin(lib)));
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("libdeflate not usable ({}); using java.util.zip", e.toString());
            return new Attempt<>(null, new Choice("Deflate (compression)", "java.util.zip", "pure Java", "the JDK",
                    "no native libdeflate for " + PLATFORM + ": " + brief(e)));
        }
    }

    /** jlibdeflate's jar names its platforms its own way (its Windows build is left out: size_t is not a C long there). */
    static String jlibdeflate() {
        if (!BUNDLED) return null;
        return switch (PLATFORM) {
            case "linux-x86_64" -> "native/linux-x86_64/libjlibdeflate.so";
            case "linux-arm64" -> "native/linux-aarch64/libjlibdeflate.so";
            case "macosx-x86_64" -> "native/osx-x86_64/libjlibdeflate.dylib";
            case "macosx-arm64" -> "native/osx-aarch64/libjlibdeflate.dylib";
            default -> null;
        };
    }

    /**
     * The first two lines of a loading error, at most 200 characters: JNA's "Unable to load library"
     * messages go on with every folder and jar it searched.
     */
    static String brief(Throwable e) {
        String m = String.valueOf(e.getMessage());
        String[] lines = m.split("\n");
        String s = lines.length > 1 ? lines[0].strip() + " " + lines[1].strip() : m.strip();
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    private static String origin(NativeLibraries.Loaded lib) {
        return lib.origin() == NativeLibraries.Origin.BUNDLED
                ? "bundled in " + lib.artifact() + " (on the class path), extracted to the cache folder"
                : "no bundled copy for " + PLATFORM + " could be loaded; the system's";
    }

    /** libjpeg-turbo's version from the jconfig.h that leptonica's jar ships beside the library. */
    private static String bundledLibjpegTurboVersion() {
        String resource = leptonica("include/jconfig.h");
        if (resource == null) return null;
        try (InputStream in = Codecs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) return null;
            Matcher m = Pattern.compile("LIBJPEG_TURBO_VERSION\\s+([0-9.]+)").matcher(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String jarOf(Class<?> c) {
        var source = c.getProtectionDomain().getCodeSource();
        return source == null ? "the class path" : source.getLocation().getPath();
    }

    private static String versionOf(Class<?> c) {
        String v = c.getPackage().getImplementationVersion();
        return v == null ? "" : v;
    }

    private static final AtomicBoolean[] WARNED = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};

    /** Says once per compression that a run allowed natives but got the pure-Java codec. */
    static void slowPath(String compression, String codec, String reason) {
        int i = compression.startsWith("JPEG 2000") ? 1 : compression.startsWith("JPEG") ? 0 : 2;
        if (WARNED[i].compareAndSet(false, true)) {
            LOG.warn("{} runs on the slower pure-Java {} ({}); `slidestream info --codecs` shows every codec", compression, codec, reason);
        }
    }

    /** ImageIO, saying on first use that the native codec is missing. */
    private static final class SlowJpeg implements JpegCodec {
        static final SlowJpeg INSTANCE = new SlowJpeg();

        @Override public String name() { return ImageIoJpegCodec.INSTANCE.name(); }

        @Override
        public void decode(byte[] jpeg, JpegColour colour, org.slidestream.image.Raster dest) {
            warn();
            ImageIoJpegCodec.INSTANCE.decode(jpeg, colour, dest);
        }

        @Override
        public byte[] encode(org.slidestream.image.Raster src, int quality, ChromaSubsampling subsampling) {
            warn();
            return ImageIoJpegCodec.INSTANCE.encode(src, quality, subsampling);
        }

        private static void warn() {
            slowPath("JPEG", "JDK ImageIO codec", NativeJpeg.RESULT.reason());
        }
    }

    /** jai-imageio, saying on first use that OpenJPEG is missing. */
    private static final class SlowJpeg2000 implements Jpeg2000Codec {
        static final SlowJpeg2000 INSTANCE = new SlowJpeg2000();

        @Override public String name() { return JaiJpeg2000Codec.INSTANCE.name(); }

        @Override
        public void decode(byte[] codestream, JpegColour colour, org.slidestream.image.Raster dest) {
            slowPath("JPEG 2000", "jai-imageio decoder", NativeJpeg2000.RESULT.reason());
            JaiJpeg2000Codec.INSTANCE.decode(codestream, colour, dest);
        }
    }

    /** For tests: a loader that fails yields null and never throws. */
    static <T> T tryLoad(String library, Supplier<T> loader, String fallback) {
        try {
            return loader.get();
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("{}: native library not usable ({}); using {}", library, e.toString(), fallback);
            return null;
        }
    }
}
