package org.slidestream.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real test files in {@code ../shared/data} beside the project root. Tests that need them are
 * skipped with a message when the folder is absent (a user's machine) and fail when {@code CI=true}.
 */
public final class SharedData {
    private SharedData() {}

    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The project root: the {@code slidestream.root} property Maven sets, else the nearest folder with mvnw. */
    public static Path projectRoot() {
        String prop = System.getProperty("slidestream.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the project root (no mvnw above " + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

    /** {@code ../shared/data}, which may not exist. */
    public static Path dir() {
        return projectRoot().resolveSibling("shared").resolve("data");
    }

    /** Skips the calling test (or fails it on CI) when the shared data is absent. */
    public static Path require() {
        Path d = dir();
        if (!Files.isDirectory(d)) {
            String msg = "shared test data not found at " + d + ": skipping a test that needs the real slides";
            if (onCi()) fail(msg + " (CI=true requires it)");
            Assumptions.abort(msg);
        }
        return d;
    }

    /** A file under {@code ../shared/data/slides}. */
    public static Path slide(String name) {
        return file("slides/" + name);
    }

    /** A file under {@code ../shared/data/annotations}. */
    public static Path annotation(String name) {
        return file("annotations/" + name);
    }

    /** A file or folder under {@code ../shared/data/formats} (the other scanners' formats). */
    public static Path format(String name) {
        Path f = require().resolve("formats/" + name);
        if (!Files.exists(f)) fail("shared test file missing: " + f);
        return f;
    }

    private static Path file(String rel) {
        Path f = require().resolve(rel);
        if (!Files.isRegularFile(f)) {
            fail("shared test file missing: " + f);
        }
        return f;
    }
}
