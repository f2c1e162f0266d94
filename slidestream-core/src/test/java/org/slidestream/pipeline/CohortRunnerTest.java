package org.slidestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.SlideOptions;

class CohortRunnerTest {
    @TempDir Path out;

    /** Writes result.txt holding the slide id; fails for slides named bad*. */
    static final class EchoTask implements SlideTask {
        final AtomicInteger processed = new AtomicInteger();

        @Override public String name() { return "echo"; }

        @Override public String countColumn() { return "patches"; }

        @Override public Done completed(CohortSlide s, Path dir) {
            return Files.exists(dir.resolve("result.txt")) ? new Done(7) : null;
        }

        @Override public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            processed.incrementAndGet();
            if (s.id().startsWith("bad")) throw new IllegalStateException("cannot read tile 3\nat level 0");
            try (AtomicOutput o = AtomicOutput.file(dir.resolve("result.txt"))) {
                Files.writeString(o.path(), s.id());
                o.commit();
            }
            return 7;
        }
    }

    private static List<CohortSlide> cohort(String... ids) {
        List<CohortSlide> l = new ArrayList<>();
        for (String id : ids) l.add(new CohortSlide(id, Path.of("/nowhere/" + id + ".svs"), Map.of()));
        return l;
    }

    private CohortRunner runner(int workers) {
        MemoryBudget b = new MemoryBudget(64 << 20);
        return new CohortRunner(workers, 2, b, SlideOptions.forBudget(b));
    }

    @Test
    void aFailingSlideDoesNotStopTheOthersAndStatusSaysWhy() throws Exception {
        EchoTask task = new EchoTask();
        RunReport r;
        try (CohortRunner runner = runner(3)) {
            r = runner.run(cohort("s1", "bad2", "s3", "s4"), task, out, false, ProgressListener.NONE);
        }
        assertThat(r.slides()).extracting(SlideStatus::state)
                .containsExactly(SlideState.SUCCESS, SlideState.FAILED, SlideState.SUCCESS, SlideState.SUCCESS);
        assertThat(r.slides().get(1).reason()).isEqualTo("IllegalStateException: cannot read tile 3 at level 0");
        assertThat(r.anyFailed()).isTrue();
        assertThat(r.totalCount()).isEqualTo(21);
        List<String> lines = Files.readAllLines(out.resolve("status.csv"));
        assertThat(lines.get(0)).isEqualTo("slide,status,reason,patches,seconds,peak_mb");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(2)).startsWith("bad2,failed,IllegalStateException: cannot read tile 3 at level 0,-1,");
        assertThat(out.resolve("bad2")).isEmptyDirectory();
    }

    @Test
    void reRunSkipsCompleteSlidesAndOverwriteRedoesThem() throws Exception {
        EchoTask task = new EchoTask();
        try (CohortRunner runner = runner(2)) {
            runner.run(cohort("a", "b"), task, out, false, ProgressListener.NONE);
            RunReport again = runner.run(cohort("a", "b", "c"), task, out, false, ProgressListener.NONE);
            assertThat(again.slides()).extracting(SlideStatus::state)
                    .containsExactly(SlideState.SKIPPED, SlideState.SKIPPED, SlideState.SUCCESS);
            assertThat(again.slides().get(0).count()).isEqualTo(7);
            assertThat(task.processed).hasValue(3);
            runner.run(cohort("a"), task, out, true, ProgressListener.NONE);
            assertThat(task.processed).hasValue(4);
        }
        // rows of slides not in the last run are kept
        assertThat(StatusTable.read(out.resolve("status.csv")).keySet()).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void listenerSeesEverySlide() throws Exception {
        List<String> events = new ArrayList<>();
        ProgressListener l = new ProgressListener() {
            @Override public synchronized void slideFinished(CohortSlide s, SlideStatus st) { events.add(s.id() + ":" + st.state()); }
        };
        try (CohortRunner runner = runner(1)) {
            runner.run(cohort("x", "bad"), new EchoTask(), out, false, l);
        }
        assertThat(events).containsExactly("x:SUCCESS", "bad:FAILED");
    }
}
