package org.slidestream.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Inputs, output root and parallelism of a command that runs over a cohort. */
public final class CohortOptions {
    @Parameters(paramLabel = "SLIDE", arity = "1..*",
            description = "Slide files, folders (searched recursively) or manifests (.csv/.xlsx with a 'slide' column; "
                    + "other columns override options per slide, e.g. min_tissue).")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true,
            description = "Output folder: one subfolder per slide, and status.csv.")
    Path output;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1", description = "Slides processed at the same time (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for reading within slides, shared by all workers (default: the number of CPUs).")
    Integer threads;

    @Option(names = "--overwrite", description = "Redo slides whose outputs are already complete (default: skip them).")
    boolean overwrite;

    int threads() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    }
}
