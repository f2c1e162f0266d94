package org.slidestream.view.catalog;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slidestream.format.csv.Csv;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.pipeline.CohortInputs;
import org.slidestream.register.Transforms;

/**
 * What {@code slidestream view} serves, found once from the paths it was given: slides (single files
 * or folders of slides) and run outputs. An output folder with a {@code status.csv} (any cohort
 * command, {@code run}) is a cohort whose rows are its slides, each with its folder
 * {@code OUT/<slide>/}; a {@code register} output ({@code transforms.json}) is a cohort of rounds and
 * a slide (the reference) with the registered rounds over it; a folder holding one slide's outputs
 * ({@code tissue.geojson}, {@code coords.h5}) is that slide. A slide is found by its id among the
 * slides given, or from the {@code slide_path} that {@code coords.h5} records.
 *
 * <p>Nothing else is ever read: pages and tiles name slides by id, and an id maps only to the files
 * found here.
 */
public final class Catalog {
    /** Files in a slide's output folder that mark it as one. */
    static final List<String> OUTPUT_MARKERS = List.of("tissue.geojson", "coords.h5", "mask.png", "thumbnail.png",
            "attention.h5", "features.h5", "describe.json", "mask.ome.tif", "normalized.ome.tif", "heatmap.png", "heatmap.ome.tif");

    private final Map<String, SlideEntry> slides = new LinkedHashMap<>();
    private final Map<String, Cohort> cohorts = new LinkedHashMap<>();

    private Catalog() {}

    /**
     * Scans the given paths.
     *
     * @throws IllegalArgumentException naming a path that does not exist or holds nothing to show
     */
    public static Catalog scan(List<Path> paths) throws IOException {
        Catalog c = new Catalog();
        Map<String, Path> givenSlides = new LinkedHashMap<>();
        List<Path> outputs = new ArrayList<>();
        for (Path raw : paths) {
            Path p = raw.toAbsolutePath().normalize();
            if (!Files.exists(p)) throw new IllegalArgumentException(raw + ": no such file or folder");
            if (Files.isRegularFile(p)) {
                givenSlides.putIfAbsent(CohortInputs.slideId(p), p);
            } else if (isOutputFolder(p)) {
                outputs.add(p);
            } else {
                List<Path> found = CohortInputs.slideFilesIn(p);
                if (found.isEmpty()) throw new IllegalArgumentException(raw + ": no slides and no run outputs in this folder");
                for (Path s : found) givenSlides.putIfAbsent(CohortInputs.slideId(s), s);
            }
        }
        for (Path out : outputs) c.addOutput(out, givenSlides);
        for (Map.Entry<String, Path> s : givenSlides.entrySet()) {
            if (c.slideWithPath(s.getValue()) == null && !c.slides.containsKey(s.getKey())) {
                c.put(new SlideEntry(s.getKey(), s.getValue(), List.of(), null));
            }
        }
        return c;
    }

    static boolean isOutputFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("status.csv")) || Files.isRegularFile(dir.resolve("transforms.json"))
                || OUTPUT_MARKERS.stream().anyMatch(m -> Files.isRegularFile(dir.resolve(m)));
    }

    private void addOutput(Path dir, Map<String, Path> givenSlides) throws IOException {
        if (Files.isRegularFile(dir.resolve("transforms.json"))) {
            addRegistration(dir, givenSlides);
        } else if (Files.isRegularFile(dir.resolve("status.csv"))) {
            addCohort(dir, givenSlides);
        } else {
            String id = dir.getFileName().toString();
            attach(id, findSlide(id, dir, givenSlides), dir, null);
        }
    }

    private void addCohort(Path dir, Map<String, Path> givenSlides) throws IOException {
        Table t = Table.read(dir.resolve("status.csv"));
        String cohortId = uniqueCohortId(dir.getFileName().toString());
        List<String> ids = new ArrayList<>();
        for (Map<String, String> row : t.rows()) {
            String slide = row.getOrDefault("slide", "");
            if (slide.isEmpty()) continue;
            Path out = dir.resolve(slide).normalize();
            boolean hasOutput = out.startsWith(dir) && Files.isDirectory(out);
            ids.add(attach(slide, findSlide(slide, hasOutput ? out : null, givenSlides), hasOutput ? out : null, cohortId));
        }
        cohorts.put(cohortId, new Cohort(cohortId, dir, "status.csv", t.columns(), t.rows(), ids));
    }

    private void addRegistration(Path dir, Map<String, Path> givenSlides) throws IOException {
        Transforms.Set set = Transforms.read(dir.resolve("transforms.json"));
        String cohortId = uniqueCohortId(dir.getFileName().toString());
        Path reference = set.reference().path() == null ? null : Path.of(set.reference().path());
        String refId = set.reference().name();
        if (reference == null || !Files.isRegularFile(reference)) reference = givenSlides.get(refId);
        String id = attach(refId, reference, dir, cohortId);
        Path metrics = dir.resolve("metrics.csv");
        Table t = Files.isRegularFile(metrics) ? Table.read(metrics) : new Table(List.of("round"), List.of());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < t.rows().size(); i++) ids.add(id);
        cohorts.put(cohortId, new Cohort(cohortId, dir, "metrics.csv", t.columns(), t.rows(), ids));
    }

    /** Adds an output folder to the slide with this id (made when new, or when the same id names another slide file). */
    private String attach(String id, Path slide, Path outputDir, String cohortId) {
        SlideEntry existing = slides.get(id);
        if (existing != null && (existing.slide() == null || slide == null || existing.slide().equals(slide))) {
            List<Path> outs = new ArrayList<>(existing.outputs());
            if (outputDir != null && !outs.contains(outputDir)) outs.add(outputDir);
            put(new SlideEntry(id, existing.slide() != null ? existing.slide() : slide, outs,
                    existing.cohort() != null ? existing.cohort() : cohortId));
            return id;
        }
        String unique = id;
        for (int n = 2; slides.containsKey(unique); n++) unique = id + "-" + n;
        put(new SlideEntry(unique, slide, outputDir == null ? List.of() : List.of(outputDir), cohortId));
        return unique;
    }

    private String uniqueCohortId(String name) {
        String id = name.isEmpty() ? "run" : name;
        String unique = id;
        for (int n = 2; cohorts.containsKey(unique); n++) unique = id + "-" + n;
        return unique;
    }

    /**
     * The slide of an output: one given by the same id, else the one {@code coords.h5} names (or
     * {@code attention.h5}, whose coordinates carry the same attributes).
     */
    private static Path findSlide(String id, Path outputDir, Map<String, Path> givenSlides) {
        Path given = givenSlides.get(id);
        if (given != null) return given;
        if (outputDir == null) return null;
        for (String name : List.of("coords.h5", "attention.h5")) {
            Path file = outputDir.resolve(name);
            if (!Files.isRegularFile(file)) continue;
            try (H5File f = H5File.open(file); H5Dataset d = f.dataset("coords")) {
                if (!d.hasAttribute("slide_path")) continue;
                Path p = Path.of(d.stringAttribute("slide_path"));
                if (Files.isRegularFile(p)) return p;
            } catch (IOException | RuntimeException e) {
                // not readable: the slide may still be found another way
            }
        }
        return null;
    }

    private SlideEntry slideWithPath(Path p) {
        for (SlideEntry e : slides.values()) if (p.equals(e.slide())) return e;
        return null;
    }

    private void put(SlideEntry e) {
        slides.put(e.id(), e);
    }

    public Collection<SlideEntry> slides() {
        return slides.values();
    }

    public SlideEntry slide(String id) {
        return slides.get(id);
    }

    public Collection<Cohort> cohorts() {
        return cohorts.values();
    }

    public Cohort cohort(String id) {
        return cohorts.get(id);
    }

    /** A CSV table: its header and its rows as column -> value. */
    record Table(List<String> columns, List<Map<String, String>> rows) {
        static Table read(Path csv) throws IOException {
            List<List<String>> cells;
            try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                cells = Csv.read(r);
            }
            if (cells.isEmpty()) return new Table(List.of(), List.of());
            List<String> header = cells.get(0);
            List<Map<String, String>> rows = new ArrayList<>();
            for (List<String> line : cells.subList(1, cells.size())) {
                if (line.size() == 1 && line.get(0).isEmpty()) continue;
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) row.put(header.get(i), i < line.size() ? line.get(i) : "");
                rows.add(row);
            }
            return new Table(List.copyOf(header), List.copyOf(rows));
        }
    }

    /** Files directly in a folder, sorted by name. */
    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
