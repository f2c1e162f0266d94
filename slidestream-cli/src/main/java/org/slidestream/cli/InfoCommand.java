package org.slidestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideDescription;
import org.slidestream.slide.SlideMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code slidestream info SLIDE [--json]}: levels, metadata and associated images of a slide. */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a slide's pyramid levels, pixel type, channels, resolution and associated images.",
                "Example: slidestream info CMU-1.svs --json"})
public final class InfoCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", paramLabel = "SLIDE", description = "Slide file (Aperio SVS, tiled TIFF/BigTIFF, OME-TIFF).")
    Path slide;

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
