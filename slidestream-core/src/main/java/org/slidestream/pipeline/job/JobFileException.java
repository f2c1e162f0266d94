package org.slidestream.pipeline.job;

/**
 * A job file that cannot be run: unreadable YAML, an unknown step or option, a value of the wrong
 * type. The message starts with {@code file:line:column:} of the offending entry.
 */
public final class JobFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;

    public JobFileException(String file, int line, int column, String what) {
        super(file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + what);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public String file() { return file; }

    /** 1-based line of the entry, or 0 when unknown. */
    public int line() { return line; }

    public int column() { return column; }
}
