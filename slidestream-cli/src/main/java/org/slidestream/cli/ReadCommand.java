package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.png.Png;
import org.slidestream.format.npy.NpyDtype;
import org.slidestream.format.npy.NpyWriter;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.RasterSource;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.WriteProgress;
import org.slidestream.tiff.writer.WriteMetadata;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemorySize;
import org.slidestream.memory.Reservation;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Resolution;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code slidestream read}: one region at a level or downsample, or an associated image, to a file.
 * Location in level-0 pixels and size in pixels of the chosen resolution (OpenSlide's convention).
 */
@Command(name = "read", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read a region (or an associated image) of a slide into an image file.",
                "Location in level-0 pixels, size in pixels of the chosen level or downsample (OpenSlide's convention).",
                "Output by extension: .png (8/16-bit gray or RGB), .jpg (8-bit), .npy (any pixel type, H x W or H x W x C), "
                        + ".tif (any pixel type, a one-level OME-TIFF with the pixel size).",
                "Example: slidestream read CMU-1.svs --location 1000,2000 --size 512,512 --level 0 -o region.png"})
public final class ReadCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", paramLabel = "SLIDE", description = "Slide file (Aperio SVS, tiled TIFF/BigTIFF, OME-TIFF).") Path slide;

    @Option(names = "--location", paramLabel = "X,Y", description = "Top-left corner in level-0 pixels (default 0,0).")
    String location = "0,0";

    @Option(names = "--size", paramLabel = "W,H", description = "Size in pixels of the chosen level or downsample "
            + "(default: the whole image at that resolution, if it fits the memory budget).")
    String size;

    static final class ResolutionOptions {
        @Option(names = "--level", paramLabel = "L", description = "Pyramid level (default 0).") Integer level;
        @Option(names = "--downsample", paramLabel = "D", description = "Any downsample of level 0: the best level is read and resampled by area averaging.") Double downsample;
    }

    @ArgGroup(exclusive = true) ResolutionOptions resolution;

    @Option(names = "--channel", paramLabel = "C", description = "Channel index or name (default: all channels).")
    String channel;

    @Option(names = "--z", paramLabel = "Z", description = "Z section (default 0).") int z;

    @Option(names = "--t", paramLabel = "T", description = "Time point (default 0).") int t;

    @Option(names = "--associated", paramLabel = "NAME", description = "Write an associated image (thumbnail, label, macro) instead of a region.")
    String associated;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file (.png, .jpg, .npy or .tif).")
    Path output;

    @Mixin RunOptions run;

    @Spec CommandSpec spec;

    @Override public int order() { return 20; }

    @Override
    public Integer call() throws Exception {
        Summary summary = new Summary();
        OutputKind kind = OutputKind.of(output).orElseThrow(() -> new ParameterException(spec.commandLine(),
                output + ": unsupported output extension (use .png, .jpg, .npy or .tif)"));
        PrintWriter err = spec.commandLine().getErr();
        try (Slide s = Slide.open(slide, run.slideOptions())) {
            if (associated != null) {
                if (!s.associatedImages().contains(associated)) {
                    throw new IllegalArgumentException(slide.getFileName() + ": no associated image '" + associated + "' (has: "
                            + (s.associatedImages().isEmpty() ? "none" : String.join(", ", s.associatedImages())) + ")");
                }
                Raster r = s.readAssociated(associated);
                write(r, kind, WriteMetadata.rgb(null, null));
                err.printf(Locale.ROOT, "%s: associated image '%s', %d x %d -> %s%n", slide.getFileName(), associated, r.width(), r.height(), output);
            } else {
                ReadRequest req = request(s);
                SlideMetadata m = s.metadata();
                int bands = req.plane().bands(m.sizeC());
                // as a long: a region beyond one Java array is refused by the budget, saying what it needs
                long bytes = (long) req.width() * req.height() * bands * m.pixelType().bytes();
                // the slide's tile cache already holds part of the budget, and nothing else would release
                // any while this one read waits: a region that does not fit beside it (with a few tiles
                // of room for the reader) fails at once instead of waiting forever
                var budget = run.budget();
                int l = levelRead(s, req);
                long tiles = 4L * s.level(l).tileWidth() * s.level(l).tileHeight() * m.sizeC() * m.pixelType().bytes();
                long free = budget.total() - budget.reserved();
                if (bytes <= budget.total() && bytes + tiles > free) {
                    throw new IllegalArgumentException(slide.getFileName() + ": a " + req.width() + "x" + req.height() + " region needs "
                            + MemorySize.format(bytes + tiles) + " but only " + MemorySize.format(free)
                            + " of the memory budget of " + MemorySize.format(budget.total())
                            + " is free beside the tile cache (raise --max-memory or request a smaller region)");
                }
                try (Reservation ignored = budget.reserve(bytes, slide.getFileName() + ": a " + req.width() + "x" + req.height() + " region")) {
                    Raster r = Raster.create(m.pixelType(), req.width(), req.height(), bands);
                    s.readRegion(req, r);
                    write(r, kind, regionMetadata(s, req));
                }
                err.printf(Locale.ROOT, "%s: %d x %d at (%d, %d), %s -> %s%n", slide.getFileName(), req.width(), req.height(),
                        req.x(), req.y(), switch (req.resolution()) {
                            case Resolution.Level(int level) -> "level " + level;
                            case Resolution.Downsample(double ds) -> "downsample " + ds;
                            default -> req.resolution().toString();
                        }, output);
            }
        }
        summary.print(err, run.budget());
        return Main.EXIT_OK;
    }

    private ReadRequest request(Slide s) {
        int[] xy = pair(location, "--location");
        int level = resolution == null || resolution.level == null ? 0 : resolution.level;
        Double ds = resolution == null ? null : resolution.downsample;
        if (ds != null && !(ds > 0)) throw new ParameterException(spec.commandLine(), "--downsample must be > 0: " + ds);
        if (ds == null && (level < 0 || level >= s.levelCount())) {
            throw new ParameterException(spec.commandLine(), slide.getFileName() + ": no level " + level + " (levels 0.." + (s.levelCount() - 1) + ")");
        }
        int[] wh;
        if (size != null) {
            wh = pair(size, "--size");
        } else {
            // the rest of the image from the location, at the chosen resolution
            double d = ds != null ? ds : s.level(level).downsample();
            wh = new int[] {(int) Math.ceil((s.level(0).width() - xy[0]) / d), (int) Math.ceil((s.level(0).height() - xy[1]) / d)};
        }
        if (wh[0] <= 0 || wh[1] <= 0) throw new ParameterException(spec.commandLine(), "--size must be positive: " + wh[0] + "," + wh[1]);
        SlideMetadata m = s.metadata();
        if (z < 0 || z >= m.sizeZ()) throw new ParameterException(spec.commandLine(), slide.getFileName() + ": no z section " + z + " (0.." + (m.sizeZ() - 1) + ")");
        if (t < 0 || t >= m.sizeT()) throw new ParameterException(spec.commandLine(), slide.getFileName() + ": no time point " + t + " (0.." + (m.sizeT() - 1) + ")");
        ReadRequest req = ds != null ? ReadRequest.atDownsample(ds, xy[0], xy[1], wh[0], wh[1])
                : ReadRequest.atLevel(level, xy[0], xy[1], wh[0], wh[1]);
        return req.withChannel(channelIndex(m)).withZ(z).withT(t);
    }

    private int channelIndex(SlideMetadata m) {
        if (channel == null) return Plane.ALL_CHANNELS;
        int byName = m.channelIndex(channel);
        if (byName >= 0) return byName;
        try {
            int c = Integer.parseInt(channel.trim());
            if (c >= 0 && c < m.sizeC()) return c;
        } catch (NumberFormatException e) {
            // not an index either: fall through to the error
        }
        throw new ParameterException(spec.commandLine(), slide.getFileName() + ": no channel '" + channel + "' (channels: 0.."
                + (m.sizeC() - 1) + ", " + String.join(", ", m.channelNames()) + ")");
    }

    private int[] pair(String text, String option) {
        String[] p = text.split(",");
        try {
            if (p.length == 2) return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), option + " takes two integers A,B: '" + text + "'");
    }

    /** The level a read takes its pixels from. */
    private static int levelRead(Slide s, ReadRequest req) {
        return req.resolution() instanceof Resolution.Level(int level) ? level : s.bestLevelForDownsample(downsample(s, req));
    }

    /** Level-0 pixels per pixel read (the command reads at a level or a downsample). */
    private static double downsample(Slide s, ReadRequest req) {
        return switch (req.resolution()) {
            case Resolution.Level(int level) -> s.level(level).downsample();
            case Resolution.Downsample(double ds) -> ds;
            default -> throw new IllegalStateException("read takes --level or --downsample, not " + req.resolution());
        };
    }

    /** The slide's metadata for the region: the channels read, the pixel size at the chosen resolution. */
    private static WriteMetadata regionMetadata(Slide s, ReadRequest req) {
        SlideMetadata m = s.metadata();
        double d = downsample(s, req);
        Double mx = m.mppX() == null ? null : m.mppX() * d, my = m.mppY() == null ? null : m.mppY() * d;
        Double mag = m.magnification() == null ? null : m.magnification() / d;
        WriteMetadata full = WriteMetadata.from(m);
        boolean one = !req.plane().allChannels();
        return new WriteMetadata(one ? java.util.List.of(m.channelNames().get(req.plane().c())) : m.channelNames(),
                full.rgb() && !one, mx, my, m.mppZ(), mag, full.name());
    }

    private void write(Raster r, OutputKind kind, WriteMetadata metadata) throws IOException {
        switch (kind) {
            case PNG, JPEG -> {
                boolean eightBit = r.type() == PixelType.UINT8;
                boolean fits = (r.bands() == 1 || r.bands() == 3) && (eightBit || (kind == OutputKind.PNG && r.type() == PixelType.UINT16));
                if (!fits) {
                    throw new IllegalArgumentException(output.getFileName() + ": " + kind.name() + " cannot hold " + r.bands() + " band(s) of "
                            + r.type().omeName() + (r.bands() > 1 ? " (choose one with --channel, or write .tif or .npy)" : " (write .tif or .npy)"));
                }
                ImageFiles.Options options = new ImageFiles.Options(ImageFiles.Options.DEFAULT.png(), 90,
                        ImageFiles.Options.DEFAULT.jpegChroma(), run.slideOptions().allowNatives());
                try (AtomicOutput out = AtomicOutput.file(output)) {
                    if (kind == OutputKind.PNG) {
                        // streamed row by row (whole-buffer compression only for small images): a few rows of memory
                        Png.write(r, out.path(), options.png(), options.allowNatives());
                    } else {
                        // JPEG encoders take the whole image: a native copy of it, the output bound and the
                        // result. The region itself holds budget that only this thread releases: no waiting.
                        long need = 3 * r.byteSize();
                        String what = "the JPEG encoder's buffers for " + r.width() + "x" + r.height() + " pixels";
                        Reservation enc;
                        try {
                            enc = run.budget().tryReserve(need, what, 0, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted", e);
                        }
                        if (enc == null) {
                            throw new IllegalArgumentException(output.getFileName() + ": " + what + " need "
                                    + MemorySize.format(need) + " beside the region, more than the memory budget of "
                                    + MemorySize.format(run.budget().total())
                                    + " has free (raise --max-memory, or write .png or .tif, which stream)");
                        }
                        try (enc) {
                            Files.write(out.path(), ImageFiles.encode(r, ImageFiles.Format.JPEG, options));
                        }
                    }
                    out.commit();
                }
            }
            case NPY -> {
                long[] rowShape = r.bands() == 1 ? new long[] {r.width()} : new long[] {r.width(), r.bands()};
                try (NpyWriter npy = NpyWriter.create(output, NpyDtype.of(r.type()), rowShape)) {
                    npy.append(r.array());
                    npy.commit();
                }
            }
            case TIFF -> {
                // one level: no pyramid below the region itself
                TiffWriteOptions o = TiffWriteOptions.defaults().withMinLevelSide(Math.max(r.width(), r.height()));
                TiffCommands.write("read", RasterSource.of(r), output, o, metadata, run.budget(),
                        run.slideOptions().allowNatives(), 1, (WriteProgress) null);
            }
        }
    }

    enum OutputKind {
        PNG, JPEG, NPY, TIFF;

        static java.util.Optional<OutputKind> of(Path p) {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".png")) return java.util.Optional.of(PNG);
            if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return java.util.Optional.of(JPEG);
            if (n.endsWith(".npy")) return java.util.Optional.of(NPY);
            if (n.endsWith(".tif") || n.endsWith(".tiff")) return java.util.Optional.of(TIFF);
            return java.util.Optional.empty();
        }
    }
}
