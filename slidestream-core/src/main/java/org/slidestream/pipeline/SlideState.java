package org.slidestream.pipeline;

import java.util.Locale;

/** How one slide of a run ended. */
public enum SlideState {
    /** Processed now. */
    SUCCESS,
    /** Its outputs were already complete (a re-run); nothing was done. */
    SKIPPED,
    /** Could not be processed; the reason says why in one line. */
    FAILED;

    public String csvName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SlideState parse(String s) {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }
}
