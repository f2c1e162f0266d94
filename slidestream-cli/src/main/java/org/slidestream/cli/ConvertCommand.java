package org.slidestream.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slidestream.slide.Slide;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.WriteMetadata;
import org.slidestream.tiff.writer.WriteReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slidestream convert}: any slide the readers open, rewritten as a pyramidal OME-TIFF or generic TIFF. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert a slide (SVS, generic TIFF, OME-TIFF, ...) to a pyramidal OME-TIFF or generic tiled TIFF.",
                "Reads full resolution once and builds every lower level from the level above; streams in bounded memory.",
                "All channels and Z planes are kept; physical pixel sizes, channel names and magnification are carried over."},
        footer = {"", "Example:", "  slidestream convert slide.svs -o slide.ome.tif --compression jpeg --quality 90"})
public final class ConvertCommand implements Callable<Integer>, SlideCommand {

    @Parameters(index = "0", paramLabel = "IN", description = "Slide to convert.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.tif", description = "File to write.")
    Path output;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Mixin TiffOutputOptions tiff;
    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override
    public int order() { return 30; }

    static final long CONVERT_TILE_CACHE = 32L << 20;

    @Override
    public Integer call() throws Exception {
        if (threads != null && threads < 1) throw new ParameterException(spec.commandLine(), "--threads must be >= 1");
        if (input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
            throw new ParameterException(spec.commandLine(), "the output would replace the input: choose another -o");
        }
        Summary summary = new Summary();
        TiffWriteOptions options = tiff.toOptions(Compression.DEFLATE, spec.commandLine());
        int n = threads != null ? threads : TiffCommands.defaultThreads();
        WriteReport r;
        // The writer reads each source tile once, in quadtree order: a small cache holds the tiles two
        // neighbouring output tiles share; a large one only churns the heap (GC was 18 % of convert's CPU).
        run.limitTileCache(CONVERT_TILE_CACHE);
        try (Slide slide = Slide.open(input, run.slideOptions())) {
            WriteMetadata m = WriteMetadata.from(slide.metadata());
            String name = input.getFileName().toString();
            if (m.name() == null) m = m.withName(name);
            try {
                r = TiffCommands.write("convert", slide.levelSource(0), output, options, m, run.budget(),
                        run.slideOptions().allowNatives(), n, spec.commandLine().getErr());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
        spec.commandLine().getOut().println(TiffCommands.describe(r, options));
        spec.commandLine().getOut().flush();
        summary.print(spec.commandLine().getErr(), run.budget());
        return Main.EXIT_OK;
    }
}
