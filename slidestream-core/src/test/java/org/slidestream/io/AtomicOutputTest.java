package org.slidestream.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {
    @TempDir Path dir;

    @Test
    void fileAppearsOnlyWhenCommitted() throws Exception {
        Path target = dir.resolve("coords.h5");
        try (AtomicOutput out = AtomicOutput.file(target)) {
            Files.writeString(out.path(), "data");
            assertThat(target).doesNotExist();
            out.commit();
        }
        assertThat(target).hasContent("data");
        assertThat(AtomicOutput.tempFor(target)).doesNotExist();
    }

    @Test
    void uncommittedOutputIsDeleted() throws Exception {
        Path target = dir.resolve("x.npy");
        try (AtomicOutput out = AtomicOutput.file(target)) {
            Files.writeString(out.path(), "half");
        }
        assertThat(target).doesNotExist();
        assertThat(AtomicOutput.tempFor(target)).doesNotExist();
    }

    @Test
    void directoryReplacesAnOlderOne() throws Exception {
        Path target = dir.resolve("patches");
        Files.createDirectories(target);
        Files.writeString(target.resolve("old.png"), "old");
        try (AtomicOutput out = AtomicOutput.directory(target)) {
            Files.writeString(out.path().resolve("new.png"), "new");
            out.commit();
        }
        assertThat(target.resolve("new.png")).exists();
        assertThat(target.resolve("old.png")).doesNotExist();
    }

    @Test
    void staleTemporariesFromAKilledRunAreRemoved() throws Exception {
        Path stale = AtomicOutput.tempFor(dir.resolve("coords.h5"));
        Files.writeString(stale, "half-written");
        Files.writeString(dir.resolve("keep.csv"), "x");
        AtomicOutput.deleteStale(dir);
        assertThat(stale).doesNotExist();
        assertThat(dir.resolve("keep.csv")).exists();
    }
}
