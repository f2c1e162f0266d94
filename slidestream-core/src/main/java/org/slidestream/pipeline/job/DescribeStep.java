package org.slidestream.pipeline.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slidestream.io.AtomicOutput;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

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
                d = describe(s, properties);
                levels = s.levelCount();
            }
            try (AtomicOutput out = AtomicOutput.file(slideDir.resolve(FILE))) {
                Files.write(out.path(), (JSON.writeValueAsString(d) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.commit();
            }
            return levels;
        }
    }

    /** The keys of {@code info --json}, in its order. */
    static Map<String, Object> describe(Slide s, boolean withProperties) {
        SlideMetadata m = s.metadata();
        LevelInfo l0 = s.level(0);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("format", m.format());
        d.put("width", l0.width());
        d.put("height", l0.height());
        List<Map<String, Object>> levels = new ArrayList<>();
        for (LevelInfo l : s.levels()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("width", l.width());
            e.put("height", l.height());
            e.put("downsample", l.downsample());
            e.put("tileWidth", l.tileWidth());
            e.put("tileHeight", l.tileHeight());
            levels.add(e);
        }
        d.put("levels", levels);
        d.put("mpp", m.mppX() == null || m.mppY() == null ? null : List.of(m.mppX(), m.mppY()));
        d.put("magnification", m.magnification());
        d.put("pixelType", m.pixelType().omeName());
        d.put("sizeC", m.sizeC());
        d.put("sizeZ", m.sizeZ());
        d.put("sizeT", m.sizeT());
        d.put("mppZ", m.mppZ());
        d.put("channels", m.channelNames());
        d.put("associated", s.associatedImages());
        if (withProperties) d.put("properties", new TreeMap<>(m.properties()));
        return d;
    }
}
