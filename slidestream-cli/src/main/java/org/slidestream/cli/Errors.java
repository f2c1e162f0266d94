package org.slidestream.cli;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.slidestream.memory.MemoryBudgetExceededException;
import org.slidestream.slide.SlideException;

/** Turns exceptions into the one-line messages the CLI prints (stack traces only with --debug). */
public final class Errors {
    private Errors() {}

    public static String oneLine(Throwable ex) {
        Throwable t = unwrap(ex);
        String msg = switch (t) {
            case SlideException s -> s.getMessage();
            case MemoryBudgetExceededException m -> m.getMessage();
            case NoSuchFileException n -> n.getFile() + ": no such file";
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            case FileSystemException f -> f.getFile() + ": " + (f.getReason() == null ? "file system error" : f.getReason());
            case FileNotFoundException f -> f.getMessage();
            case OutOfMemoryError o -> "out of memory (" + o.getMessage() + "); lower --max-memory or --workers, or raise the JVM heap";
            case IllegalArgumentException i when i.getMessage() != null -> i.getMessage();
            default -> t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        };
        return msg.replace('\n', ' ').strip();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof UncheckedIOException || t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
