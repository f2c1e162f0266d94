package org.slidestream.register;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slidestream.format.ImageFiles;
import org.slidestream.format.csv.Csv;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;
import org.slidestream.tiff.writer.WriteMetadata;

/**
 * Registers moving rounds to a reference round and writes, in the output folder:
 * {@code <round>.registered.ome.tif} (or one {@code registered.ome.tif} with {@code merge}),
 * {@code <round>.qc.png}, optionally {@code <round>.qc.ome.tif}, {@code transforms.json} and
 * {@code metrics.csv}. Rounds are registered one after the other, each within the run's memory
 * budget; a round that fails (no nuclear channel, no overlap, unreadable) is reported with its
 * reason and the others go on.
 */
public final class RegisterJob {

    /**
     * @param channel     the nuclear channel, by name or index, in every round
     * @param qcSide      longer side of the QC images, in pixels
     * @param qcFull      also write full-resolution QC as a pyramidal OME-TIFF per round
     * @param writeImages write the registered rounds (off: transforms, QC and metrics only)
     */
    public record Options(String channel, RegistrationOptions registration, boolean merge, int qcSide, boolean qcFull,
                          boolean writeImages, TiffWriteOptions tiff, int threads) {
        public Options {
            if (qcSide < 16) throw new IllegalArgumentException("QC side must be >= 16 pixels");
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        }
    }

    /** The figures of one registered round (NaN where not computed). */
    public record Metrics(double nccBefore, double nccAfter, double diceBefore, double diceAfter, double treUm, double trePx,
                          int matchedPatches, double rotation, double scale, double tx, double ty) {}

    /** How one round ended: {@code success} or {@code failed} with a one-line reason. */
    public record RoundStatus(String name, Path path, String status, String reason, List<String> warnings, Metrics metrics, double seconds) {
        public boolean ok() { return "success".equals(status); }
    }

    /** Where messages (warnings, one line per finished round) go. */
    @FunctionalInterface
    public interface Listener {
        void message(String line);
    }

    private final Options options;
    private final SlideOptions slideOptions;
    private final Listener listener;

    public RegisterJob(Options options, SlideOptions slideOptions, Listener listener) {
        this.options = options;
        this.slideOptions = slideOptions;
        this.listener = listener;
    }

    /** Round name of a file: its name up to the first dot ({@code r1.ome.tif} gives {@code r1}). */
    public static String roundName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.indexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /**
     * Runs the registration.
     *
     * @throws IllegalArgumentException when the reference has no such channel
     * @throws IOException              when the shared outputs cannot be written
     */
    public List<RoundStatus> run(Path referencePath, List<Path> movingPaths, Path out) throws IOException {
        Files.createDirectories(out);
        MemoryBudget budget = slideOptions.budget();
        List<RoundStatus> statuses = new ArrayList<>();
        List<Transforms.Round> entries = new ArrayList<>();
        List<Slide> open = new ArrayList<>();
        List<Pyramid> merged = new ArrayList<>();
        List<RoundTransform> mergedTransforms = new ArrayList<>();
        List<String> mergedNames = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "register-writer");
            t.setDaemon(true);
            return t;
        });
        try (Slide refSlide = Slide.open(referencePath, slideOptions)) {
            Pyramid ref = Pyramid.of(refSlide);
            int refCh = ref.channelIndex(options.channel());
            if (refCh < 0) {
                throw new IllegalArgumentException(referencePath.getFileName() + ": no channel '" + options.channel()
                        + "' in the reference (channels: " + channelList(ref) + ")");
            }
            String refName = roundName(referencePath);
            Transforms.Image refImage = new Transforms.Image(refName, referencePath.toString(), ref.width(), ref.height(), ref.mppX(), ref.mppY());
            Registration registration = new Registration(ref, refCh, options.registration(), budget);
            WriteContext ctx = new WriteContext(budget, pool, options.threads(), null, slideOptions.allowNatives());
            Set<String> names = new HashSet<>(List.of(refName));
            merged.add(ref);
            mergedTransforms.add(null);
            mergedNames.add(refName);
            try (QualityControl qc = new QualityControl(ref, refCh, options.qcSide(), budget)) {
                for (Path p : movingPaths) {
                    String name = unique(roundName(p), names);
                    long t0 = System.nanoTime();
                    List<String> warnings = new ArrayList<>();
                    try {
                        Slide s = Slide.open(p, slideOptions);
                        boolean keep = false;
                        try {
                            Pyramid mov = Pyramid.of(s);
                            RoundResult r = round(name, ref, refName, mov, registration, qc, out, ctx, warnings);
                            double secs = (System.nanoTime() - t0) / 1e9;
                            statuses.add(new RoundStatus(name, p, "success", null, List.copyOf(warnings), r.metrics(), secs));
                            entries.add(new Transforms.Round(image(name, p, mov), "success", null, r.transform()));
                            if (options.merge() && options.writeImages()) {
                                if (mov.pixelType() != ref.pixelType()) {
                                    warn(warnings, name + ": left out of the merged image: pixel type " + mov.pixelType().omeName()
                                            + " differs from the reference's " + ref.pixelType().omeName());
                                } else {
                                    merged.add(mov);
                                    mergedTransforms.add(r.transform());
                                    mergedNames.add(name);
                                    open.add(s);
                                    keep = true;
                                }
                            }
                            listener.message(String.format(Locale.ROOT, "%s: registered in %.1f s (NCC %.3f -> %.3f, Dice %.3f -> %.3f, TRE %s)",
                                    name, secs, r.metrics().nccBefore(), r.metrics().nccAfter(), r.metrics().diceBefore(),
                                    r.metrics().diceAfter(), tre(r.metrics())));
                        } finally {
                            if (!keep) s.close();
                        }
                    } catch (RuntimeException | IOException e) {
                        String reason = oneLine(e);
                        statuses.add(new RoundStatus(name, p, "failed", reason, List.copyOf(warnings), null, (System.nanoTime() - t0) / 1e9));
                        entries.add(new Transforms.Round(new Transforms.Image(name, p.toString(), 0, 0, null, null), "failed", reason, null));
                        listener.message(name + ": failed: " + reason);
                    }
                }
            }
            if (options.merge() && options.writeImages()) {
                writeMerged(ref, mergedNames, merged, mergedTransforms, out, ctx);
            }
            Transforms.write(new Transforms.Set(refImage, List.copyOf(entries)), out.resolve("transforms.json"));
            writeMetrics(statuses, out.resolve("metrics.csv"));
            return List.copyOf(statuses);
        } finally {
            for (Slide s : open) s.close();
            pool.shutdownNow();
        }
    }

    private record RoundResult(RoundTransform transform, Metrics metrics) {}

    private RoundResult round(String name, Pyramid ref, String refName, Pyramid mov, Registration registration, QualityControl qc,
                              Path out, WriteContext ctx, List<String> warnings) throws IOException {
        int ch = mov.channelIndex(options.channel());
        if (ch < 0) {
            throw new RegistrationException(mov.name() + ": no nuclear channel '" + options.channel() + "' (channels: " + channelList(mov) + ")");
        }
        checkPixelSize(name, ref, mov, warnings);
        Registration.Result result = registration.register(mov, ch);
        for (String w : result.warnings()) warn(warnings, name + ": " + w);
        RoundTransform t = result.transform();
        QualityControl.RoundQc q = qc.evaluate(mov, ch, t);
        writePng(q.overlay(), out.resolve(name + ".qc.png"));
        double mpp = ref.mppX() == null ? Double.NaN : ref.mppX();
        Affine a = t.affine();
        Metrics m = new Metrics(q.nccBefore(), q.nccAfter(), q.diceBefore(), q.diceAfter(), result.medianTrePx() * mpp,
                result.medianTrePx(), result.matchedPatches(), a.rotationDegrees(), a.meanScale(), a.m02(), a.m12());
        if (q.diceAfter() < 0.2) {
            warn(warnings, String.format(Locale.ROOT, "%s: nuclei masks overlap little after registration (Dice %.2f); check %s.qc.png",
                    name, q.diceAfter(), name));
        }
        if (options.writeImages() && !options.merge()) {
            WarpedSource warped = new WarpedSource(mov, t, ref.width(), ref.height(), options.tiff().tileSize(), ctx.budget());
            TiffWriter.write(warped, out.resolve(name + ".registered.ome.tif"), options.tiff(),
                    WriteMetadata.channels(mov.channelNames(), ref.mppX(), ref.mppY()), ctx);
        }
        if (options.qcFull()) {
            TileSource full = qc.fullResolution(mov, ch, t, q.range());
            TiffWriter.write(full, out.resolve(name + ".qc.ome.tif"), options.tiff(),
                    WriteMetadata.rgb(ref.mppX(), ref.mppY()), ctx);
        }
        return new RoundResult(t, m);
    }

    private void checkPixelSize(String name, Pyramid ref, Pyramid mov, List<String> warnings) {
        if (ref.mppX() == null || mov.mppX() == null) {
            warn(warnings, name + ": pixel size unknown" + (ref.mppX() == null ? " for the reference" : "")
                    + "; assumed equal to the " + (ref.mppX() == null ? "round's" : "reference's"));
        } else if (Math.abs(ref.mppX() / mov.mppX() - 1) > 1e-3) {
            warn(warnings, String.format(Locale.ROOT, "%s: pixel size %.4g um differs from the reference's %.4g um; resampled using the physical size",
                    name, mov.mppX(), ref.mppX()));
        }
    }

    private void warn(List<String> warnings, String line) {
        warnings.add(line);
        listener.message("warning: " + line);
    }

    private void writeMerged(Pyramid ref, List<String> roundNames, List<Pyramid> rounds, List<RoundTransform> transforms, Path out,
                             WriteContext ctx) throws IOException {
        List<TileSource> sources = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            Pyramid p = rounds.get(i);
            String prefix = roundNames.get(i);
            sources.add(transforms.get(i) == null ? p.level(0)
                    : new WarpedSource(p, transforms.get(i), ref.width(), ref.height(), options.tiff().tileSize(), ctx.budget()));
            for (String c : p.channelNames()) names.add(prefix + "_" + c);
        }
        TiffWriter.write(new BandStack(sources, ref.pixelType(), options.tiff().tileSize()), out.resolve("registered.ome.tif"),
                options.tiff(), WriteMetadata.channels(names, ref.mppX(), ref.mppY()), ctx);
    }

    /** The bands of several sources of one size and type, side by side. */
    private record BandStack(List<TileSource> sources, ImageInfo info) implements TileSource {
        BandStack(List<TileSource> sources, org.slidestream.image.PixelType type, int tile) {
            this(sources, new ImageInfo(sources.getFirst().info().width(), sources.getFirst().info().height(),
                    sources.stream().mapToInt(s -> s.info().bands()).sum(), type, tile, tile));
        }

        @Override public void read(int plane, Region region, Raster dest) {
            int at = 0;
            for (TileSource s : sources) {
                Raster r = Raster.create(info.pixelType(), region.width(), region.height(), s.info().bands());
                s.read(Math.min(plane, s.planes() - 1), region, r);
                for (int b = 0; b < r.bands(); b++) {
                    for (int y = 0; y < region.height(); y++) {
                        for (int x = 0; x < region.width(); x++) {
                            dest.setAt((y * dest.width() + x) * info.bands() + at + b, r.getAt((y * region.width() + x) * r.bands() + b));
                        }
                    }
                }
                at += r.bands();
            }
        }
    }

    private void writePng(Raster overlay, Path file) throws IOException {
        try (AtomicOutput o = AtomicOutput.file(file)) {
            Files.write(o.path(), ImageFiles.encode(overlay, ImageFiles.Format.PNG, ImageFiles.Options.DEFAULT));
            o.commit();
        }
    }

    static void writeMetrics(List<RoundStatus> statuses, Path file) throws IOException {
        try (AtomicOutput o = AtomicOutput.file(file)) {
            try (Writer w = Files.newBufferedWriter(o.path(), StandardCharsets.UTF_8)) {
                Csv.writeRow(w, List.of("round", "status", "ncc_before", "ncc_after", "dice_before", "dice_after", "tre_um", "tre_px",
                        "matched_patches", "rotation_deg", "scale", "tx_px", "ty_px", "seconds", "reason"));
                for (RoundStatus s : statuses) {
                    Metrics m = s.metrics();
                    List<String> row = new ArrayList<>(List.of(s.name(), s.status()));
                    if (m == null) {
                        for (int i = 0; i < 11; i++) row.add("");
                    } else {
                        for (double v : new double[] {m.nccBefore(), m.nccAfter(), m.diceBefore(), m.diceAfter(), m.treUm(), m.trePx()}) row.add(num(v));
                        row.add(Integer.toString(m.matchedPatches()));
                        for (double v : new double[] {m.rotation(), m.scale(), m.tx(), m.ty()}) row.add(num(v));
                    }
                    row.add(String.format(Locale.ROOT, "%.2f", s.seconds()));
                    row.add(s.reason() == null ? "" : s.reason());
                    Csv.writeRow(w, row);
                }
            }
            o.commit();
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String tre(Metrics m) {
        if (Double.isNaN(m.trePx())) return "n/a";
        return Double.isNaN(m.treUm()) ? String.format(Locale.ROOT, "%.2f px", m.trePx())
                : String.format(Locale.ROOT, "%.2f um", m.treUm());
    }

    private static Transforms.Image image(String name, Path p, Pyramid m) {
        return new Transforms.Image(name, p.toString(), m.width(), m.height(), m.mppX(), m.mppY());
    }

    private static String channelList(Pyramid p) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < p.channelNames().size(); i++) l.add(i + "=" + p.channelNames().get(i));
        return String.join(", ", l);
    }

    private static String unique(String name, Set<String> used) {
        String n = name;
        for (int i = 2; !used.add(n); i++) n = name + "-" + i;
        return n;
    }

    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t instanceof UncheckedIOException && t.getCause() != null) t = t.getCause();
        String m = t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException n) m = n.getFile() + ": no such file";
        return (m == null ? t.getClass().getSimpleName() : m).replace('\n', ' ').strip();
    }
}
