package org.slidestream.format;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not valid for its format (a damaged header, invalid JSON, an unsupported type).
 * The message names the file and, where known, the line and column:
 * {@code "tissue.geojson:12:5: unsupported geometry type 'Curve'"}.
 *
 * <p>It is an {@link IOException} because every reader and writer in {@code format} reports I/O
 * failures that way, so callers handle "cannot read this file" in one place.
 */
public class FormatException extends IOException {
    private final transient Path file;
    private final int line;
    private final int column;

    public FormatException(Path file, String message) {
        this(file, -1, -1, message, null);
    }

    public FormatException(Path file, String message, Throwable cause) {
        this(file, -1, -1, message, cause);
    }

    public FormatException(Path file, int line, int column, String message, Throwable cause) {
        super(location(file, line, column) + message, cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    private static String location(Path file, int line, int column) {
        String name = file == null ? "<stream>" : file.toString();
        if (line > 0) name += ":" + line + (column > 0 ? ":" + column : "");
        return name + ": ";
    }

    /** The file, or null when the data came from a stream. */
    public Path file() { return file; }

    /** 1-based line of the problem, or -1 when it has no line (binary formats). */
    public int line() { return line; }

    /** 1-based column of the problem, or -1. */
    public int column() { return column; }
}
