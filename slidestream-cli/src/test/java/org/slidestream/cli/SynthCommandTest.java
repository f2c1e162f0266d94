package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.testing.ReferenceTools;
import picocli.CommandLine;

class SynthCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesAPyramidThatTifffileAndVipsRead() {
        Path ome = dir.resolve("synth.ome.tif");
        Run r = run("synth", "-o", ome.toString(), "--width", "2600", "--height", "1900", "--tile", "256",
                "--min-level-side", "400", "--seed", "3", "--threads", "2", "--max-memory", "128m");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("synth.ome.tif: 2600x1900, 4 levels, ome jpeg");
        assertThat(r.err()).contains("synth: 100% (").containsPattern("time [0-9.]+ s, peak memory .* \\(budget 128 MiB\\)");
        ReferenceTools.requirePythonModules("tifffile");
        ReferenceTools.python("""
                import sys, tifffile
                with tifffile.TiffFile(sys.argv[1]) as t:
                    s = t.series[0]
                    assert t.is_ome and s.shape == (1900, 2600, 3), s.shape
                    assert [l.shape for l in s.levels] == [(1900, 2600, 3), (950, 1300, 3), (475, 650, 3), (238, 325, 3)], s.levels
                    assert 'PhysicalSizeX="0.25"' in t.pages[0].description
                """, ome).requireSuccess("tifffile");

        Path generic = dir.resolve("synth.tif");
        r = run("synth", "-o", generic.toString(), "--width", "2600", "--height", "1900", "--layout", "generic",
                "--compression", "deflate", "--seed", "3");
        assertThat(r.code()).as(r.err()).isZero();
        ReferenceTools.requireProgram("vipsheader");
        assertThat(ReferenceTools.run(List.of("vipsheader", "-f", "n-pages", generic.toString()), 60).stdout().trim()).isEqualTo("3");
    }

    @Test
    void badUsageExitsWithTwo() {
        Path out = dir.resolve("x.tif");
        assertThat(run("synth", "-o", out.toString(), "--width", "100").code()).isEqualTo(Main.EXIT_USAGE);
        Run r = run("synth", "-o", out.toString(), "--width", "100", "--height", "100", "--tile", "100");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("tile size must be a multiple of 16");
        r = run("synth", "-o", out.toString(), "--width", "100", "--height", "100", "--compression", "webp");
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("unknown compression 'webp'");
        assertThat(out).doesNotExist();
        assertThat(run("synth", "--help").out()).contains("--width").contains("--from").contains("--max-memory");
    }
}
