package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands that write a pyramidal TIFF refuse an output name that says it is something else. */
class TiffOutputNameTest {
    @TempDir Path tmp;

    @Test
    void aTiffIsNeverWrittenUnderAnImageExtension() {
        Path png = tmp.resolve("slide.png");
        Cli r = Cli.run("synth", "-o", png.toString(), "--width", "600", "--height", "400");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("slide.png: the output is a TIFF");
        assertThat(png).doesNotExist();
        Cli ok = Cli.run("synth", "-o", tmp.resolve("slide.ome.tif").toString(), "--width", "600", "--height", "400");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(Files.exists(tmp.resolve("slide.ome.tif"))).isTrue();
    }
}
