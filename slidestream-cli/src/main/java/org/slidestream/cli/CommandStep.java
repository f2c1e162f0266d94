package org.slidestream.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.pipeline.job.StepFactory;
import org.slidestream.pipeline.job.StepOption;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A job step made from a cohort command ({@code tissue}, {@code patch}, ...): its options are the
 * command's own (without the cohort's: inputs, output, workers, threads, overwrite, memory), with the
 * types picocli knows, and the task is the one the command runs per slide, so a step in a job file
 * and the command on the command line do exactly the same.
 *
 * @param <C> the command class
 */
abstract class CommandStep<C> implements StepFactory {
    /** Options a job sets for the whole run (engine, inputs, output), not per step. */
    static final Set<String> RUN_OPTIONS = Set.of("output", "workers", "threads", "overwrite", "max-memory",
            "no-natives", "help", "version", "debug");
    /** Stand-ins for the cohort arguments the command's parser requires; the engine gives the real ones. */
    static final List<String> COHORT_STANDINS = List.of("--output=.", "job-inputs");

    private final String name;
    private final Supplier<C> fresh;
    private final BiFunction<C, String[], SlideTask> task;
    private final Consumer<C> check;
    private final List<String> standins;
    private final List<StepOption> options;
    private final Map<String, OptionSpec> specs = new LinkedHashMap<>();

    CommandStep(String name, Supplier<C> fresh, BiFunction<C, String[], SlideTask> task, Consumer<C> check) {
        this(name, fresh, task, check, RUN_OPTIONS, COHORT_STANDINS);
    }

    /**
     * For a command whose options differ from a cohort command's: {@code excluded} are the option
     * names the step does not offer, {@code standins} the arguments its parser requires that the
     * engine gives per slide (the slide, the output).
     */
    CommandStep(String name, Supplier<C> fresh, BiFunction<C, String[], SlideTask> task, Consumer<C> check,
                Set<String> excluded, List<String> standins) {
        this.name = name;
        this.standins = List.copyOf(standins);
        this.fresh = fresh;
        this.task = task;
        this.check = check;
        List<StepOption> opts = new ArrayList<>();
        for (OptionSpec o : new CommandLine(fresh.get()).getCommandSpec().options()) {
            String n = o.longestName().replaceFirst("^--?", "");
            if (excluded.contains(n)) continue;
            specs.put(n, o);
            opts.add(option(n, o));
        }
        this.options = List.copyOf(opts);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        String[] d = new CommandLine(fresh.get()).getCommandSpec().usageMessage().description();
        return d.length == 0 ? name : d[0];
    }

    @Override
    public List<StepOption> options() {
        return options;
    }

    @Override
    public SlideTask create(Map<String, Object> values) {
        List<String> args = new ArrayList<>(standins);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            OptionSpec o = specs.get(e.getKey());
            if (o == null) throw new IllegalArgumentException("no option '" + e.getKey() + "'");
            if (isFlag(o)) {
                if (Boolean.TRUE.equals(e.getValue())) args.add(o.longestName());
            } else {
                args.add(o.longestName() + "=" + e.getValue());
            }
        }
        String[] argv = args.toArray(String[]::new);
        C cmd = fresh.get();
        try {
            new CommandLine(cmd).parseArgs(argv);
            check.accept(cmd);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new OwnOptions(task.apply(cmd, argv), specs.keySet());
    }

    private static boolean isFlag(OptionSpec o) {
        return o.arity().max() == 0;
    }

    private static StepOption option(String n, OptionSpec o) {
        Class<?> t = o.type();
        String d = o.description().length == 0 ? "" : o.description()[0];
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) return StepOption.integer(n, d);
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) return StepOption.number(n, d);
        if (t == boolean.class || t == Boolean.class) return StepOption.bool(n, d);
        if (t == java.nio.file.Path.class) return StepOption.path(n, d);
        if (t.isEnum()) {
            return StepOption.choice(n, d, java.util.Arrays.stream(t.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).toArray(String[]::new));
        }
        return StepOption.text(n, d);
    }

    /**
     * The command's task, seeing only the manifest columns that are this step's options: in a job of
     * several steps, a column such as {@code min-tissue} is for the step that has it.
     */
    private record OwnOptions(SlideTask task, Set<String> names) implements SlideTask {
        @Override public String name() { return task.name(); }

        @Override public String countColumn() { return task.countColumn(); }

        @Override public long tileCacheBytes() { return task.tileCacheBytes(); }

        @Override public Done completed(CohortSlide slide, java.nio.file.Path dir) { return task.completed(own(slide), dir); }

        @Override public long process(CohortSlide slide, java.nio.file.Path dir, SlideContext ctx) throws Exception {
            return task.process(own(slide), dir, ctx);
        }

        private CohortSlide own(CohortSlide s) {
            Map<String, String> o = new LinkedHashMap<>();
            s.options().forEach((k, v) -> {
                if (names.contains(k)) o.put(k, v);
            });
            return o.size() == s.options().size() ? s : new CohortSlide(s.id(), s.path(), o);
        }
    }
}
