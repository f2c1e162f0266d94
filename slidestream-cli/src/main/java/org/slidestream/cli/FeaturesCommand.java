package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slidestream.dl.Device;
import org.slidestream.dl.FeatureModel;
import org.slidestream.dl.ModelConfig;
import org.slidestream.dl.PatchCoords;
import org.slidestream.dl.PatchFeatures;
import org.slidestream.format.h5.H5File;
import org.slidestream.pipeline.CohortInputs;
import org.slidestream.pipeline.CohortRunner;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.RunReport;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.Slide;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slidestream features}: embeds every patch of every slide with an ONNX model. */
@Command(name = "features", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Embed every patch of each slide with an ONNX foundation model (features.h5, CLAM/TRIDENT layout).",
                "Embeds the patches of each slide folder of PATCH_OUT that has a coords.h5 (CLAM/TRIDENT layout, as "
                        + "'slidestream patch' writes) with an ONNX image encoder, reading the patches straight from the slide, "
                        + "and writes OUT/<slide>/features.h5 ('features' float32 N x D, 'coords' int64 N x 2 in the order of "
                        + "coords.h5) and OUT/status.csv. Slides whose features.h5 exists are skipped (re-runs resume).",
                "The slide of each folder is the file its coords.h5 names (attribute slide_path), unless --slides maps "
                        + "the folder's name to a slide: a folder of slides (a slide's name is its file name without the "
                        + "extension) or a manifest (.csv/.xlsx with a 'slide' column and an optional 'id' column)."})
public final class FeaturesCommand implements SlideCommand, Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PATCH_OUT", description = "Output folder of the patch step: one folder per slide holding coords.h5.")
    Path patchOut;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The encoder, in ONNX format (input B x 3 x H x W).")
    Path model;

    @Option(names = "--model-config", paramLabel = "CFG.json",
            description = "input_size, mean, std, channel_order (RGB|BGR), interpolation (area|bilinear), embedding (cls|mean), "
                    + "prefix_tokens, input_name, output_name. Default: from the model, ImageNet mean/std, RGB, area, cls.")
    Path modelConfig;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N", description = "Patches per model run (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda",
            description = "Where the model runs (cuda needs a build with -Pcuda and a GPU; default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Slides processed at the same time, sharing the model (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads reading and preprocessing patches, shared by all workers (default: the number of cores).")
    Integer threads;

    @Option(names = "--model-threads", defaultValue = "0", paramLabel = "N",
            description = "Threads ONNX Runtime uses per model run on the CPU (default: one per core).")
    int modelThreads;

    @Option(names = "--prefetch", defaultValue = "2", paramLabel = "N",
            description = "Batches read ahead while the model runs (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--slides", paramLabel = "DIR_OR_MANIFEST", description = "Where the slides are, by slide name (see above).")
    Path slides;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Output folder (default: PATCH_OUT/features_<model file name>).")
    Path output;

    @Option(names = "--overwrite", description = "Redo slides whose features.h5 exists.")
    boolean overwrite;

    @Mixin PatchStainOptions stains = new PatchStainOptions();

    @Mixin RunOptions run;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public int order() {
        return 100;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (batch < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be >= 1");
        if (prefetch < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--prefetch must be >= 1");
        if (stains.method != null) {
            if (stains.target == null) throw new CommandLine.ParameterException(spec.commandLine(), "--normalize-method needs --normalize");
            try {
                org.slidestream.stain.StainMethod.parse(stains.method);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (workers < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be >= 1");
        if (threads != null && threads < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1");
        Device dev;
        try {
            dev = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--device: " + e.getMessage());
        }
        if (!Files.isDirectory(patchOut)) throw new IllegalArgumentException(patchOut + ": no such folder (the patch step's output)");
        Path out = output != null ? output : patchOut.resolve("features_" + stem(model));
        List<CohortSlide> cohort = slideFolders(patchOut, out);
        if (cohort.isEmpty()) throw new IllegalArgumentException(patchOut + ": no slide folder with a coords.h5 (run 'slidestream patch' first)");
        Map<String, Path> mapped = slides == null ? Map.of() : slideMap(slides);
        ModelConfig cfg = modelConfig == null ? ModelConfig.defaults() : ModelConfig.read(modelConfig);
        int decodeThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        try (FeatureModel m = FeatureModel.open(model, cfg, dev, modelThreads);
             CohortRunner runner = new CohortRunner(workers, decodeThreads, run.budget(), run.slideOptions())) {
            err.println("model " + model.getFileName() + ": " + m.inputWidth() + "x" + m.inputHeight() + " input, " + m.dim()
                    + " features per patch, " + dev.name().toLowerCase(java.util.Locale.ROOT));
            CohortProgress progress = new CohortProgress(err, "features");
            RunReport report = runner.run(cohort, new Task(m, mapped, new PatchFeatures.Options(batch, prefetch), stains), out, overwrite, progress);
            progress.printSummary(report, run.budget());
            return report.anyFailed() ? Main.EXIT_FAILED : Main.EXIT_OK;
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** The folders of PATCH_OUT holding a coords.h5 (or PATCH_OUT itself), sorted by name, the output folder left out. */
    static List<CohortSlide> slideFolders(Path root, Path out) throws IOException {
        List<CohortSlide> found = new ArrayList<>();
        if (Files.isRegularFile(root.resolve("coords.h5"))) {
            Path abs = root.toAbsolutePath().normalize();
            found.add(new CohortSlide(abs.getFileName().toString(), abs.resolve("coords.h5"), Map.of()));
            return found;
        }
        Path skip = out.toAbsolutePath().normalize();
        try (Stream<Path> s = Files.list(root)) {
            for (Path d : s.sorted().toList()) {
                String name = d.getFileName().toString();
                if (name.startsWith(".") || d.toAbsolutePath().normalize().equals(skip)) continue;
                if (Files.isRegularFile(d.resolve("coords.h5"))) found.add(new CohortSlide(name, d.resolve("coords.h5"), Map.of()));
            }
        }
        return found;
    }

    static Map<String, Path> slideMap(Path slides) throws IOException {
        if (!Files.exists(slides)) throw new IllegalArgumentException(slides + ": no such file or folder (--slides)");
        Map<String, Path> m = new HashMap<>();
        for (CohortSlide s : CohortInputs.resolve(List.of(slides))) m.put(s.id(), s.path());
        return m;
    }

    /** One slide: its coords.h5 is the CohortSlide's path; features.h5 goes into the slide's output folder. */
    static final class Task implements SlideTask {
        private final FeatureModel model;
        private final Map<String, Path> slides;
        private final PatchFeatures.Options options;

        private final PatchStainOptions stains;

        Task(FeatureModel model, Map<String, Path> slides, PatchFeatures.Options options, PatchStainOptions stains) {
            this.model = model;
            this.slides = slides;
            this.options = options;
            this.stains = stains;
        }

        @Override public String name() { return "features"; }

        @Override public String countColumn() { return "features"; }

        @Override
        public Done completed(CohortSlide slide, Path dir) {
            Path f = dir.resolve("features.h5");
            if (!Files.isRegularFile(f)) return null;
            try (H5File h5 = H5File.open(f)) {
                return new Done(h5.dataset("features").rows());
            } catch (IOException | RuntimeException e) {
                return null;     // unreadable: redo it
            }
        }

        @Override
        public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            try (PatchCoords coords = PatchCoords.open(s.path())) {
                Path slidePath = slides.get(s.id());
                if (slidePath == null) slidePath = coords.slidePath();
                if (slidePath == null) {
                    throw new IllegalArgumentException(s.path() + ": names no slide (no 'slide_path' attribute) and --slides "
                            + (slides.isEmpty() ? "is not given" : "has no slide named '" + s.id() + "'"));
                }
                try (Slide slide = Slide.open(slidePath, ctx.slideOptions())) {
                    long n = coords.count();
                    ctx.work(0, n);
                    return PatchFeatures.extract(slide, coords, model, dir.resolve("features.h5"), options,
                            new PatchFeatures.Workers(ctx.tilePool(), ctx.tileThreads(), ctx.budget()),
                            stains.transform(slide, ctx.budget(), ctx.slideOptions().allowNatives()), done -> ctx.work(done, n));
                }
            }
        }
    }
}
