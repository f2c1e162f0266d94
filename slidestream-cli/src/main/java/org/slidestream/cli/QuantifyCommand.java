package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slidestream.cells.CellQuantifier;
import org.slidestream.cells.NucleiSegmenter;
import org.slidestream.cells.Progress;
import org.slidestream.cells.QuantifyOptions;
import org.slidestream.cells.Statistic;
import org.slidestream.cells.Workers;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slidestream quantify}: per-cell marker intensities, positions and shapes of a multiplex image, as AnnData. */
@Command(name = "quantify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure every cell of a label image in a multi-channel image (cells.h5ad, AnnData).",
                "For each cell of an integer label image on the image's pixel grid (any segmenter's output, uint8/16/32 TIFF "
                        + "or OME-TIFF; 0 is background) and each channel: the mean intensity (X) and the statistics of --stats "
                        + "(layers); area, centroid in pixels and µm, bounding box, eccentricity, solidity, extent and axis lengths "
                        + "(obs, scikit-image's definitions); centroids in obsm['spatial']; var named by channel. Tile by tile: "
                        + "memory is one accumulator per cell, not the image.",
                "Without a label image, --segment nuclei --channel DAPI finds nuclei by the classical method (Gaussian "
                        + "smoothing, Otsu's threshold, distance transform, seeds at its local maxima, seeded watershed) and "
                        + "writes them as a pyramidal label OME-TIFF first."},
        footer = {"", "Examples:",
                "  slidestream quantify registered/registered.ome.tif --cells mesmer_labels.tif -o cells.h5ad --stats median,std,max",
                "  slidestream quantify round0.ome.tif --segment nuclei --channel DAPI -o cells.h5ad    # also cells.nuclei.ome.tif"})
public final class QuantifyCommand implements Callable<Integer>, SlideCommand {
    /** What the job step writes into each slide's folder. */
    static final String STEP_OUTPUT = "cells.h5ad";
    static final String STEP_LABELS = "nuclei.ome.tif";

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Multi-channel image (OME-TIFF, e.g. 'register --merge' output).")
    Path image;

    @Option(names = "--cells", paramLabel = "LABELS", description = "Integer label image of the cells on the image's pixel grid (0 = background).")
    Path cells;

    @Option(names = "--segment", paramLabel = "nuclei", description = "Make the label image: 'nuclei' from --channel (instead of --cells).")
    String segment;

    @Option(names = "--channel", paramLabel = "NAME|INDEX", description = "The nuclear channel for --segment (default: DAPI).")
    String channel;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "CELLS.h5ad", description = "AnnData file to write (.h5ad).")
    Path output;

    @Option(names = "--labels-output", paramLabel = "LABELS.ome.tif",
            description = "Where --segment writes the nuclei (default: the output's name with .nuclei.ome.tif).")
    Path labelsOutput;

    @Option(names = "--stats", paramLabel = "S,...", split = ",",
            description = "Statistics besides the mean, each a layer: median, std, min, max, sum.")
    List<String> stats = new ArrayList<>();

    @Option(names = "--z", defaultValue = "0", paramLabel = "Z", description = "Focal plane of the image to measure (default: ${DEFAULT-VALUE}).")
    int z;

    @Option(names = "--t", defaultValue = "0", paramLabel = "T", description = "Time point of the image to measure (default: ${DEFAULT-VALUE}).")
    int t;

    @Option(names = "--sigma", defaultValue = "2", paramLabel = "PX", description = "--segment: Gaussian smoothing in pixels (default: ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--threshold", paramLabel = "V", description = "--segment: intensity threshold after smoothing (default: Otsu's over the whole image).")
    Double threshold;

    @Option(names = "--min-distance", defaultValue = "5", paramLabel = "PX",
            description = "--segment: smallest distance between two nuclei's seeds in pixels (default: ${DEFAULT-VALUE}).")
    int minDistance;

    @Option(names = "--overlap", defaultValue = "64", paramLabel = "PX",
            description = "--segment: context around each tile, at least the largest nucleus' diameter (default: ${DEFAULT-VALUE}).")
    int overlap;

    @Option(names = "--tile", defaultValue = "512", paramLabel = "PX", description = "Tile side read at a time (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override
    public int order() { return 95; }

    @Override
    public Integer call() throws Exception {
        check();
        Summary summary = new Summary();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads != null ? threads : TiffCommands.defaultThreads();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread th = new Thread(r, "quantify-worker");
            th.setDaemon(true);
            return th;
        });
        try (TileProgress progress = new TileProgress(err, "quantify")) {
            Path labels = labelsOutput != null ? labelsOutput : defaultLabels(output);
            Outcome o = quantify(image, output, labels, new Workers(pool, n, run.budget()), run.slideOptions(), progress::tiles);
            progress.close();
            PrintWriter out = spec.commandLine().getOut();
            if (o.segmented() != null) {
                out.println(String.format(Locale.ROOT, "%s: %,d nuclei (threshold %.4g)", o.segmented().labels(), o.segmented().nuclei(),
                        o.segmented().threshold()));
            }
            out.println(String.format(Locale.ROOT, "%s: %,d cells x %d channels", output, o.result().cells(), o.result().channels()));
            out.flush();
        } finally {
            pool.shutdownNow();
        }
        summary.print(err, run.budget());
        return Main.EXIT_OK;
    }

    /** The checks picocli cannot make, as usage errors (exit code 2). */
    void check() {
        checkOptions();
        if (cells == null && segment == null) throw usage("give either --cells LABELS or --segment nuclei");
    }

    /** What a job step checks before any slide is read (its label images may come from a manifest column). */
    void checkOptions() {
        if (cells != null && segment != null) throw usage("give either --cells LABELS or --segment nuclei, not both");
        if (segment != null && !segment.equalsIgnoreCase("nuclei")) throw usage("--segment: only 'nuclei' is known, not '" + segment + "'");
        if (segment == null && (channel != null || threshold != null)) throw usage("--channel and --threshold go with --segment nuclei");
        if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".h5ad")) throw usage("the output is AnnData: name it .h5ad, not " + output.getFileName());
        if (threads != null && threads < 1) throw usage("--threads must be >= 1");
        try {
            statistics();
        } catch (IllegalArgumentException e) {
            throw usage("--stats: " + e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec == null ? new CommandLine(this) : spec.commandLine(), message);
    }

    private List<Statistic> statistics() {
        List<Statistic> s = new ArrayList<>();
        for (String v : stats) if (!v.isBlank()) s.add(Statistic.parse(v));
        return s;
    }

    static Path defaultLabels(Path output) {
        String n = output.getFileName().toString();
        String stem = n.toLowerCase(Locale.ROOT).endsWith(".h5ad") ? n.substring(0, n.length() - 5) : n;
        return output.resolveSibling(stem + ".nuclei.ome.tif");
    }

    /** The label image written by --segment (or null) and the quantification. */
    record Outcome(NucleiSegmenter.Result segmented, CellQuantifier.Result result) {}

    /** One image: segment when asked, then measure; what the command and the job step both run. */
    Outcome quantify(Path imagePath, Path out, Path labelsOut, Workers w, SlideOptions slideOptions, Progress progress) throws IOException {
        QuantifyOptions qo = QuantifyOptions.defaults().withStatistics(statistics()).withPlane(z, t).withTileSize(tile);
        try (Slide img = Slide.open(imagePath, slideOptions)) {
            NucleiSegmenter.Result seg = null;
            Path labels = cells;
            Progress quantifyProgress = progress;
            if (segment != null) {
                int c = channelIndex(img);
                NucleiSegmenter.Options so = new NucleiSegmenter.Options(c, z, t, sigma, threshold, minDistance, overlap, tile);
                seg = NucleiSegmenter.segment(img, labelsOut, so, w, slideOptions.allowNatives(), (d, all) -> progress.work(d, 2 * all));
                labels = seg.labels();
                quantifyProgress = (d, all) -> progress.work(all + d, 2 * all);
            }
            if (!Files.exists(labels)) throw new IllegalArgumentException(labels + ": no such label image");
            try (Slide lab = Slide.open(labels, slideOptions)) {
                return new Outcome(seg, CellQuantifier.quantify(img, lab, out, qo, w, quantifyProgress));
            }
        }
    }

    private int channelIndex(Slide img) {
        String want = channel == null ? "DAPI" : channel;
        int c = img.metadata().channelIndex(want);
        if (c < 0 && want.matches("\\d+")) c = Integer.parseInt(want);
        if (c < 0 || c >= img.metadata().sizeC()) {
            List<String> names = img.metadata().channelNames();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < names.size(); i++) sb.append(i == 0 ? "" : ", ").append(i).append('=').append(names.get(i));
            throw new IllegalArgumentException(img.path().getFileName() + ": no channel '" + want + "' (channels: " + sb
                    + "); name the nuclear channel with --channel");
        }
        return c;
    }

    /** The job step's task: OUT/<slide>/cells.h5ad (and nuclei.ome.tif when segmenting). */
    static final class Task implements SlideTask {
        private final QuantifyCommand parsed;
        private final String[] args;

        Task(QuantifyCommand parsed, String[] args) {
            this.parsed = parsed;
            this.args = args;
        }

        @Override public String name() { return "quantify"; }

        @Override public String countColumn() { return "cells"; }

        @Override public Done completed(CohortSlide s, Path dir) {
            return Files.isRegularFile(dir.resolve(STEP_OUTPUT)) ? new Done(-1) : null;
        }

        @Override public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            QuantifyCommand c = Cohorts.forSlide(QuantifyCommand::new, parsed, args, s);
            if (c.cells == null && c.segment == null) {
                throw new IllegalArgumentException("no label image: give the step option 'cells' (a file, or a folder of <slide id>.tif "
                        + "label images), a manifest column 'cells', or 'segment: nuclei'");
            }
            if (c.cells != null) c.cells = labelsOf(c.cells, s.id());
            Workers w = new Workers(ctx.tilePool(), ctx.tileThreads(), ctx.budget());
            Outcome o = c.quantify(s.path(), dir.resolve(STEP_OUTPUT), dir.resolve(STEP_LABELS), w, ctx.slideOptions(), ctx::work);
            return o.result().cells();
        }
    }

    /** A slide's label image: {@code given} itself, or in a folder the first of {@code <id>.tif}, {@code .tiff}, {@code .ome.tif}, {@code _labels.tif}. */
    static Path labelsOf(Path given, String id) {
        if (!Files.isDirectory(given)) return given;
        for (String suffix : List.of(".ome.tif", ".ome.tiff", ".tif", ".tiff", "_labels.tif", ".labels.tif", "_mask.tif")) {
            Path p = given.resolve(id + suffix);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalArgumentException(given + ": no label image for slide " + id + " (looked for " + id + ".tif, .ome.tif, "
                + "_labels.tif and similar)");
    }

}
