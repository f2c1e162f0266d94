package org.slidestream.cli;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Job step {@code normalize}: the {@code normalize} command per slide (normalized.ome.tif). Its
 * option {@code output} is the command's {@code --output rgb|hematoxylin|eosin}; the file is the
 * step's own.
 */
public final class NormalizeStep extends CommandStep<NormalizeCommand> {
    public NormalizeStep() {
        super("normalize", NormalizeCommand::new, NormalizeCommand.Task::new, NormalizeCommand::checkStep, excluded(),
                List.of("-o", NormalizeCommand.STEP_OUTPUT, "job-inputs"));
    }

    /** The run's options (but {@code output}, here what to write), and those of fitting a target or of one file. */
    private static Set<String> excluded() {
        Set<String> s = new HashSet<>(RUN_OPTIONS);
        s.remove("output");
        s.addAll(Set.of("o", "fit", "region", "source-stains"));
        return s;
    }
}
