package org.slidestream.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An output file or folder written under a temporary name beside its target and renamed into
 * place only when complete, so that a crash or a kill never leaves a half-written result under the
 * real name. The temporary name is {@code .<name>.partial}; an interrupted run (Ctrl-C, SIGTERM)
 * deletes its open temporaries as the JVM exits, and a leftover one from a killed run (SIGKILL) is
 * deleted when the next attempt starts.
 *
 * <pre>{@code
 * try (AtomicOutput out = AtomicOutput.file(target)) {
 *     write(out.path());
 *     out.commit();
 * } // not committed: the temporary file is deleted
 * }</pre>
 */
public final class AtomicOutput implements AutoCloseable {
    public static final String SUFFIX = ".partial";
    /** Temporaries not yet committed or closed, deleted by a shutdown hook if the JVM exits first. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private final Path target;
    private final Path temp;
    private final boolean directory;
    private boolean committed;

    private AtomicOutput(Path target, boolean directory) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        this.directory = directory;
        this.temp = tempFor(this.target);
        Path parent = this.target.getParent();
        if (parent != null) Files.createDirectories(parent);
        deleteRecursively(temp);
        if (HOOKED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(AtomicOutput::deleteOpen, "partial-output-cleanup"));
        }
        OPEN.add(temp);
        if (directory) Files.createDirectory(temp);
    }

    private static void deleteOpen() {
        for (Path p : OPEN) {
            try {
                deleteRecursively(p);
            } catch (IOException | RuntimeException e) {
                // best effort while the JVM exits; the next run deletes what is left
            }
        }
    }

    /** A file written at {@link #path()} and renamed to {@code target} by {@link #commit()}. */
    public static AtomicOutput file(Path target) throws IOException {
        return new AtomicOutput(target, false);
    }

    /** A folder filled at {@link #path()} (created empty) and renamed to {@code target} by {@link #commit()}. */
    public static AtomicOutput directory(Path target) throws IOException {
        return new AtomicOutput(target, true);
    }

    /** The temporary name of a target. */
    public static Path tempFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + SUFFIX);
    }

    /** Where to write. */
    public Path path() { return temp; }

    public Path target() { return target; }

    /** Renames the finished output into place, replacing an older one. */
    public void commit() throws IOException {
        if (committed) return;
        if (directory && Files.exists(target)) {
            // A folder cannot be replaced by rename: move the old one aside first.
            Path old = target.resolveSibling("." + target.getFileName() + ".old");
            deleteRecursively(old);
            move(target, old);
            move(temp, target);
            deleteRecursively(old);
        } else {
            move(temp, target);
        }
        committed = true;
        OPEN.remove(temp);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public boolean committed() { return committed; }

    /** Deletes the temporary output unless it was committed. */
    @Override
    public void close() {
        if (!committed) {
            try {
                deleteRecursively(temp);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete partial output " + temp, e);
            } finally {
                OPEN.remove(temp);
            }
        }
    }

    /** Deletes leftover {@code .*.partial} entries in {@code dir} (from a killed run). */
    public static void deleteStale(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + "*" + SUFFIX)) {
            for (Path p : ds) deleteRecursively(p);
        }
    }

    /** Deletes a file or a folder tree; nothing when it does not exist. */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(p);
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(f);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                try {
                    Files.deleteIfExists(d);
                } catch (NoSuchFileException ignored) {
                    // already gone
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
