package org.slidestream.slide;

import java.nio.file.Path;

/** The file is damaged: truncated, inconsistent tags, offsets past its end, undecodable tiles. */
public class CorruptSlideException extends SlideException {
    public CorruptSlideException(Path path, String problem) {
        super(path, problem);
    }

    public CorruptSlideException(Path path, String problem, Throwable cause) {
        super(path, problem, cause);
    }
}
