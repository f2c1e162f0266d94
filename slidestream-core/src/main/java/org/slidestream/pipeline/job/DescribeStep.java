package org.slidestream.pipeline.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slidestream.io.AtomicOutput;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideDescription;

/**
 * Step {@code describe}: writes {@code describe.json} per slide, the document of
 * {@code slidestream info --json} (format, size, levels, resolution, pixel type, channels,
 * associated images; vendor properties with {@code properties: true}). A cohort inventory, and a
 * check that every slide opens, without reading pixels.
 */
public final class DescribeStep implements StepFactory {
    public static final String FILE = "describe.json";

    @Override
    public String name() {
        return "describe";
    }

    @Override
    public String description() {
        return "write each slide's levels, resolution, channels and associated images to describe.json";
    }

    @Override
    public List<StepOption> options() {
        return List.of(StepOption.bool("properties", "also write every vendor property"));
    }

    @Override
    public SlideTask create(Map<String, Object> options) {
        return new Task(Boolean.TRUE.equals(options.get("properties")));
    }

    private record Task(boolean properties) implements SlideTask {
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @Override
        public String name() {
            return "describe";
        }

        @Override
        public String countColumn() {
            return "levels";
        }

        @Override
        public Done completed(CohortSlide slide, Path slideDir) {
            Path f = slideDir.resolve(FILE);
            if (!Files.isRegularFile(f)) return null;
            try {
                return new Done(JSON.readTree(f.toFile()).path("levels").size());
            } catch (java.io.IOException e) {
                return null; // unreadable: write it again
            }
        }

        @Override
        public long process(CohortSlide slide, Path slideDir, SlideContext context) throws Exception {
            Map<String, Object> d;
            int levels;
            try (Slide s = Slide.open(slide.path(), context.slideOptions())) {
                d = SlideDescription.of(s, properties);
                levels = s.levelCount();
            }
            try (AtomicOutput out = AtomicOutput.file(slideDir.resolve(FILE))) {
                Files.write(out.path(), (JSON.writeValueAsString(d) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.commit();
            }
            return levels;
        }
    }
}
