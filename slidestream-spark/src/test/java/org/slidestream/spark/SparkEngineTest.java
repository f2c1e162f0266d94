package org.slidestream.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.cli.Main;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.pipeline.SlideState;
import org.slidestream.pipeline.SlideStatus;
import org.slidestream.pipeline.StatusTable;
import org.slidestream.synth.SyntheticSlide;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;

/**
 * The Spark engine in local mode against the local engine: the same job gives the same bytes, a
 * broken slide is a failed row, and tasks that die half-way (in a step, or while copying outputs)
 * are retried without leaving partial or duplicate outputs.
 */
class SparkEngineTest {
    /** Two task threads; up to four attempts per task, as on a cluster (plain local[2] never retries). */
    private static final String MASTER = "local[2,4]";
    private static final String STEPS = """
            steps:
              - tissue: {method: otsu, seg-mpp: 2}
              - patch: {method: otsu, seg-mpp: 2, size: 128, mpp: 0.5, min-tissue: 0.25, save: png}
            """;

    @TempDir static Path dir;
    private static Path broken;

    @BeforeAll
    static void slides() throws IOException {
        broken = SharedData.slide("broken.svs");
        Path slides = Files.createDirectories(dir.resolve("slides"));
        MemoryBudget budget = new MemoryBudget(256L << 20);
        for (int i = 1; i <= 4; i++) {
            TiffWriter.write(SyntheticSlide.procedural(1536 + 256 * i, 1536, i), slides.resolve("synth-" + i + ".tif"),
                    TiffWriteOptions.defaults().withTileSize(256).withMinLevelSide(256), SyntheticSlide.writeMetadata(),
                    WriteContext.of(budget, 2));
        }
    }

    @AfterAll
    static void stopSpark() {
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
    }

    private static Path job(String name, String output, String steps) throws IOException {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, "inputs: [slides/, " + broken + "]\noutput: " + output + "\nengine: {workers: 2, threads: 2}\n" + steps);
        return f;
    }

    @Test
    void sparkGivesTheLocalEnginesOutputsAndStatus() throws Exception {
        assertThat(Main.execute("run", job("local", "out-local", STEPS).toString())).isEqualTo(Main.EXIT_FAILED);
        assertThat(Main.execute("run", job("spark", "out-spark", STEPS).toString(), "--engine", "spark", "--master", MASTER))
                .isEqualTo(Main.EXIT_FAILED);

        Map<String, byte[]> local = files(dir.resolve("out-local"));
        Map<String, byte[]> spark = files(dir.resolve("out-spark"));
        assertThat(local.keySet()).contains("synth-1/coords.h5", "synth-1/mask.png", "synth-4/patches.csv")
                .anyMatch(k -> k.startsWith("synth-2/patches/") && k.endsWith(".png"));
        assertThat(spark.keySet()).isEqualTo(local.keySet());
        for (String k : local.keySet()) assertThat(spark.get(k)).as(k).isEqualTo(local.get(k));
        assertThat(hidden(dir.resolve("out-spark"))).isEmpty();

        Map<String, SlideStatus> ls = StatusTable.read(dir.resolve("out-local/status.csv"));
        Map<String, SlideStatus> ss = StatusTable.read(dir.resolve("out-spark/status.csv"));
        assertThat(ss.keySet()).containsExactly("synth-1", "synth-2", "synth-3", "synth-4", "broken");
        for (String id : ls.keySet()) {
            assertThat(ss.get(id).state()).as(id).isEqualTo(ls.get(id).state());
            assertThat(ss.get(id).count()).as(id).isEqualTo(ls.get(id).count());
        }
        assertThat(ss.get("broken").state()).isEqualTo(SlideState.FAILED);
        assertThat(ss.get("broken").reason()).contains("broken.svs");
        assertThat(ss.values().stream().filter(s -> s.state() == SlideState.SUCCESS)).hasSize(4);
        assertThat(Files.readString(dir.resolve("out-spark/status.csv"))).startsWith("slide,status,reason,patches,seconds,peak_mb\n");

        var parquet = SparkSession.active().read().parquet(dir.resolve("out-spark").resolve(SparkEngine.PARQUET).toString());
        assertThat(parquet.count()).isEqualTo(5);
        assertThat(parquet.filter("status = 'failed'").select("slide").first().getString(0)).isEqualTo("broken");

        // a second run finds every step complete and skips the slides
        assertThat(Main.execute("run", dir.resolve("spark.yaml").toString(), "--engine", "spark", "--master", MASTER))
                .isEqualTo(Main.EXIT_FAILED);
        Map<String, SlideStatus> again = StatusTable.read(dir.resolve("out-spark/status.csv"));
        assertThat(again.get("synth-3").state()).isEqualTo(SlideState.SKIPPED);
        assertThat(files(dir.resolve("out-spark"))).containsOnlyKeys(local.keySet());
    }

    @Test
    void tasksThatDieHalfWayAreRetriedWithoutPartialOutputs() throws Exception {
        String steps = STEPS + "  - crash-once\n";
        assertThat(Main.execute("run", job("local-retry", "out-local-retry", steps).toString())).isEqualTo(Main.EXIT_FAILED);
        // every slide's first attempt dies in crash-once; one later copy of an output breaks half-way
        FlakyFileSystem.breakCopy(3);
        Path out = dir.resolve("out-flaky");
        Path job = job("flaky", "flaky://" + out, steps);
        assertThat(Main.execute("run", job.toString(), "--engine", "spark", "--master", MASTER,
                "--conf", "spark.hadoop.fs.flaky.impl=" + FlakyFileSystem.class.getName(),
                "--conf", "spark.hadoop.fs.flaky.impl.disable.cache=true")).isEqualTo(Main.EXIT_FAILED);
        assertThat(FlakyFileSystem.BROKEN.get()).isEqualTo(1);
        assertThat(CrashOnceStep.CRASHED).containsExactlyInAnyOrder("synth-1", "synth-2", "synth-3", "synth-4");

        Map<String, byte[]> local = files(dir.resolve("out-local-retry"));
        Map<String, byte[]> spark = files(out);
        assertThat(local.keySet()).contains("synth-1/" + CrashOnceStep.FILE);
        assertThat(spark.keySet()).isEqualTo(local.keySet());
        for (String k : local.keySet()) assertThat(spark.get(k)).as(k).isEqualTo(local.get(k));
        assertThat(hidden(out)).isEmpty();
        Map<String, SlideStatus> st = StatusTable.read(out.resolve("status.csv"));
        assertThat(st.values().stream().filter(s -> s.state() == SlideState.SUCCESS)).hasSize(4);
        assertThat(st.get("broken").state()).isEqualTo(SlideState.FAILED);
    }

    /** Visible output files by relative path (status tables aside), with their bytes. */
    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("status.") || rel.startsWith(".") || rel.contains("/.")) continue;
                out.put(rel, Files.readAllBytes(p));
            }
        }
        return out;
    }

    /** Hidden entries in slide folders: partial copies, checksum files. */
    private static List<String> hidden(Path root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                String rel = root.relativize(p).toString();
                if (rel.startsWith("status.parquet")) continue;
                if (p.getFileName().toString().startsWith(".")) out.add(rel);
            }
        }
        return out;
    }

    static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
