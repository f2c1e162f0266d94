package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegisterCommandTest {
    @TempDir static Path dir;
    static Path rounds;

    static SynthCommandTest.Run run(String... args) {
        return SynthCommandTest.run(args);
    }

    @BeforeAll
    static void synthRounds() {
        rounds = dir.resolve("rounds");
        SynthCommandTest.Run r = run("synth", "--rounds", "3", "--channels", "2", "--width", "640", "--height", "640",
                "--deformation", "0", "--tile", "256", "--min-level-side", "256", "--seed", "4", "--threads", "2", "-o", rounds.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("round1.ome.tif: 640x640, 2 channels, rotation").contains("truth.json: true transforms");
    }

    @Test
    void registersRoundsThenMapsPointsBothWays() throws IOException {
        Path out = dir.resolve("out");
        SynthCommandTest.Run r = run("register", rounds.resolve("round0.ome.tif").toString(), rounds.resolve("round1.ome.tif").toString(),
                rounds.resolve("round2.ome.tif").toString(), "--channel", "DAPI", "--qc-side", "320", "--tile", "256",
                "--min-level-side", "256", "--threads", "2", "--max-memory", "256m", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("round1: registered in").contains("2 rounds: 2 registered, 0 failed")
                .containsPattern("time [0-9.]+ s, peak memory .* \\(budget 256 MiB\\)");
        for (String f : List.of("round1.registered.ome.tif", "round2.registered.ome.tif", "round1.qc.png", "round2.qc.png",
                "transforms.json", "metrics.csv")) {
            assertThat(out.resolve(f)).exists();
        }
        Path pts = dir.resolve("pts.csv");
        Files.writeString(pts, "id,x,y,label\n1,100.5,200,a\n2,320,320,\"b, c\"\n3,600,40,d\n");
        Path moved = dir.resolve("moved.csv"), back = dir.resolve("back.csv");
        String t = out.resolve("transforms.json").toString();
        assertThat(run("register", "--apply-points", pts.toString(), "--transforms", t, "--round", "round1", "--to", "moving",
                "-o", moved.toString()).code()).isZero();
        SynthCommandTest.Run b = run("register", "--apply-points", moved.toString(), "--transforms", t, "--round", "round1", "-o", back.toString());
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(b.err()).contains("3 points of round round1 mapped to the reference");
        List<String> lines = Files.readAllLines(back);
        assertThat(lines.get(0)).isEqualTo("id,x,y,label");
        assertThat(lines.get(2)).endsWith(",\"b, c\"");
        String[] first = lines.get(1).split(",");
        assertThat(Double.parseDouble(first[1])).isCloseTo(100.5, within(0.01));
        assertThat(Double.parseDouble(first[2])).isCloseTo(200, within(0.01));
        assertThat(Files.readAllLines(moved).get(1)).isNotEqualTo("1,100.500,200.000,a");
    }

    @Test
    void aFailedRoundExitsOneAndTheOthersAreRegistered() throws IOException {
        Path out = dir.resolve("partial");
        SynthCommandTest.Run r = run("register", rounds.resolve("round0.ome.tif").toString(), dir.resolve("nope.ome.tif").toString(),
                rounds.resolve("round2.ome.tif").toString(), "--no-images", "--qc-full", "--qc-side", "320", "--model", "rigid", "-o", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("nope: failed: ").contains("2 rounds: 1 registered, 1 failed");
        assertThat(out.resolve("round2.qc.png")).exists();
        assertThat(out.resolve("round2.registered.ome.tif")).doesNotExist();
        // full-resolution QC: 8-bit RGB on the reference grid, as a pyramid
        try (org.slidestream.slide.Slide qc = org.slidestream.slide.Slide.open(out.resolve("round2.qc.ome.tif"))) {
            assertThat(qc.level(0).width()).isEqualTo(640);
            assertThat(qc.metadata().sizeC()).isEqualTo(3);
            assertThat(qc.metadata().pixelType()).isEqualTo(org.slidestream.image.PixelType.UINT8);
        }
        assertThat(Files.readString(out.resolve("metrics.csv"))).contains("nope,failed,").contains("round2,success,");
    }

    @Test
    void usageAndInputErrors() {
        SynthCommandTest.Run one = run("register", rounds.resolve("round0.ome.tif").toString(), "-o", dir.resolve("u").toString());
        assertThat(one.code()).isEqualTo(2);
        assertThat(one.err()).contains("give a reference and at least one moving round");
        SynthCommandTest.Run model = run("register", "a.tif", "b.tif", "--model", "elastic", "-o", dir.resolve("u").toString());
        assertThat(model.code()).isEqualTo(2);
        assertThat(model.err()).contains("--model must be rigid or affine");
        SynthCommandTest.Run channel = run("register", rounds.resolve("round0.ome.tif").toString(), rounds.resolve("round1.ome.tif").toString(),
                "--channel", "Hoechst", "-o", dir.resolve("c").toString());
        assertThat(channel.code()).isEqualTo(1);
        assertThat(channel.err()).contains("round0.ome.tif: no channel 'Hoechst' in the reference (channels: 0=DAPI, 1=R0_marker1)");
        SynthCommandTest.Run pts = run("register", "--apply-points", "p.csv", "-o", dir.resolve("p.csv").toString());
        assertThat(pts.code()).isEqualTo(2);
        assertThat(pts.err()).contains("--apply-points needs --transforms and --round");
        assertThat(run("register", "--help").out()).contains("--nonrigid").contains("--merge").contains("--qc-full").contains("--apply-points");
    }
}
