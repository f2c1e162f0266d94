package org.slidestream.cli;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slidestream.stain.StainProfile;
import org.slidestream.view.ViewServer;
import org.slidestream.view.catalog.Catalog;
import org.slidestream.view.content.ViewContent;
import org.slidestream.view.report.StaticReport;
import org.slidestream.view.session.ViewSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code slidestream view PATH...}: a local web viewer of slides and run outputs. */
@Command(name = "view", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open slides and run outputs in a web browser: a cohort page per run (status.csv, sortable, failed first, "
                + "summary charts) and a deep-zoom page per slide with its layers (tissue contours, patch grid, annotations, "
                + "masks, attention, aligned images and registered rounds, channels).",
                "Example: slidestream view patches/ slides/ --port 8080"})
public final class ViewCommand implements Callable<Integer>, SlideCommand {
    /** The budget when none is given: tile caches and tiles in flight need little, and a small heap keeps the RSS low. */
    static final String DEFAULT_MEMORY = "256m";

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Output folders of any command (status.csv, register's transforms.json, one slide's outputs), folders of slides, or slide files.")
    List<Path> paths;

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0 serves the network).")
    String bind;

    @Option(names = "--tile-size", defaultValue = "254", description = "Deep Zoom tile size (default ${DEFAULT-VALUE}, as OpenSlide's Deep Zoom server).")
    int tileSize;

    @Option(names = "--overlap", defaultValue = "1", description = "Deep Zoom tile overlap in pixels (default ${DEFAULT-VALUE}).")
    int overlap;

    @Option(names = "--quality", defaultValue = "75", description = "JPEG quality of slide tiles (default ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = "--stain-target", paramLabel = "STAINS.json",
            description = "Add a stain-normalized layer to brightfield slides, normalized to this target (from 'normalize --fit').")
    Path stainTarget;

    @Option(names = "--annotations", paramLabel = "FILE_OR_DIR",
            description = "Annotations to show over the slides: one file, or a folder of <slide id>.geojson/.xml files.")
    Path annotations;

    @Option(names = "--export", paramLabel = "REPORT.html",
            description = "Write a self-contained static report instead of serving: each run's table and charts, each slide's overview with its "
                    + "overlays and its output pictures, all inlined (opens without a server or network).")
    Path export;

    @Option(names = "--overview-size", defaultValue = "800",
            description = "Longer side in pixels of each slide's overview in the report (default ${DEFAULT-VALUE}).")
    int overviewSize;

    @Mixin RunOptions run;

    @Spec CommandSpec spec;

    @Override public int order() { return 200; }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (run.maxMemory == null) run.maxMemory = DEFAULT_MEMORY;
        run.limitTileCache(64L << 20);
        Catalog catalog = Catalog.scan(paths);
        StainProfile target = stainTarget == null ? null : StainProfile.read(stainTarget);
        ViewSettings settings = new ViewSettings(run.slideOptions(), run.budget(), tileSize, overlap, quality, target, annotations);
        long cache = Math.min(64L << 20, run.budget().total() / 8);
        ViewContent content = new ViewContent(catalog, settings, cache, cache, 16);
        if (export != null) {
            try (content) {
                int total = catalog.slides().size();
                int[] done = {0};
                StaticReport.Written w = StaticReport.write(content, export, overviewSize,
                        id -> spec.commandLine().getErr().printf("report: [%d/%d] %s%n", ++done[0], total, id));
                out.printf("slidestream view: report of %d slide%s and %d run%s in %s (%.1f MB)%n", w.slides(), w.slides() == 1 ? "" : "s",
                        w.runs(), w.runs() == 1 ? "" : "s", w.file(), w.bytes() / 1e6);
                out.flush();
            }
            return Main.EXIT_OK;
        }
        ViewServer server;
        try {
            server = ViewServer.start(content, bind, port, null);
        } catch (Exception e) {
            content.close();
            if (e instanceof BindException || e.getCause() instanceof BindException || e.getMessage() != null && e.getMessage().contains("bind")) {
                throw new IllegalStateException("cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "); choose another --port");
            }
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
            content.close();
        }, "view-shutdown"));
        out.printf("slidestream view: %d slide%s, %d run%s at %s (Ctrl-C stops)%n", catalog.slides().size(),
                catalog.slides().size() == 1 ? "" : "s", catalog.cohorts().size(), catalog.cohorts().size() == 1 ? "" : "s", server.uri());
        out.flush();
        server.join();
        return Main.EXIT_OK;
    }
}
