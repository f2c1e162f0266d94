package org.slidestream.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slidestream.pipeline.CohortInputs;
import org.slidestream.pipeline.CohortRunner;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.RunReport;
import org.slidestream.pipeline.SlideTask;
import picocli.CommandLine;

/** Runs a {@link SlideTask} over a cohort from the command line: progress, summary, exit code. */
final class Cohorts {
    private Cohorts() {}

    /** Exit code 0 when no slide failed, 1 when at least one did (its reason is in status.csv). */
    static int run(CommandLine cl, CohortOptions c, RunOptions run, SlideTask task, String unit) throws Exception {
        PrintWriter err = cl.getErr();
        if (c.workers < 1) throw new CommandLine.ParameterException(cl, "--workers must be >= 1");
        List<CohortSlide> slides = CohortInputs.resolve(c.inputs);
        if (slides.isEmpty()) {
            err.println("no slides found in " + c.inputs);
            err.flush();
            return Main.EXIT_FAILED;
        }
        CohortProgress progress = new CohortProgress(err, unit);
        RunReport report;
        try (CohortRunner runner = new CohortRunner(c.workers, c.threads(), run.budget(), run.slideOptions())) {
            report = runner.run(slides, task, c.output, c.overwrite, progress);
        }
        progress.printSummary(report, run.budget());
        err.println("outputs in " + c.output.toAbsolutePath().normalize() + " (status.csv: one row per slide)");
        err.flush();
        return report.anyFailed() ? Main.EXIT_FAILED : Main.EXIT_OK;
    }

    /**
     * The command's options for one slide: the command line parsed again with the slide's manifest
     * columns appended as {@code --name=value}, so any option can be overridden per slide.
     */
    /** This command's own arguments, for {@link #forSlide}: without the main command's options and the command's name. */
    static String[] ownArgs(CommandLine cl) {
        List<String> all = cl.getParseResult().originalArgs();
        String name = cl.getCommandName();
        int at = all.indexOf(name);
        List<String> own = new ArrayList<>(at >= 0 ? all.subList(at + 1, all.size()) : all);
        own.removeIf(a -> a.equals("--debug"));
        return own.toArray(String[]::new);
    }

    static <T> T forSlide(Supplier<T> fresh, T parsed, String[] originalArgs, CohortSlide s) {
        if (s.options().isEmpty()) return parsed;
        T cmd = fresh.get();
        List<String> args = new ArrayList<>(List.of(originalArgs));
        for (Map.Entry<String, String> e : s.options().entrySet()) args.add("--" + e.getKey() + "=" + e.getValue());
        CommandLine cl = new CommandLine(cmd);
        cl.setOverwrittenOptionsAllowed(true);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("manifest options " + s.options() + ": " + e.getMessage(), e);
        }
        return cmd;
    }
}
