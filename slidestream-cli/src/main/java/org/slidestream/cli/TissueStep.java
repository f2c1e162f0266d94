package org.slidestream.cli;

/** Job step {@code tissue}: the {@code tissue} command per slide (mask.png, tissue.geojson, thumbnail.png). */
public final class TissueStep extends CommandStep<TissueCommand> {
    public TissueStep() {
        super("tissue", TissueCommand::new, TissueCommand.Task::new, c -> c.tissue.params());
    }
}
