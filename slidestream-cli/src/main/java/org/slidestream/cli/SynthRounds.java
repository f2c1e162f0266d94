package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slidestream.register.SyntheticRounds;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.WriteContext;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code synth --rounds K}: synthetic fluorescence rounds with known transforms, for registration tests and benchmarks. */
final class SynthRounds {
    private SynthRounds() {}

    /** The options only {@code --rounds} reads. */
    static final class Options {
        @Option(names = "--channels", paramLabel = "C", defaultValue = "4",
                description = "With --rounds: channels per round, DAPI first (default ${DEFAULT-VALUE}).")
        int channels;

        @Option(names = "--max-rotation", paramLabel = "DEG", defaultValue = "12",
                description = "With --rounds: largest random rotation of a round, in degrees (default ${DEFAULT-VALUE}).")
        double maxRotation;

        @Option(names = "--max-shift", paramLabel = "PX", defaultValue = "60",
                description = "With --rounds: largest random translation, in pixels (default ${DEFAULT-VALUE}).")
        double maxShift;

        @Option(names = "--deformation", paramLabel = "PX", defaultValue = "6",
                description = "With --rounds: amplitude of the smooth non-rigid deformation, in pixels; 0 for rigid rounds (default ${DEFAULT-VALUE}).")
        double deformation;

        @Option(names = "--noise", paramLabel = "SIGMA", defaultValue = "250",
                description = "With --rounds: standard deviation of the Gaussian noise, in uint16 counts (default ${DEFAULT-VALUE}).")
        double noise;

        @Option(names = "--dropout", paramLabel = "P", defaultValue = "0.2",
                description = "With --rounds: probability that a marker channel of a round is missing (noise only) (default ${DEFAULT-VALUE}).")
        double dropout;
    }

    static int run(SynthCommand c, Summary summary) throws IOException {
        Options o = c.roundOptions;
        var cl = c.spec.commandLine();
        if (c.rounds < 1) throw new ParameterException(cl, "--rounds must be >= 1");
        if (c.from != null) throw new ParameterException(cl, "--from makes H&E slides; it does not go with --rounds");
        if (o.channels < 1) throw new ParameterException(cl, "--channels must be >= 1");
        if (!(o.dropout >= 0 && o.dropout <= 1)) throw new ParameterException(cl, "--dropout must be 0..1");
        if (c.width < 64 || c.height < 64) throw new ParameterException(cl, "--rounds needs --width and --height of at least 64");
        SyntheticRounds s = new SyntheticRounds(c.width, c.height, o.channels, c.rounds, c.seed,
                new SyntheticRounds.Variation(o.maxRotation, o.maxShift, o.deformation, o.noise, o.dropout));
        int n = c.threads != null ? c.threads : TiffCommands.defaultThreads();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "synth-worker");
            t.setDaemon(true);
            return t;
        });
        PrintWriter err = cl.getErr();
        List<Path> files;
        try (TileProgress progress = new TileProgress(err, "synth")) {
            WriteContext ctx = new WriteContext(c.run.budget(), pool, n, progress, c.run.slideOptions().allowNatives());
            files = s.write(c.output, "round", c.tiff.toOptions(Compression.DEFLATE, cl), ctx);
        } finally {
            pool.shutdownNow();
        }
        PrintWriter out = cl.getOut();
        for (int i = 0; i < files.size(); i++) {
            SyntheticRounds.Truth t = s.truths().get(i);
            out.printf(Locale.ROOT, "%s: %dx%d, %d channels, rotation %.2f deg, shift (%.1f, %.1f) px, deformation %.1f px, dropped %s%n",
                    files.get(i), c.width, c.height, o.channels, t.rotation(), t.tx(), t.ty(), t.deformation(), t.dropped());
        }
        out.println(c.output.resolve("truth.json") + ": true transforms");
        out.flush();
        summary.print(err, c.run.budget());
        return Main.EXIT_OK;
    }
}
