package org.slidestream.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slidestream.image.TileSource;
import org.slidestream.slide.Slide;
import org.slidestream.synth.SyntheticSlide;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.WriteReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code slidestream synth}: writes a synthetic H&E-like slide of any size as a pyramidal TIFF. */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a synthetic H&E-like slide (8-bit RGB, 0.25 um/pixel, 40-60 %% tissue) as a pyramidal TIFF,",
                "procedurally or as a mosaic of tissue patches of a real slide (--from). Deterministic for a seed; streams",
                "in bounded memory at any size (up to 200,000 x 200,000 and beyond)."},
        footer = {"", "Example:", "  slidestream synth -o big.ome.tif --width 100000 --height 80000 --compression jpeg --max-memory 512m"})
public final class SynthCommand implements Callable<Integer>, SlideCommand {

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.tif", description = "File to write.")
    Path output;

    @Option(names = "--width", required = true, paramLabel = "W", description = "Width in pixels.")
    int width;

    @Option(names = "--height", required = true, paramLabel = "H", description = "Height in pixels.")
    int height;

    @Option(names = "--from", paramLabel = "SLIDE", description = "Take tissue patches from this slide (8-bit RGB) instead of generating tissue.")
    Path from;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}); the same seed gives the same slide.")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--rounds", paramLabel = "K", description = "Instead: K synthetic multiplex fluorescence rounds (uint16, DAPI and markers) "
            + "with known random rigid and smooth non-rigid transforms, into the folder given by -o, with truth.json (see SynthRounds).")
    Integer rounds;

    @Mixin SynthRounds.Options roundOptions;

    @Mixin TiffOutputOptions tiff;
    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override
    public int order() { return 40; }

    @Override
    public Integer call() throws Exception {
        if (width < 1 || height < 1) throw new ParameterException(spec.commandLine(), "--width and --height must be positive");
        if (threads != null && threads < 1) throw new ParameterException(spec.commandLine(), "--threads must be >= 1");
        Summary summary = new Summary();
        if (rounds != null) return SynthRounds.run(this, summary);
        TiffWriteOptions options = tiff.toOptions(Compression.JPEG, spec.commandLine());
        int n = threads != null ? threads : TiffCommands.defaultThreads();
        WriteReport r;
        if (from == null) {
            TileSource src = SyntheticSlide.procedural(width, height, seed);
            r = TiffCommands.write("synth", src, output, options, SyntheticSlide.writeMetadata(), run.budget(),
                    run.slideOptions().allowNatives(), n, spec.commandLine().getErr());
        } else {
            try (Slide slide = Slide.open(from, run.slideOptions())) {
                TileSource src = SyntheticSlide.fromSlide(slide, width, height, seed);
                r = TiffCommands.write("synth", src, output, options, SyntheticSlide.writeMetadata(), run.budget(),
                        run.slideOptions().allowNatives(), n, spec.commandLine().getErr());
            }
        }
        spec.commandLine().getOut().println(TiffCommands.describe(r, options));
        spec.commandLine().getOut().flush();
        summary.print(spec.commandLine().getErr(), run.budget());
        return Main.EXIT_OK;
    }
}
