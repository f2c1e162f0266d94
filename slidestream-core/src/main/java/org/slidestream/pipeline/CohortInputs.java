package org.slidestream.pipeline;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns command-line inputs into the slides of a cohort: slide files, folders (searched
 * recursively for slide files, in sorted order) and manifests ({@code .csv} or {@code .xlsx} with
 * a {@code slide} column and optional per-slide option columns).
 */
public final class CohortInputs {
    /** File endings taken as slides when a folder is searched. */
    public static final List<String> SLIDE_ENDINGS = List.of(
            ".ome.tif", ".ome.tiff", ".ome.btf", ".svs", ".tif", ".tiff", ".btf", ".ndpi", ".vms", ".vmu",
            ".scn", ".mrxs", ".svslide", ".bif", ".qptiff", ".npy");
    private static final Set<String> MANIFEST_ENDINGS = Set.of(".csv", ".xlsx");

    private CohortInputs() {}

    /**
     * The slides named by {@code inputs}, in order. A missing file is kept (it becomes a failed
     * slide, not an error of the whole run); two slides with the same id are an error.
     *
     * @throws IllegalArgumentException for an unreadable or malformed manifest, or duplicate ids
     */
    public static List<CohortSlide> resolve(List<Path> inputs) throws IOException {
        List<CohortSlide> slides = new ArrayList<>();
        for (Path in : inputs) {
            if (Files.isDirectory(in)) {
                for (Path p : slideFilesIn(in)) slides.add(CohortSlide.of(p));
            } else if (isManifest(in)) {
                slides.addAll(Manifest.read(in));
            } else {
                slides.add(CohortSlide.of(in));
            }
        }
        checkUniqueIds(slides);
        return slides;
    }

    public static boolean isManifest(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return MANIFEST_ENDINGS.stream().anyMatch(n::endsWith);
    }

    /**
     * Slide files under a folder, recursively, skipping hidden entries, sorted by path. Symbolic links
     * are followed (data folders on clusters often are links); a link back into the tree is skipped.
     */
    public static List<Path> slideFilesIn(Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path p, BasicFileAttributes a) {
                        if (a.isRegularFile() && !isHidden(dir.relativize(p)) && isSlideFile(p)) found.add(p);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException) return FileVisitResult.CONTINUE;
                        throw e;
                    }
                });
        found.sort(null);
        return List.copyOf(found);
    }

    private static boolean isHidden(Path rel) {
        for (Path part : rel) {
            if (part.toString().startsWith(".")) return true;
        }
        return false;
    }

    public static boolean isSlideFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return SLIDE_ENDINGS.stream().anyMatch(n::endsWith);
    }

    /** A slide's default id: its file name without the slide ending ({@code a.ome.tif} -> {@code a}). */
    public static String slideId(Path p) {
        String n = p.getFileName().toString();
        String lower = n.toLowerCase(Locale.ROOT);
        for (String e : SLIDE_ENDINGS) {
            if (lower.endsWith(e) && n.length() > e.length()) return n.substring(0, n.length() - e.length());
        }
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static void checkUniqueIds(List<CohortSlide> slides) {
        Map<String, Path> seen = new HashMap<>();
        for (CohortSlide s : slides) {
            Path other = seen.putIfAbsent(s.id(), s.path());
            if (other != null) {
                throw new IllegalArgumentException("two slides would share the output name '" + s.id() + "': "
                        + other + " and " + s.path() + " (give them distinct names, or an 'id' column in a manifest)");
            }
        }
    }
}
