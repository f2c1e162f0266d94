package org.slidestream.cli;

import org.slidestream.pipeline.Failures;

/** Turns exceptions into the one-line messages the CLI prints (stack traces only with --debug). */
public final class Errors {
    private Errors() {}

    public static String oneLine(Throwable ex) {
        return Failures.oneLine(ex);
    }
}
