package org.slidestream.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slidestream.synth.SyntheticSlide;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;
import org.slidestream.tiff.writer.WriteReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Try slidestream on a synthetic slide: writes a pyramidal OME-TIFF of synthetic H&E tissue, "
                + "detects tissue on it and cuts it into 256 px patches at 20x, printing where everything is.",
                "Nothing but a JDK is needed; it takes a few seconds."},
        footer = {"", "Example:", "  slidestream demo            # results in ./demo-output/"})
public final class DemoCommand implements Callable<Integer>, SlideCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "demo-output",
            description = "Folder for the slide and the results (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--size", paramLabel = "PX", defaultValue = "8192", description = "Side of the synthetic slide in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override public int order() { return 5; }

    @Override
    public Integer call() throws Exception {
        if (size < 1024) throw new CommandLine.ParameterException(spec.commandLine(), "--size must be at least 1024");
        Summary summary = new Summary();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(output);
        Path slide = output.resolve("synthetic-slide.ome.tif");
        int threads = Runtime.getRuntime().availableProcessors();
        err.println("1/3 writing a " + size + " x " + size + " synthetic slide (0.25 um/px, 40x) to " + slide);
        err.flush();
        WriteContext ctx = WriteContext.of(run.budget(), threads).withNatives(run.slideOptions().allowNatives());
        WriteReport r;
        try {
            r = TiffWriter.write(SyntheticSlide.procedural(size, size, 42), slide,
                    TiffWriteOptions.defaults().withCompression(Compression.JPEG), SyntheticSlide.writeMetadata(), ctx);
        } finally {
            ctx.pool().shutdown();
        }
        err.println("    " + r.levels().size() + " levels, " + (r.bytes() >> 20) + " MiB");
        String[] common = memoryArgs();
        err.println("2/3 detecting tissue (CLAM's method) -> " + output.resolve("tissue"));
        err.flush();
        int t = sub(common, "tissue", slide.toString(), "-o", output.resolve("tissue").toString(), "--method", "clam", "--a-t", "1", "--overwrite");
        err.println("3/3 cutting 256 px patches at 20x with at least 50 % tissue, saved as JPEG -> " + output.resolve("patches"));
        err.flush();
        int p = sub(common, "patch", slide.toString(), "-o", output.resolve("patches").toString(), "--method", "clam", "--a-t", "1", "--magnification", "20",
                "--size", "256", "--min-tissue", "0.5", "--save", "jpeg", "--overwrite");
        Path dir = output.resolve("patches").resolve("synthetic-slide").toAbsolutePath().normalize();
        out.println("Results:");
        out.println("  slide          " + slide.toAbsolutePath().normalize());
        out.println("  tissue mask    " + output.resolve("tissue/synthetic-slide/mask.png").toAbsolutePath().normalize()
                + " (contours: tissue.geojson, overlay: thumbnail.png)");
        out.println("  patches        " + dir.resolve("coords.h5") + " (CLAM/TRIDENT layout), patches.csv, patches/*.jpg");
        out.println("  patch overlay  " + dir.resolve("thumbnail.png"));
        out.println("Next: slidestream patch YOUR_SLIDES/ -o OUT --magnification 20 --size 256 --save npy   (slidestream patch --help)");
        out.flush();
        summary.print(err, run.budget());
        return t != 0 || p != 0 ? Main.EXIT_FAILED : Main.EXIT_OK;
    }

    private String[] memoryArgs() {
        return run.maxMemory == null ? new String[0] : new String[] {"--max-memory", run.maxMemory};
    }

    /** Runs another command of this program with the same output streams. */
    private int sub(String[] extra, String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of(extra));
        if (run.noNatives) all.add("--no-natives");
        CommandLine cl = Main.commandLine();
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        return cl.execute(all.toArray(String[]::new));
    }
}
