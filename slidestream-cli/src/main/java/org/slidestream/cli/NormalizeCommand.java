package org.slidestream.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.stain.NormalizedSource;
import org.slidestream.stain.SlideStains;
import org.slidestream.stain.StainEstimate;
import org.slidestream.stain.StainMethod;
import org.slidestream.stain.StainNormalizer;
import org.slidestream.stain.StainOutput;
import org.slidestream.stain.StainParameters;
import org.slidestream.stain.StainProfile;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.WriteMetadata;
import org.slidestream.tiff.writer.WriteReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slidestream normalize}: fit a stain target, or normalize a whole slide to one. */
@Command(name = "normalize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Stain normalization of H&E slides: Macenko (default), Reinhard (CIELAB) or Vahadane.",
                "",
                "--fit TARGET -o stains.json: fit a target's stains on an image (PNG/JPEG), a slide region (--region) "
                        + "or a slide's tissue (sampled from a low-resolution level) and save them as JSON.",
                "",
                "SLIDE --target stains.json|IMAGE -o OUT.tif: fit the slide's own stains once on its tissue, then write "
                        + "the whole slide normalized tile by tile at full resolution as a pyramidal TIFF, in bounded memory.",
                "",
                "Background stays white; a slide whose stains cannot be fitted (no tissue, one stain) is written "
                        + "unchanged with a warning.",
                ""},
        footer = {"", "Examples:", "  slidestream normalize --fit reference.png -o target-stains.json",
                "  slidestream normalize slide.svs --target target-stains.json -o slide-normalized.ome.tif",
                "  slidestream normalize slide.svs --target target-stains.json --output hematoxylin --float -o hema.ome.tif"})
public final class NormalizeCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SLIDE", description = "Slide to normalize (not with --fit).")
    Path input;

    @Option(names = "--fit", paramLabel = "TARGET", description = "Fit the stains of TARGET (image or slide) and write them as JSON to -o.")
    Path fit;

    @Option(names = "--region", paramLabel = "X,Y,W,H", description = "With --fit: only this region (level-0 pixels of a slide, or pixels of an image).")
    String region;

    @Option(names = "--target", paramLabel = "TARGET", description = "Target stains: a JSON file from --fit, or an image or slide to fit them on.")
    Path target;

    @Option(names = "-o", required = true, paramLabel = "OUT", description = "File to write: the stains JSON (--fit) or the TIFF.")
    Path output;

    @Option(names = "--method", paramLabel = "METHOD",
            description = "macenko, reinhard or vahadane (default: the target profile's method, else macenko).")
    String method;

    @Option(names = "--output", paramLabel = "rgb|hematoxylin|eosin", defaultValue = "rgb",
            description = "What to write: the normalized RGB image (default) or one normalized stain concentration "
                    + "(Macenko, Vahadane). The file is -o.")
    String outputKind;

    @Option(names = "--float",
            description = "Concentrations as float32 (default: 8-bit, 255 at the target's 99th-percentile concentration).")
    boolean asFloat;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--source-stains", paramLabel = "FILE.json", description = "Also save the slide's own fitted stains as JSON.")
    Path sourceStains;

    @Mixin StainOptions stain;
    @Mixin TiffOutputOptions tiff;
    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override
    public int order() { return 80; }

    @Override
    public Integer call() throws Exception {
        Summary summary = new Summary();
        PrintWriter err = spec.commandLine().getErr();
        if (threads != null && threads < 1) throw usage("--threads must be >= 1");
        Choices c = choices();
        StainMethod m = c.method();
        StainOutput kind = c.kind();
        if (fit != null) {
            if (input != null || target != null) throw usage("--fit takes no SLIDE and no --target");
            fitTarget(m == null ? StainMethod.MACENKO : m, err);
        } else {
            if (input == null) throw usage("give a SLIDE to normalize (with --target), or --fit TARGET");
            if (target == null) throw usage("--target is required: a stains JSON file from --fit, or an image or slide");
            if (region != null) throw usage("--region goes with --fit");
            if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
                throw usage("the output would replace the input: choose another -o");
            }
            int n = threads != null ? threads : TiffCommands.defaultThreads();
            TiffCommands.Sink sink = (src, out, o, meta) -> TiffCommands.write("normalize", src, out, o, meta, run.budget(),
                    run.slideOptions().allowNatives(), n, err);
            WriteReport report = normalizeSlide(input, output, m, kind, run.budget(), run.slideOptions(), sink, err);
            spec.commandLine().getOut().println(TiffCommands.describe(report, tiffOptions()));
            spec.commandLine().getOut().flush();
        }
        summary.print(err, run.budget());
        return Main.EXIT_OK;
    }

    /** The method (null: the target's) and what to write, as given; bad values are usage errors. */
    record Choices(StainMethod method, StainOutput kind) {}

    Choices choices() {
        try {
            StainMethod m = method == null ? null : StainMethod.parse(method);
            StainOutput kind = StainOutput.parse(outputKind);
            stain.parameters();
            return new Choices(m, kind);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    TiffWriteOptions tiffOptions() {
        return tiff.toOptions(Compression.DEFLATE, spec.commandLine());
    }

    /** The options of the job step {@code normalize}, checked before any slide is touched. */
    void checkStep() {
        Choices c = choices();
        tiffOptions();
        if (target == null) throw usage("target is required: a stains JSON file from --fit, or an image or slide");
        if (c.kind() != StainOutput.RGB && c.method() == StainMethod.REINHARD) {
            throw usage("output " + c.kind().id() + " needs method macenko or vahadane");
        }
    }

    /** Where a job's {@code normalize} step writes each slide. */
    static final String STEP_OUTPUT = "normalized.ome.tif";

    /** The command per slide, for the job step {@code normalize}: the slide normalized as {@value #STEP_OUTPUT}. */
    static final class Task implements SlideTask {
        private final NormalizeCommand parsed;
        private final String[] args;

        Task(NormalizeCommand parsed, String[] args) {
            this.parsed = parsed;
            this.args = args;
        }

        @Override public String name() { return "normalize"; }

        @Override public String countColumn() { return "levels"; }

        @Override public Done completed(CohortSlide s, Path dir) {
            return java.nio.file.Files.isRegularFile(dir.resolve(STEP_OUTPUT)) ? new Done(-1) : null;
        }

        @Override public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            NormalizeCommand c = Cohorts.forSlide(NormalizeCommand::new, parsed, args, s);
            c.checkStep();
            Choices ch = c.choices();
            WriteReport r = c.normalizeSlide(s.path(), dir.resolve(STEP_OUTPUT), ch.method(), ch.kind(), ctx.budget(),
                    ctx.slideOptions(), TiffCommands.inJob(ctx), new PrintWriter(System.err, true));
            return r.levels().size();
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private Region parseRegion() {
        if (region == null) return null;
        String[] v = region.split(",");
        try {
            if (v.length != 4) throw new NumberFormatException();
            Region r = new Region(Integer.parseInt(v[0].trim()), Integer.parseInt(v[1].trim()),
                    Integer.parseInt(v[2].trim()), Integer.parseInt(v[3].trim()));
            if (r.isEmpty() || r.x() < 0 || r.y() < 0) throw new NumberFormatException();
            return r;
        } catch (IllegalArgumentException e) {
            throw usage("--region must be X,Y,W,H with X,Y >= 0 and W,H > 0: " + region);
        }
    }

    private void fitTarget(StainMethod m, PrintWriter err) throws Exception {
        Region r = parseRegion();
        StainProfile p = stain.fit(fit, r, m, run.slideOptions(), run.budget()).require(fit.toString());
        p.write(output);
        spec.commandLine().getOut().println(output + ": " + describe(p));
        spec.commandLine().getOut().flush();
    }

    /**
     * Normalizes one slide to the target and writes it: the command's work, also the job step's
     * per slide.
     */
    WriteReport normalizeSlide(Path input, Path output, StainMethod requested, StainOutput kind, MemoryBudget budget,
                               SlideOptions slideOptions, TiffCommands.Sink sink, PrintWriter err) throws Exception {
        StainMethod defaultMethod = requested == null ? StainMethod.MACENKO : requested;
        StainProfile t = stain.target(target, defaultMethod, slideOptions, budget, err);
        StainMethod m = requested != null ? requested : t.stainMethod();
        if (kind != StainOutput.RGB && m == StainMethod.REINHARD) throw usage("--output " + kind.id() + " needs --method macenko or vahadane");
        StainParameters p = stain.parameters(t);
        TiffWriteOptions options = tiffOptions();
        String name = input.getFileName().toString();
        WriteReport report;
        try (Slide slide = Slide.open(input, slideOptions)) {
            SlideStains.requireRgb(slide);
            long t0 = System.nanoTime();
            StainEstimate source = SlideStains.fit(slide, null, m, p, budget);
            double fitSeconds = (System.nanoTime() - t0) / 1e9;
            StainNormalizer normalizer;
            try {
                normalizer = StainNormalizer.create(m, source, t, p, kind, asFloat);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(target + ": " + e.getMessage(), e);
            }
            if (normalizer.warning() != null) {
                err.println("normalize: " + name + ": warning: " + normalizer.warning());
            } else {
                err.println(String.format(Locale.ROOT, "normalize: %s: source stains (fitted in %.1f s) %s", name, fitSeconds,
                        describe(source.profile())));
                if (sourceStains != null) source.profile().write(sourceStains);
            }
            err.flush();
            SlideMetadata sm = slide.metadata();
            WriteMetadata meta = kind == StainOutput.RGB ? WriteMetadata.from(sm)
                    : WriteMetadata.channels(List.of(kind == StainOutput.HEMATOXYLIN ? "Hematoxylin" : "Eosin"), sm.mppX(), sm.mppY())
                            .withMagnification(sm.magnification());
            if (meta.name() == null) meta = meta.withName(name);
            NormalizedSource src = new NormalizedSource(slide.levelSource(0), normalizer, budget);
            try {
                report = sink.write(src, output, options, meta);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
        return report;
    }

    static String describe(StainProfile p) {
        StringBuilder sb = new StringBuilder(p.method());
        if (p.hasStains()) {
            sb.append(String.format(Locale.ROOT, ", hematoxylin (%.3f, %.3f, %.3f), eosin (%.3f, %.3f, %.3f), max concentrations %.3f, %.3f",
                    p.hematoxylin()[0], p.hematoxylin()[1], p.hematoxylin()[2], p.eosin()[0], p.eosin()[1], p.eosin()[2],
                    p.maxConcentrations()[0], p.maxConcentrations()[1]));
        }
        sb.append(String.format(Locale.ROOT, ", CIELAB mean (%.1f, %.1f, %.1f) sd (%.1f, %.1f, %.1f), %d tissue pixels",
                p.labMean()[0], p.labMean()[1], p.labMean()[2], p.labStd()[0], p.labStd()[1], p.labStd()[2], p.pixels()));
        return sb.toString();
    }
}
