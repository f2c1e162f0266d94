package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir Path tmp;

    @Test
    void demoWritesASlideAndRunsTissueAndPatchOnIt() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.execute("demo", "-o", tmp.toString(), "--size", "2048");
        assertThat(code).as(err.toString()).isZero();
        assertThat(tmp.resolve("synthetic-slide.ome.tif")).exists();
        assertThat(tmp.resolve("tissue/synthetic-slide/mask.png")).exists();
        assertThat(tmp.resolve("patches/synthetic-slide/coords.h5")).exists();
        assertThat(PatchCommandTest.csv(tmp.resolve("patches/synthetic-slide/patches.csv")).size()).isGreaterThan(1);
        assertThat(out.toString()).contains("Results:").contains("coords.h5");
    }
}
