package org.slidestream.dl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slidestream.format.h5.H5File;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.pipeline.job.StepFactory;
import org.slidestream.pipeline.job.StepOption;
import org.slidestream.slide.Slide;

/**
 * Job step {@code features}: after a {@code patch} step, embeds the patches of each slide's
 * {@code coords.h5} with an ONNX model into {@code features.h5} beside it (the layout of the
 * {@code features} command). The model is loaded once per job (per executor on Spark), when the
 * first slide needs it.
 */
public final class FeaturesStep implements StepFactory {
    public static final String FILE = "features.h5";

    @Override
    public String name() {
        return "features";
    }

    @Override
    public String description() {
        return "embed each slide's patches (coords.h5 of the patch step) with an ONNX model into features.h5";
    }

    @Override
    public List<StepOption> options() {
        return List.of(
                StepOption.text("model", "the encoder in ONNX format (required)"),
                StepOption.text("model-config", "model config JSON: input_size, mean, std, channel_order, interpolation, embedding, ..."),
                StepOption.integer("batch", "patches per model run (default 64)"),
                StepOption.integer("prefetch", "batches read ahead while the model runs (default 2)"),
                StepOption.choice("device", "where the model runs (default cpu)", "cpu", "cuda"),
                StepOption.integer("model-threads", "ONNX Runtime threads per run (default: one per core)"));
    }

    @Override
    public SlideTask create(Map<String, Object> o) {
        Object model = o.get("model");
        if (!(model instanceof String m) || m.isBlank()) throw new IllegalArgumentException("step 'features' needs option 'model' (an .onnx file)");
        int batch = intOption(o, "batch", 64);
        int prefetch = intOption(o, "prefetch", 2);
        int threads = intOption(o, "model-threads", 0);
        if (batch < 1 || prefetch < 1 || threads < 0) throw new IllegalArgumentException("step 'features': batch and prefetch must be >= 1");
        Device device = Device.parse(String.valueOf(o.getOrDefault("device", "cpu")));
        Object cfg = o.get("model-config");
        return new Task(Path.of(m), cfg == null ? null : Path.of(cfg.toString()), device, threads, new PatchFeatures.Options(batch, prefetch));
    }

    private static int intOption(Map<String, Object> o, String name, int dflt) {
        Object v = o.get(name);
        return v == null ? dflt : ((Number) v).intValue();
    }

    private static final class Task implements SlideTask {
        private final Path modelPath;
        private final Path configPath;
        private final Device device;
        private final int threads;
        private final PatchFeatures.Options options;
        private FeatureModel model;

        Task(Path modelPath, Path configPath, Device device, int threads, PatchFeatures.Options options) {
            this.modelPath = modelPath;
            this.configPath = configPath;
            this.device = device;
            this.threads = threads;
            this.options = options;
        }

        private synchronized FeatureModel model() throws IOException {
            if (model == null) {
                ModelConfig cfg = configPath == null ? ModelConfig.defaults() : ModelConfig.read(configPath);
                model = FeatureModel.open(modelPath, cfg, device, threads);
            }
            return model;
        }

        @Override public String name() { return "features"; }

        @Override public String countColumn() { return "features"; }

        @Override
        public Done completed(CohortSlide slide, Path dir) {
            Path f = dir.resolve(FILE);
            if (!Files.isRegularFile(f)) return null;
            try (H5File h5 = H5File.open(f)) {
                return new Done(h5.dataset("features").rows());
            } catch (IOException | RuntimeException e) {
                return null;     // unreadable: redo it
            }
        }

        @Override
        public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            Path coordsFile = dir.resolve("coords.h5");
            if (!Files.isRegularFile(coordsFile)) {
                throw new IllegalArgumentException(coordsFile + ": no coords.h5 (put a 'patch' step before 'features')");
            }
            FeatureModel m = model();
            try (PatchCoords coords = PatchCoords.open(coordsFile); Slide slide = Slide.open(s.path(), ctx.slideOptions())) {
                long n = coords.count();
                return PatchFeatures.extract(slide, coords, m, dir.resolve(FILE), options,
                        new PatchFeatures.Workers(ctx.tilePool(), ctx.tileThreads(), ctx.budget()), done -> ctx.work(done, n));
            }
        }
    }
}
