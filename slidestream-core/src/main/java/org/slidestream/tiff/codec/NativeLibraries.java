package org.slidestream.tiff.codec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;

/**
 * Loading native libraries through JNA: a library bundled in a jar on the class path (extracted
 * once to a per-user cache folder), else a system library; and the native buffers the codecs reuse.
 *
 * <p>Every library is opened with {@code RTLD_LOCAL}: the bundled libraries carry their own copies
 * of libjpeg, zlib and OpenJPEG whose symbols must neither replace those of other libraries in the
 * process nor be replaced by them (JNA's default, {@code RTLD_GLOBAL}, would publish them).
 */
final class NativeLibraries {
    /** dlopen flags: RTLD_LAZY, and not RTLD_GLOBAL. */
    private static final int RTLD_LAZY_LOCAL = 1;
    private static final Map<String, Object> LOCAL = Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY_LOCAL);

    private NativeLibraries() {}

    /** Where a library came from. */
    enum Origin {
        /** Inside a jar on the class path (a Maven artifact), extracted to the cache folder. */
        BUNDLED,
        /** Installed on the system, found by the dynamic linker. */
        SYSTEM;

        String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /** A loaded library: the handle, where it came from and its file (or the name the linker resolved). */
    record Loaded(NativeLibrary library, Origin origin, String file, String artifact) {}

    /** The platform as Maven artifacts of native libraries name it: {@code linux-x86_64}, {@code linux-arm64}, ... */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return o + "-" + a;
    }

    /**
     * The bundled library at {@code resource} (a class-path path), else the first of the system
     * {@code names} that loads (a versioned soname first: Debian installs no unversioned link
     * without the development package).
     *
     * @param resource null when this platform has no bundled copy
     * @throws UnsatisfiedLinkError when none loads
     */
    static Loaded load(String resource, String... names) {
        UnsatisfiedLinkError first = null;
        if (resource != null) {
            try {
                return bundled(resource);
            } catch (UnsatisfiedLinkError e) {
                first = e;
            }
        }
        try {
            return system(names);
        } catch (UnsatisfiedLinkError e) {
            if (first != null) e.addSuppressed(first);
            throw e;
        }
    }

    /** The first of the system libraries {@code names} that loads. */
    static Loaded system(String... names) {
        UnsatisfiedLinkError first = null;
        for (String name : names) {
            try {
                NativeLibrary lib = NativeLibrary.getInstance(name, LOCAL);
                return new Loaded(lib, Origin.SYSTEM, mappedFile(name), null);
            } catch (UnsatisfiedLinkError e) {
                if (first == null) first = e;
            }
        }
        throw first != null ? first : new UnsatisfiedLinkError("no library name given");
    }

    /** The file the dynamic linker mapped for {@code name} (from /proc/self/maps on Linux), else the name. */
    private static String mappedFile(String name) {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(f -> f.startsWith("/") && Path.of(f).getFileName().toString().startsWith(name))
                    .findFirst().orElse(name);
        } catch (IOException | RuntimeException e) {
            return name;
        }
    }

    /**
     * Loads a library shipped in a jar: extracted to the cache folder under a name that holds the
     * entry's CRC (so a new artifact version never reuses an old file), reused by later runs.
     */
    static Loaded bundled(String resource) {
        URL url = NativeLibraries.class.getClassLoader().getResource(resource);
        if (url == null) throw new UnsatisfiedLinkError("no bundled " + resource + " on the class path");
        Path file;
        String artifact;
        try {
            Extracted e = extract(url, resource);
            file = e.file();
            artifact = e.artifact();
        } catch (IOException | UncheckedIOException e) {
            UnsatisfiedLinkError err = new UnsatisfiedLinkError("cannot extract " + resource + ": " + e.getMessage());
            err.initCause(e);
            throw err;
        }
        NativeLibrary lib = NativeLibrary.getInstance(file.toString(), LOCAL);
        return new Loaded(lib, Origin.BUNDLED, file.toString(), artifact);
    }

    private record Extracted(Path file, String artifact) {}

    private static Extracted extract(URL url, String resource) throws IOException {
        URLConnection c = url.openConnection();
        c.setUseCaches(false); // do not keep the jar open through the URL cache
        String fileName = resource.substring(resource.lastIndexOf('/') + 1);
        long size;
        String tag;
        String artifact;
        if (c instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            size = entry.getSize();
            tag = Long.toHexString(entry.getCrc()) + "-" + size;
            String jarFile = jar.getJarFileURL().getPath();
            artifact = jarFile.substring(jarFile.lastIndexOf('/') + 1);
            jar.getJarFile().close();
        } else if ("file".equals(url.getProtocol())) {
            Path p = Path.of(java.net.URI.create(url.toString()));
            return new Extracted(p, p.getParent().toString()); // an exploded class path: load in place
        } else {
            throw new IOException("unsupported class-path URL " + url);
        }
        Path dir = cacheFolder().resolve(tag);
        Path target = dir.resolve(fileName);
        if (Files.isRegularFile(target) && Files.size(target) == size) return new Extracted(target, artifact);
        Files.createDirectories(dir);
        // Written under a temporary name and renamed, so that a concurrent or killed run never loads half a file.
        Path tmp = Files.createTempFile(dir, fileName, ".part");
        try {
            try (InputStream in = NativeLibraries.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) throw new IOException("cannot read " + resource);
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.size(tmp) != size) throw new IOException("extracted " + Files.size(tmp) + " bytes of " + size);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Extracted(target, artifact);
    }

    /**
     * {@code $SLIDESTREAM_NATIVES_DIR}, else {@code $XDG_CACHE_HOME/slidestream/natives} or
     * {@code ~/.cache/slidestream/natives}; a temporary folder per user when that is not writable.
     */
    static Path cacheFolder() {
        String override = System.getenv("SLIDESTREAM_NATIVES_DIR");
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path dir = base.resolve("slidestream").resolve("natives");
        try {
            Files.createDirectories(dir);
            if (Files.isWritable(dir)) return dir;
        } catch (IOException | SecurityException e) {
            // fall through: a read-only home (some cluster nodes)
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "slidestream-natives-" + System.getProperty("user.name", "user"));
    }

    /** {@code m} when it holds {@code size} bytes, else a new block (the old one freed now, not at GC). */
    static Memory atLeast(Memory m, long size) {
        if (m != null && m.size() >= size) return m;
        if (m != null) m.close();
        long rounded = Math.max(64 * 1024, (size + 0xFFFF) & ~0xFFFFL);
        return new Memory(rounded);
    }
}
