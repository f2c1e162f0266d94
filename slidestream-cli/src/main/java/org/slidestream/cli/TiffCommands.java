package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.TileSource;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemorySize;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;
import org.slidestream.tiff.writer.WriteMetadata;
import org.slidestream.tiff.writer.WriteProgress;
import org.slidestream.tiff.writer.WriteReport;

/** What {@code convert} and {@code synth} share: writing one source with progress and a closing line. */
final class TiffCommands {
    private TiffCommands() {}

    /** Where a command's pyramidal TIFF goes: its own pool on the command line, the run's tile pool in a job. */
    @FunctionalInterface
    interface Sink {
        WriteReport write(TileSource source, Path out, TiffWriteOptions options, WriteMetadata metadata) throws IOException;
    }

    /** A job step's sink: the run's tile pool and budget, progress as the slide's work. */
    static Sink inJob(SlideContext ctx) {
        return (src, out, o, m) -> TiffWriter.write(src, out, o, m, new WriteContext(ctx.budget(), ctx.tilePool(),
                ctx.tileThreads(), ctx::work, ctx.slideOptions().allowNatives()));
    }

    static WriteReport write(String task, TileSource source, Path out, TiffWriteOptions options, WriteMetadata metadata,
                             MemoryBudget budget, boolean allowNatives, int threads, PrintWriter err) throws IOException {
        try (TileProgress progress = new TileProgress(err, task)) {
            return write(task, source, out, options, metadata, budget, allowNatives, threads, progress);
        }
    }

    /** Writes on a pool of its own, shut down with the write; {@code progress} may be null. */
    static WriteReport write(String task, TileSource source, Path out, TiffWriteOptions options, WriteMetadata metadata,
                             MemoryBudget budget, boolean allowNatives, int threads, WriteProgress progress) throws IOException {
        checkTiffName(out);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, task + "-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            return TiffWriter.write(source, out, options, metadata, new WriteContext(budget, pool, threads, progress, allowNatives));
        } finally {
            pool.shutdownNow();
        }
    }

    /** One line about the file written, for standard output. */
    static String describe(WriteReport r, TiffWriteOptions o) {
        ImageInfo l0 = r.levels().get(0);
        return String.format(Locale.ROOT, "%s: %dx%d, %d level%s, %s %s%s, %s", r.path(), l0.width(), l0.height(),
                r.levels().size(), r.levels().size() == 1 ? "" : "s", o.layout().name().toLowerCase(Locale.ROOT),
                o.compression().cliName(), r.bigTiff() ? ", BigTIFF" : "", MemorySize.format(r.bytes()));
    }

    static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** A TIFF written under another extension (.png, .jpg) would mislead every tool that opens it. */
    static void checkTiffName(Path out) {
        String n = out.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!(n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".btf") || n.endsWith(".tf8"))) {
            throw new IllegalArgumentException(out.getFileName() + ": the output is a TIFF: name it .tif, .tiff or .ome.tif");
        }
    }
}
