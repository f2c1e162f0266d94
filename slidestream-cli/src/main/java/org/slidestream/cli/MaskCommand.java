package org.slidestream.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slidestream.annotation.Annotation;
import org.slidestream.annotation.AnnotationSet;
import org.slidestream.annotation.Annotations;
import org.slidestream.annotation.LabelMap;
import org.slidestream.annotation.LabelMask;
import org.slidestream.annotation.MaskResolution;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemorySize;
import org.slidestream.memory.Reservation;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.format.png.PngOptions;
import org.slidestream.format.png.PngWriter;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.Downsampling;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.WriteMetadata;
import org.slidestream.tiff.writer.WriteReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code slidestream mask}: a label mask of annotations, drawn tile by tile, as a pyramidal OME-TIFF or a PNG. */
@Command(name = "mask", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Draw annotations (ASAP XML, Aperio ImageScope XML, QuPath GeoJSON) as a uint8 label mask.",
                "The format is recognised from the content. The mask is drawn tile by tile in bounded memory at any resolution, "
                        + "with OpenCV fillPoly's pixels, and written as a pyramidal OME-TIFF (nearest-neighbour levels, so labels "
                        + "never mix) or, for small masks, a PNG. The slide gives only its size and pixel size; without a slide "
                        + "give --width and --height."},
        footer = {"", "Examples:",
                "  slidestream mask tumor_001.tif --annotations tumor_001.xml -o tumor_001_mask.tif --labels _0=1,_1=1",
                "  slidestream mask slide.svs --annotations slide.geojson -o mask.png --downsample 32 \\",
                "      --labels Tissue=1,Tumor=2,Necrosis=3 --priority Necrosis,Tumor,Tissue"})
public final class MaskCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SLIDE", description = "Slide the annotations belong to (for its size and pixel size).")
    Path slide;

    @Option(names = "--annotations", paramLabel = "FILE", description = "Annotation file: ASAP or Aperio XML, or GeoJSON (required).")
    Path annotations;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Mask to write: .tif/.tiff (pyramidal OME-TIFF) or .png.")
    Path output;

    @ArgGroup(exclusive = true)
    Resolution resolution;

    static final class Resolution {
        @Option(names = "--level", paramLabel = "L", description = "Draw at this pyramid level of the slide (default: level 0).")
        Integer level;

        @Option(names = "--downsample", paramLabel = "D", description = "Draw at this downsample of level 0 (a level when one matches).")
        Double downsample;

        @Option(names = "--mpp", paramLabel = "UM", description = "Draw at this many micrometres per pixel.")
        Double mpp;
    }

    @Option(names = "--labels", paramLabel = "CLASS=V,...",
            description = "Value of each class (1-255), e.g. Tissue=1,Tumor=2,Necrosis=3; classes left out are not drawn. "
                    + "Default: the classes with an area numbered 1, 2, ... in order of first appearance.")
    String labels;

    @Option(names = "--priority", paramLabel = "CLASS,...",
            description = "Which class wins where regions overlap, first wins, e.g. Necrosis,Tumor,Tissue. Default: the larger value wins.")
    String priority;

    @Option(names = "--hole-groups", paramLabel = "GROUP,...", defaultValue = "Exclusion,_2", split = ",",
            description = "ASAP groups whose regions are holes in the regions they overlap (default: ${DEFAULT-VALUE}, as CAMELYON).")
    List<String> holeGroups;

    @Option(names = "--png", description = "Write a PNG (also chosen by a .png output name); refused when the mask is larger than the memory budget.")
    boolean png;

    @Option(names = "--width", paramLabel = "W", description = "Level-0 width when no slide is given.")
    Long width;

    @Option(names = "--height", paramLabel = "H", description = "Level-0 height when no slide is given.")
    Long height;

    @Option(names = "--slide-mpp", paramLabel = "UM", description = "Level-0 micrometres per pixel when no slide is given (for --mpp and the output's metadata).")
    Double slideMpp;

    @Option(names = "--geojson", paramLabel = "FILE", description = "Also write the annotations as read (holes cut, repaired, clipped) as QuPath GeoJSON.")
    Path geojson;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Mixin TiffOutputOptions tiff;
    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override
    public int order() { return 70; }

    /** Level 0's size and pixel size, and the slide's levels (empty without a slide). */
    private record Geometry0(long width, long height, Double mpp, List<LevelInfo> levels, String name) {}

    @Override
    public Integer call() throws Exception {
        if (threads != null && threads < 1) throw usage("--threads must be >= 1");
        if (annotations == null) throw usage("--annotations is required: the annotation file to draw");
        boolean asPng = png || output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
        String lower = output.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!asPng && !(lower.endsWith(".tif") || lower.endsWith(".tiff"))) throw usage("the output must be .tif, .tiff or .png (or give --png): " + output);
        Summary summary = new Summary();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads != null ? threads : TiffCommands.defaultThreads();
        TiffCommands.Sink sink = asPng ? null
                : (src, out, o, m) -> TiffCommands.write("mask", src, out, o, m, run.budget(), run.slideOptions().allowNatives(), n, err);
        Drawn d = draw(slide, annotations, output, run.budget(), run.slideOptions(), sink, err);
        PrintWriter out = spec.commandLine().getOut();
        out.println(d.what() + "; " + d.mask().polygonCount() + " polygons; labels " + describe(d.map()));
        out.flush();
        summary.print(err, run.budget());
        return Main.EXIT_OK;
    }

    /** The lossless TIFF options of a label mask (nearest-neighbour levels); jpeg is a usage error. */
    TiffWriteOptions maskOptions() {
        TiffWriteOptions options = tiff.toOptions(Compression.DEFLATE, spec.commandLine()).withDownsampling(Downsampling.NEAREST);
        if (options.compression() == Compression.JPEG) throw usage("a label mask needs lossless compression (none, lzw, deflate or zstd), not jpeg");
        return options;
    }

    /** A mask drawn and written: what was written (one line), the mask and its labels. */
    record Drawn(String what, LabelMask mask, LabelMap map, WriteReport report) {}

    /**
     * Draws the annotations of one slide and writes the mask: the command's work, also the job
     * step's per slide. {@code tiffSink} writes the pyramidal TIFF; null writes a PNG.
     */
    Drawn draw(Path slidePath, Path annotationFile, Path out, MemoryBudget budget, SlideOptions slideOptions,
               TiffCommands.Sink tiffSink, PrintWriter err) throws Exception {
        TiffWriteOptions options = maskOptions();
        Geometry0 g = geometry0(slidePath, slideOptions);
        MaskResolution res = resolution(g);
        AnnotationSet set = Annotations.read(annotationFile, Set.copyOf(holeGroups)).clip(g.width(), g.height());
        LabelMap map;
        try {
            map = LabelMap.parse(labels, priority, set.areaClasses());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        for (String w : warnings(set, map, g)) err.println("warning: " + w);
        err.flush();
        if (geojson != null) {
            try (AtomicOutput o = AtomicOutput.file(geojson)) {
                set.writeGeoJson(o.path());
                o.commit();
            }
        }
        LabelMask mask = new LabelMask(set, map, res, options.tileSize());
        if (tiffSink == null) {
            writePng(mask, out, budget);
            return new Drawn(String.format(Locale.ROOT, "%s: %dx%d PNG", out, res.width(), res.height()), mask, map, null);
        }
        Double mx = g.mpp() == null ? null : g.mpp() * res.scaleX(), my = g.mpp() == null ? null : g.mpp() * res.scaleY();
        WriteMetadata meta = WriteMetadata.channels(List.of("labels"), mx, my).withName(annotationFile.getFileName().toString());
        WriteReport r = tiffSink.write(mask, out, options, meta);
        return new Drawn(TiffCommands.describe(r, options), mask, map, r);
    }

    private Geometry0 geometry0(Path slide, SlideOptions slideOptions) {
        if (slide != null) {
            if (width != null || height != null) throw usage("--width/--height are for masks without a slide; the slide gives its size");
            try (Slide s = Slide.open(slide, slideOptions)) {
                LevelInfo l0 = s.level(0);
                Double mpp = slideMpp != null ? slideMpp : s.metadata().mppX();
                return new Geometry0(l0.width(), l0.height(), mpp, s.levels(), slide.getFileName().toString());
            }
        }
        if (width == null || height == null) throw usage("give a SLIDE, or --width and --height of level 0");
        if (width < 1 || height < 1) throw usage("--width and --height must be positive");
        if (resolution != null && resolution.level != null && resolution.level != 0) throw usage("--level needs a slide (without one only level 0 exists)");
        return new Geometry0(width, height, slideMpp, List.of(), "level 0");
    }

    private MaskResolution resolution(Geometry0 g) {
        double d;
        if (resolution == null || resolution.level != null) {
            int l = resolution == null ? 0 : resolution.level;
            if (g.levels().isEmpty()) return MaskResolution.downsample(g.width(), g.height(), 1);
            if (l < 0 || l >= g.levels().size()) throw usage(g.name() + ": no level " + l + " (levels 0.." + (g.levels().size() - 1) + ")");
            LevelInfo li = g.levels().get(l);
            return MaskResolution.ofLevel(g.width(), g.height(), li.width(), li.height());
        } else if (resolution.downsample != null) {
            d = resolution.downsample;
            if (!(d >= 1)) throw usage("--downsample must be >= 1: " + d);
        } else {
            if (!(resolution.mpp > 0)) throw usage("--mpp must be positive");
            if (g.mpp() == null) throw usage(g.name() + " gives no pixel size: use --level or --downsample, or --slide-mpp");
            d = resolution.mpp / g.mpp();
            if (d < 1 - 1e-6) throw usage(String.format(Locale.ROOT, "--mpp %.4g is finer than level 0 (%.4g um/pixel)", resolution.mpp, g.mpp()));
            d = Math.max(1, d);
        }
        for (LevelInfo l : g.levels()) {
            if (Math.abs(l.downsample() - d) <= 1e-3 * d) return MaskResolution.ofLevel(g.width(), g.height(), l.width(), l.height());
        }
        return MaskResolution.downsample(g.width(), g.height(), d);
    }

    /** What the user should know: repairs, clipping, classes not drawn, points and lines, a pixel size that disagrees. */
    private static List<String> warnings(AnnotationSet set, LabelMap map, Geometry0 g) {
        List<String> w = new ArrayList<>(set.warnings());
        Set<String> notDrawn = new LinkedHashSet<>(set.areaClasses());
        notDrawn.removeAll(map.labels().keySet());
        if (!notDrawn.isEmpty()) w.add(set.source() + ": classes not in --labels are not drawn: " + String.join(", ", notDrawn));
        long noArea = set.annotations().stream().filter(a -> !a.hasArea()).count();
        if (noArea > 0) w.add(set.source() + ": " + noArea + " annotation" + (noArea == 1 ? "" : "s") + " without an area (points, lines) are not in the mask");
        Set<String> missing = new LinkedHashSet<>(map.labels().keySet());
        for (Annotation a : set.annotations()) missing.remove(a.className());
        if (!missing.isEmpty()) w.add(set.source() + ": no annotations of " + String.join(", ", missing));
        if (set.mpp() != null && g.mpp() != null && Math.abs(set.mpp() - g.mpp()) > 0.02 * g.mpp()) {
            w.add(String.format(Locale.ROOT, "%s: states %.4g um/pixel but the slide has %.4g; coordinates are taken as level-0 pixels",
                    set.source(), set.mpp(), g.mpp()));
        }
        return w;
    }

    private static String describe(LabelMap map) {
        List<String> parts = new ArrayList<>();
        map.labels().forEach((c, v) -> parts.add(c + "=" + v));
        return String.join(", ", parts) + " (priority " + String.join(" > ", map.priority()) + ")";
    }

    /** Streams the mask into a PNG in strips of rows; refused when the whole mask exceeds the budget. */
    static void writePng(LabelMask mask, Path file, MemoryBudget budget) throws IOException {
        int w = mask.info().width(), h = mask.info().height();
        long bytes = (long) w * h;
        if (bytes > budget.total()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: a %dx%d mask is %s, more than the memory budget (%s) a PNG reader would need to load it: write .tif, or choose a lower resolution",
                    file, w, h, MemorySize.format(bytes), MemorySize.format(budget.total())));
        }
        int rows = (int) Math.max(1, Math.min(h, (8L << 20) / w));
        try (AtomicOutput out = AtomicOutput.file(file);
             Reservation r = budget.reserve((long) rows * w, "a strip of the PNG mask")) {
            try (OutputStream os = Files.newOutputStream(out.path());
                 PngWriter pw = new PngWriter(os, w, h, 1, PixelType.UINT8, PngOptions.DEFAULT)) {
                for (int y = 0; y < h; y += rows) {
                    int n = Math.min(rows, h - y);
                    Raster strip = Raster.create(PixelType.UINT8, w, n, 1);
                    mask.read(0, new Region(0, y, w, n), strip);
                    pw.writeRows(strip);
                }
                pw.finish();
            }
            out.commit();
        }
    }

    /** Where a job's {@code mask} step writes each slide's mask. */
    static final String STEP_OUTPUT = "mask.ome.tif";
    /** Names an annotation file of a slide may have in a folder of annotations, tried in this order. */
    static final List<String> ANNOTATION_SUFFIXES = List.of(".geojson", ".xml", ".asap.xml", ".aperio.xml");

    /** The command per slide, for the job step {@code mask}: the slide's annotations drawn as {@value #STEP_OUTPUT}. */
    static final class Task implements SlideTask {
        private final MaskCommand parsed;
        private final String[] args;

        Task(MaskCommand parsed, String[] args) {
            this.parsed = parsed;
            this.args = args;
        }

        @Override public String name() { return "mask"; }

        @Override public String countColumn() { return "polygons"; }

        @Override public Done completed(CohortSlide s, Path dir) {
            return Files.isRegularFile(dir.resolve(STEP_OUTPUT)) ? new Done(-1) : null;
        }

        @Override public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            MaskCommand c = Cohorts.forSlide(MaskCommand::new, parsed, args, s);
            Path file = annotationsOf(c.annotations, s.id());
            PrintWriter warnings = new PrintWriter(System.err, true);
            Drawn d = c.draw(s.path(), file, dir.resolve(STEP_OUTPUT), ctx.budget(), ctx.slideOptions(), TiffCommands.inJob(ctx), warnings);
            return d.mask().polygonCount();
        }
    }

    /**
     * A slide's annotation file: {@code given} itself, or in a folder {@code given} the first of
     * {@code <id>.geojson}, {@code <id>.xml}, {@code <id>.asap.xml}, {@code <id>.aperio.xml}.
     */
    static Path annotationsOf(Path given, String id) {
        if (given == null) {
            throw new IllegalArgumentException("no annotations: give the step option 'annotations' (a file, or a folder of "
                    + "<slide id>.geojson or .xml files) or a manifest column 'annotations'");
        }
        if (Files.isDirectory(given)) {
            for (String suffix : ANNOTATION_SUFFIXES) {
                Path p = given.resolve(id + suffix);
                if (Files.isRegularFile(p)) return p;
            }
            throw new IllegalArgumentException(given + ": no annotation file for slide " + id + " (looked for " + id
                    + String.join(", " + id, ANNOTATION_SUFFIXES) + ")");
        }
        if (!Files.isRegularFile(given)) throw new IllegalArgumentException(given + ": no such annotation file");
        return given;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
