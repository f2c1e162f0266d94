package org.slidestream.cli;

/**
 * A {@code slidestream} subcommand: a picocli {@code @Command} class registered as a service in
 * {@code META-INF/services/org.slidestream.cli.SlideCommand}, so that {@link Main} finds it.
 */
public interface SlideCommand {

    /** Position in {@code slidestream --help}: the pipeline's order (info 10, read 20, convert 30, ...). */
    int order();
}
