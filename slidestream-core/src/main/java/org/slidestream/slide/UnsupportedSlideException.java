package org.slidestream.slide;

import java.nio.file.Path;

/** The file is valid but uses something this reader does not support (a format, a compression). */
public class UnsupportedSlideException extends SlideException {
    public UnsupportedSlideException(Path path, String problem) {
        super(path, problem);
    }

    public UnsupportedSlideException(Path path, String problem, Throwable cause) {
        super(path, problem, cause);
    }
}
