package org.slidestream.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the reference tools that tests compare against: Debian's Python ({@code /usr/bin/python3},
 * where {@code python3-openslide}, {@code python3-tifffile}, {@code python3-h5py} install) and
 * command-line tools such as {@code vips}. A missing tool skips the test on a user's machine and
 * fails it on CI, where {@code .ci/run} installs them.
 */
public final class ReferenceTools {
    public static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private ReferenceTools() {}

    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess(String what) {
            if (exitCode != 0) fail(what + " failed with exit code " + exitCode + ":\n" + stderr + stdout);
            return this;
        }
    }

    /** Debian packages of the Python modules tests import, where the name is not {@code python3-<module>}. */
    private static final Map<String, String> PYTHON_PACKAGES = Map.of(
            "PIL", "python3-pil", "cv2", "python3-opencv", "skimage", "python3-skimage", "yaml", "python3-yaml");

    /** Debian packages of the programs tests run, where the name is not the program's. */
    private static final Map<String, String> PROGRAM_PACKAGES = Map.of(
            "vips", "libvips-tools", "tiffinfo", "libtiff-tools", "tiffdump", "libtiff-tools",
            "openslide-show-properties", "openslide-tools", "chromedriver", "chromium-driver",
            "dcmdump", "dcmtk", "dcmdjpeg", "dcmtk", "dcmdjpls", "dcmtk", "OrthancWSIDicomizer", "orthanc-wsi");

    /** Skips (or fails on CI) unless every Python module imports; the message names each missing module's Debian package. */
    public static void requirePythonModules(String... modules) {
        List<String> missing = new ArrayList<>();
        for (String m : modules) {
            if (!PYTHON_MODULES_FOUND.computeIfAbsent(m, ReferenceTools::imports)) missing.add(m);
        }
        if (missing.isEmpty()) return;
        String packages = missing.stream().map(m -> PYTHON_PACKAGES.getOrDefault(m, "python3-" + m)).distinct().collect(Collectors.joining(" "));
        unavailable("Python module" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing), packages);
    }

    private static final Map<String, Boolean> PYTHON_MODULES_FOUND = new ConcurrentHashMap<>();

    private static boolean imports(String module) {
        return run(List.of(PYTHON, "-c", "import " + module), 60).exitCode == 0;
    }

    /** Skips (or fails on CI) unless the program is on the PATH; the message names its Debian package. */
    public static void requireProgram(String program) {
        Result r = run(List.of("sh", "-c", "command -v " + program), 30);
        if (r.exitCode != 0) unavailable("program '" + program + "'", PROGRAM_PACKAGES.getOrDefault(program, program));
    }

    private static void unavailable(String what, String debianPackages) {
        String msg = what + " not installed (Debian: apt-get install " + debianPackages + "): skipping a comparison with the reference tool";
        if (SharedData.onCi()) fail(msg + " (CI=true requires it; .ci/run installs it)");
        Assumptions.abort(msg);
    }

    /** Runs a Python script given as text with arguments; returns its output. */
    public static Result python(String script, Object... args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", script));
        for (Object a : args) cmd.add(String.valueOf(a));
        return run(cmd, 600);
    }

    public static Result run(List<String> command, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("ref-out", ".txt");
            Path err = Files.createTempFile("ref-err", ".txt");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("timed out after " + timeoutSeconds + " s: " + command);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Result(127, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
