package org.slidestream.pipeline;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Exception;
import org.slidestream.memory.MemoryBudgetExceededException;
import org.slidestream.slide.SlideException;

/** One-line descriptions of failures, for status.csv reasons and CLI error lines. */
public final class Failures {
    private Failures() {}

    public static String oneLine(Throwable ex) {
        Throwable t = unwrap(ex);
        String msg = switch (t) {
            case SlideException s -> s.getMessage();
            case FormatException f -> f.getMessage(); // already "file[:line:column]: what"
            case H5Exception h -> h.getMessage();
            case MemoryBudgetExceededException m -> m.getMessage();
            case NoSuchFileException n -> n.getFile() + ": no such file";
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            case FileSystemException f -> f.getFile() + ": " + (f.getReason() == null ? "file system error" : f.getReason());
            case FileNotFoundException f -> f.getMessage();
            case OutOfMemoryError o -> "out of memory (" + o.getMessage() + "); lower --max-memory or --workers, or raise the JVM heap";
            case IllegalArgumentException i when i.getMessage() != null -> i.getMessage();
            default -> t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        };
        return msg == null ? t.getClass().getSimpleName() : msg.replace('\n', ' ').replace('\r', ' ').strip();
    }

    /** The exception that says what went wrong, without wrappers added by executors and streams. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof UncheckedIOException || t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
