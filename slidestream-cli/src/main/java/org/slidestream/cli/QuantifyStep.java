package org.slidestream.cli;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Job step {@code quantify}: the {@code quantify} command per slide (cells.h5ad, and nuclei.ome.tif
 * with {@code segment: nuclei}); {@code cells} is one label image or a folder of them named by
 * slide id (also a manifest column).
 */
public final class QuantifyStep extends CommandStep<QuantifyCommand> {
    public QuantifyStep() {
        super("quantify", QuantifyCommand::new, QuantifyCommand.Task::new, QuantifyCommand::checkOptions, excluded(),
                List.of("--output=job.h5ad", "job-input"));
    }

    private static Set<String> excluded() {
        Set<String> s = new HashSet<>(RUN_OPTIONS);
        s.add("labels-output");
        return s;
    }
}
