package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.csv.Csv;
import org.slidestream.format.h5.H5File;
import picocli.CommandLine;

class PatchCommandTest {
    @TempDir Path tmp;
    Path slides;

    @BeforeEach
    void cohort() throws IOException {
        slides = Files.createDirectories(tmp.resolve("slides"));
        Files.writeString(slides.resolve("a.tif"), "synth 2048 1536 1\n");
        Files.writeString(slides.resolve("b.tif"), "synth 1536 1536 2\n");
        Files.writeString(slides.resolve("c.tif"), "synth 1800 1200 3\n");
        Files.writeString(slides.resolve("d-broken.svs"), "broken\n");
    }

    record Run(int code, String err) {}

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute(args);
        return new Run(code, err.toString());
    }

    static List<List<String>> csv(Path p) throws IOException {
        try (var r = Files.newBufferedReader(p)) {
            return Csv.read(r);
        }
    }

    private String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("patch", slides.toString(), "-o", out.toString(), "--size", "128",
                "--a-t", "0.5", "--max-memory", "256m"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void sameBytesForOneAndFourWorkersAndForRepeatedRuns() throws IOException {
        Path one = tmp.resolve("one"), four = tmp.resolve("four");
        Run r1 = run(args(one, "--workers", "1", "--threads", "1", "--save", "npy"));
        Run r4 = run(args(four, "--workers", "4", "--threads", "4", "--save", "npy"));
        assertThat(r1.code()).as(r1.err()).isEqualTo(1); // the broken slide
        assertThat(r4.code()).as(r4.err()).isEqualTo(1);
        assertSameOutputs(one, four);

        List<List<String>> status = csv(one.resolve("status.csv"));
        assertThat(status.get(0)).containsExactly("slide", "status", "reason", "patches", "seconds", "peak_mb");
        assertThat(status.subList(1, status.size())).extracting(r -> r.get(0) + ":" + r.get(1))
                .containsExactly("a:success", "b:success", "c:success", "d-broken:failed");
        assertThat(status.get(4).get(2)).contains("d-broken.svs").contains("damaged tile 0");
        assertThat(Long.parseLong(status.get(1).get(3))).isPositive();

        // a re-run skips complete slides; --overwrite redoes them with the same bytes
        Run again = run(args(one, "--save", "npy"));
        assertThat(again.err()).contains("3 skipped");
        Path copy = tmp.resolve("copy");
        copyTree(four, copy);
        Run redo = run(args(four, "--save", "npy", "--overwrite", "--workers", "2"));
        assertThat(redo.err()).contains("3 done");
        assertSameOutputs(copy, four);
    }

    static void assertSameOutputs(Path a, Path b) throws IOException {
        List<Path> fa = files(a), fb = files(b);
        assertThat(fb).isEqualTo(fa);
        assertThat(fa).anyMatch(p -> p.toString().endsWith("coords.h5")).anyMatch(p -> p.toString().endsWith("patches.npy"));
        for (Path rel : fa) {
            if (rel.toString().equals("status.csv")) continue;
            assertThat(java.util.Arrays.equals(Files.readAllBytes(b.resolve(rel)), Files.readAllBytes(a.resolve(rel))))
                    .as("same bytes in " + rel).isTrue();
        }
    }

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        for (Path rel : files(from)) {
            Files.createDirectories(to.resolve(rel).getParent());
            Files.copy(from.resolve(rel), to.resolve(rel));
        }
    }

    @Test
    void coordsAreOnTissueAndConsistentWithTheMask() throws Exception {
        Path out = tmp.resolve("out");
        Run r = run(args(out, "--min-tissue", "0.6"));
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        List<List<String>> rows = csv(out.resolve("a/patches.csv"));
        assertThat(rows.get(0)).containsExactly("x", "y", "tissue_fraction");
        assertThat(rows.size()).isGreaterThan(10);
        for (List<String> row : rows.subList(1, rows.size())) {
            assertThat(Double.parseDouble(row.get(2))).isGreaterThanOrEqualTo(0.6);
            assertThat(Long.parseLong(row.get(0)) % 128).isZero();
        }
        try (H5File f = H5File.open(out.resolve("a/coords.h5"))) {
            var d = f.dataset("coords");
            assertThat(d.rows()).isEqualTo(rows.size() - 1);
            assertThat(d.longAttribute("patch_size")).isEqualTo(128);
            assertThat(d.longAttribute("patch_size_level0")).isEqualTo(128);
            assertThat(d.longAttribute("level0_magnification")).isEqualTo(40);
            assertThat(d.stringAttribute("name")).isEqualTo("a");
        }
        assertThat(out.resolve("a/thumbnail.png")).exists();
        assertThat(out.resolve("a/mask.png")).exists();
        assertThat(out.resolve("a/tissue.geojson")).exists();
    }
}
