package org.slidestream.cli;

import java.util.HashSet;
import java.util.Set;

/**
 * Job step {@code mask}: the {@code mask} command per slide (mask.ome.tif), the annotation file
 * found per slide from the option or manifest column {@code annotations} (a file, or a folder of
 * files named by slide id).
 */
public final class MaskStep extends CommandStep<MaskCommand> {
    public MaskStep() {
        super("mask", MaskCommand::new, MaskCommand.Task::new, MaskCommand::maskOptions, excluded(), COHORT_STANDINS);
    }

    /** The run's options, and those of a single mask that a per-slide step has no use for. */
    private static Set<String> excluded() {
        Set<String> s = new HashSet<>(RUN_OPTIONS);
        s.addAll(Set.of("png", "width", "height", "geojson"));
        return s;
    }
}
