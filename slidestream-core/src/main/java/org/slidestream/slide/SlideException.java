package org.slidestream.slide;

import java.nio.file.Path;

/**
 * A slide cannot be opened or read. Unchecked, so it travels through tile pipelines and parallel
 * streams; the message names the file and says what is wrong in one line.
 */
public class SlideException extends RuntimeException {
    private final transient Path path;

    public SlideException(Path path, String problem) {
        this(path, problem, null);
    }

    public SlideException(Path path, String problem, Throwable cause) {
        super((path == null ? "" : path.getFileName() + ": ") + problem, cause);
        this.path = path;
    }

    /** The file concerned, or null. */
    public Path path() { return path; }
}
