package org.slidestream.spark;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slidestream.io.AtomicOutput;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.pipeline.job.StepFactory;
import org.slidestream.pipeline.job.StepOption;

/**
 * Test step {@code crash-once}: writes {@code crash-once.txt} (the slide's id and size). The first
 * time a Spark task runs it for a slide (the step runs in a scratch folder named for the task
 * attempt), it dies half-way through the file, as an executor that is lost would: the partial file
 * stays and the error is not a slide failure, so Spark retries the task. Steps run on the engine's
 * threads, not Spark's, so the attempt is not known from {@code TaskContext}.
 */
public final class CrashOnceStep implements StepFactory {
    static final String FILE = "crash-once.txt";
    static final java.util.Set<String> CRASHED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override public String name() { return "crash-once"; }

    @Override public String description() { return "test step that dies on a task's first attempt"; }

    @Override public List<StepOption> options() { return List.of(); }

    @Override
    public SlideTask create(Map<String, Object> options) {
        return new SlideTask() {
            @Override public String name() { return "crash-once"; }

            @Override public Done completed(CohortSlide slide, Path dir) {
                return Files.isRegularFile(dir.resolve(FILE)) ? new Done(1) : null;
            }

            @Override public long process(CohortSlide slide, Path dir, SlideContext ctx) throws Exception {
                byte[] text = (slide.id() + " " + Files.size(slide.path()) + "\n").repeat(100).getBytes(StandardCharsets.UTF_8);
                AtomicOutput out = AtomicOutput.file(dir.resolve(FILE));
                if (dir.toString().contains("slidestream-attempt-") && CRASHED.add(slide.id())) {
                    Files.write(out.path(), java.util.Arrays.copyOf(text, text.length / 2));
                    throw new Error("simulated loss of the executor while writing " + FILE);
                }
                try (out) {
                    Files.write(out.path(), text);
                    out.commit();
                }
                return 1;
            }
        };
    }
}
