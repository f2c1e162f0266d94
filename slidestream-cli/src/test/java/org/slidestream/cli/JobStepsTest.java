package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.ImageFiles;
import org.slidestream.pipeline.SlideState;
import org.slidestream.pipeline.SlideStatus;
import org.slidestream.pipeline.StatusTable;
import org.slidestream.testing.SharedData;

/** The job steps {@code mask} and {@code normalize}: per slide exactly what the single commands write. */
class JobStepsTest {
    @TempDir Path dir;

    private static RunCommandTest.Run run(String... args) {
        return RunCommandTest.run(args);
    }

    private Path link(Path folder, String name, Path target) throws Exception {
        Files.createDirectories(folder);
        return Files.createSymbolicLink(folder.resolve(name), target.toAbsolutePath());
    }

    private Path job(String text) throws Exception {
        return Files.writeString(dir.resolve("job.yaml"), text);
    }

    @Test
    void maskStepFindsAnnotationsPerSlideAndWritesWhatTheCommandWrites() throws Exception {
        Path cmu = SharedData.slide("cmu-1-small-region.svs");
        Path geojson = SharedData.annotation("cmu-1-small-region.geojson");
        Path slides = dir.resolve("slides"), annotations = dir.resolve("annotations");
        Path slide = link(slides, "cmu-1-small-region.svs", cmu);
        link(slides, "other.svs", cmu);
        link(slides, "third.svs", cmu);
        Path annotation = link(annotations, "cmu-1-small-region.geojson", geojson);
        // a manifest column overrides the step's folder for one slide
        Path manifest = Files.writeString(slides.resolve("cohort.csv"),
                "slide,annotations\ncmu-1-small-region.svs,\nother.svs,\nthird.svs," + annotation + "\n");
        Path job = job("inputs: [" + manifest + "]\noutput: " + dir.resolve("out") + "\n"
                + "steps:\n  - mask: {annotations: annotations, downsample: 2, labels: 'Tumor=1,Stroma=2'}\n");

        RunCommandTest.Run r = run("run", job.toString(), "--max-memory", "256m");
        assertThat(r.code()).as(r.err()).isEqualTo(Main.EXIT_FAILED);
        Map<String, SlideStatus> st = StatusTable.read(dir.resolve("out/status.csv"));
        assertThat(st.get("cmu-1-small-region").state()).isEqualTo(SlideState.SUCCESS);
        assertThat(st.get("cmu-1-small-region").count()).isPositive(); // polygons drawn
        assertThat(st.get("third").state()).isEqualTo(SlideState.SUCCESS);
        assertThat(st.get("other").state()).isEqualTo(SlideState.FAILED);
        assertThat(st.get("other").reason()).contains("no annotation file for slide other").doesNotContain("\n");
        assertThat(dir.resolve("out/other/mask.ome.tif")).doesNotExist();

        Path single = dir.resolve("single.tif");
        var c = run("mask", slide.toString(), "--annotations", annotation.toString(), "-o", single.toString(),
                "--downsample", "2", "--labels", "Tumor=1,Stroma=2");
        assertThat(c.code()).as(c.err()).isZero();
        byte[] expected = Files.readAllBytes(single);
        assertThat(Files.readAllBytes(dir.resolve("out/cmu-1-small-region/mask.ome.tif"))).isEqualTo(expected);
        assertThat(Files.readAllBytes(dir.resolve("out/third/mask.ome.tif"))).isEqualTo(expected);

        RunCommandTest.Run again = run("run", job.toString());
        assertThat(again.err()).contains("2 skipped");
    }

    @Test
    void normalizeStepWritesWhatTheCommandWrites() throws Exception {
        Path slides = dir.resolve("slides");
        Path slide = link(slides, "cmu-1-small-region.svs", SharedData.slide("cmu-1-small-region.svs"));
        Path target = dir.resolve("target.png");
        ImageFiles.write(NormalizeCommandTest.target(400, 300), target);
        Path job = job("inputs: [" + slides + "]\noutput: " + dir.resolve("out") + "\n"
                + "steps:\n  - normalize: {target: target.png, tile: 256, compression: zstd}\n");

        RunCommandTest.Run r = run("run", job.toString(), "--max-memory", "256m");
        assertThat(r.code()).as(r.err()).isZero();
        Path written = dir.resolve("out/cmu-1-small-region/normalized.ome.tif");
        Map<String, SlideStatus> st = StatusTable.read(dir.resolve("out/status.csv"));
        assertThat(st.get("cmu-1-small-region").state()).isEqualTo(SlideState.SUCCESS);
        assertThat(st.get("cmu-1-small-region").count()).isGreaterThanOrEqualTo(2); // levels: 2967 rows halve below 1024

        Path single = dir.resolve("single.ome.tif");
        var c = run("normalize", slide.toString(), "--target", target.toString(), "--tile", "256", "--compression", "zstd",
                "-o", single.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(Files.readAllBytes(written)).isEqualTo(Files.readAllBytes(single));

        assertThat(run("run", job.toString()).err()).contains("1 skipped");
    }

    @Test
    void badStepValuesAreUsageErrorsWithLineAndColumn() throws Exception {
        Path job = job("inputs: [a.svs]\noutput: out\nsteps:\n  - normalize: {target: t.png, output: purple}\n");
        RunCommandTest.Run r = run("run", job.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains(job + ":4:5: step 'normalize': ").contains("unknown output 'purple'");

        job = job("inputs: [a.svs]\noutput: out\nsteps:\n  - normalize: {method: macenko}\n");
        r = run("run", job.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains(job + ":4:5: step 'normalize': ").contains("target is required");

        job = job("inputs: [a.svs]\noutput: out\nsteps:\n  - tissue\n  - mask: {annotations: a, compression: jpeg}\n");
        r = run("run", job.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains(job + ":5:5: step 'mask': ").contains("lossless");

        job = job("inputs: [a.svs]\noutput: out\nsteps:\n  - mask: {level: first}\n");
        r = run("run", job.toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains(job + ":4:").contains("option 'level' expects a whole number, not 'first'");
    }
}
