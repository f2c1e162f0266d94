package org.slidestream.cli;

/** Job step {@code patch}: the {@code patch} command per slide (coords.h5, patches.csv, optional images). */
public final class PatchStep extends CommandStep<PatchCommand> {
    public PatchStep() {
        super("patch", PatchCommand::new, PatchCommand.Task::new, c -> {
            c.patch.spec();
            c.patch.saveMode();
            c.patch.tissue.params();
            c.patch.stains.check(c.patch.saveMode());
        });
    }
}
