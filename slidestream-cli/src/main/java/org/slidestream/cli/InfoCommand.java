package org.slidestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideDescription;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.tiff.codec.Codecs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code slidestream info SLIDE [--json]}: levels, metadata and associated images of a slide;
 * {@code slidestream info --codecs}: which codec each compression uses and why.
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a slide's pyramid levels, pixel type, channels, resolution and associated images,",
                "or with --codecs which codec each compression uses (bundled native, system native or pure Java) and why.",
                "Examples: slidestream info CMU-1.svs --json; slidestream info --codecs"})
public final class InfoCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SLIDE", description = "Slide file (Aperio SVS, tiled TIFF/BigTIFF, OME-TIFF).")
    Path slide;

    @Option(names = "--codecs", description = "Print which codec each compression uses in this run (library, version, file) "
            + "and why; with --json as a list of objects (compression, codec, origin, location, reason).")
    boolean codecs;

    @Option(names = "--json", description = "Print JSON (keys: format, width, height, levels, mpp, magnification, "
            + "pixelType, sizeC, sizeZ, channels, associated).")
    boolean json;

    @Option(names = "--properties", description = "Also print every vendor property (in JSON: key 'properties').")
    boolean properties;

    @Mixin RunOptions run;

    @Spec CommandSpec spec;

    @Override public int order() { return 10; }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (codecs) {
            printCodecs(out);
            if (slide == null) return Main.EXIT_OK;
        } else if (slide == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required parameter: 'SLIDE' (or --codecs)");
        }
        try (Slide s = Slide.open(slide, run.slideOptions())) {
            Map<String, Object> info = SlideDescription.of(s, properties);
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
            } else {
                printText(out, s);
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }

    private void printCodecs(PrintWriter out) throws Exception {
        List<Codecs.Choice> choices = Codecs.report(run.slideOptions().allowNatives());
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(choices));
            out.flush();
            return;
        }
        for (Codecs.Choice c : choices) {
            out.printf(Locale.ROOT, "%-24s %s (%s)%n", c.compression() + ":", c.codec(), c.origin());
            out.printf(Locale.ROOT, "%-24s %s%n", "", c.location());
            out.printf(Locale.ROOT, "%-24s %s%n", "", c.reason());
        }
        out.flush();
    }

    private void printText(PrintWriter out, Slide s) {
        SlideMetadata m = s.metadata();
        LevelInfo l0 = s.level(0);
        out.printf(Locale.ROOT, "%s: %s, %d x %d, %s, %d channel%s (%s)%s%s%n", s.path().getFileName(), m.format(),
                l0.width(), l0.height(), m.pixelType().omeName(), m.sizeC(), m.sizeC() == 1 ? "" : "s",
                String.join(", ", m.channelNames()), m.sizeZ() > 1 ? ", " + m.sizeZ() + " z-sections" : "",
                m.sizeT() > 1 ? ", " + m.sizeT() + " time points" : "");
        out.printf(Locale.ROOT, "  resolution: %s; magnification: %s%n",
                m.mppX() == null ? "unknown" : String.format(Locale.ROOT, "%.4f x %.4f µm/px", m.mppX(), m.mppY()),
                m.magnification() == null ? "unknown" : String.format(Locale.ROOT, "%sx", trim(m.magnification())));
        out.println("  levels:");
        for (int i = 0; i < s.levelCount(); i++) {
            LevelInfo l = s.level(i);
            out.printf(Locale.ROOT, "    %d: %d x %d, downsample %s, tiles %d x %d%n", i, l.width(), l.height(),
                    trim(l.downsample()), l.tileWidth(), l.tileHeight());
        }
        out.println("  associated: " + (s.associatedImages().isEmpty() ? "none" : String.join(", ", s.associatedImages())));
        if (properties) {
            out.println("  properties:");
            new java.util.TreeMap<>(m.properties()).forEach((k, v) -> out.println("    " + k + " = " + v.replace("\n", " ")));
        }
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
