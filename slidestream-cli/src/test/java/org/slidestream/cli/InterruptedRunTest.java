package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run stopped by SIGTERM (what Ctrl-C and a job scheduler send) leaves no partial output behind. */
class InterruptedRunTest {
    @TempDir Path tmp;

    @Test
    void sigtermDeletesThePartialOutput() throws Exception {
        Path out = tmp.resolve("big.tif");
        Path partial = tmp.resolve(".big.tif.partial");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "org.slidestream.cli.Main",
                "synth", "-o", out.toString(), "--width", "60000", "--height", "60000"))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(partial) && Files.size(partial) > 0) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(partial).as(Files.readString(tmp.resolve("log.txt"))).exists();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(partial).doesNotExist();
        assertThat(out).doesNotExist();
    }
}
