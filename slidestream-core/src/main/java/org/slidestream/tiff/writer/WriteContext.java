package org.slidestream.tiff.writer;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.SlideOptions;

/**
 * How a write runs: the run's memory budget (tile buffers in flight are reserved from it), the pool
 * tiles are computed and encoded on, how many of its threads to keep busy, progress, and whether
 * native codecs (libjpeg-turbo) may encode JPEG. The pool belongs to the caller; the writer never
 * shuts it down and never blocks inside it.
 */
public record WriteContext(MemoryBudget budget, ExecutorService pool, int threads, WriteProgress progress,
        boolean allowNatives) {

    public WriteContext {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(pool, "pool");
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1: " + threads);
        progress = progress == null ? WriteProgress.NONE : progress;
    }

    /** Natives allowed unless {@code -Dslidestream.natives=false}. */
    public WriteContext(MemoryBudget budget, ExecutorService pool, int threads, WriteProgress progress) {
        this(budget, pool, threads, progress, SlideOptions.nativesAllowedByDefault());
    }

    /** A context with its own pool of {@code threads} daemon threads and no progress reports. */
    public static WriteContext of(MemoryBudget budget, int threads) {
        return new WriteContext(budget, Executors.newFixedThreadPool(threads, daemonThreads()), threads, WriteProgress.NONE);
    }

    public WriteContext withProgress(WriteProgress p) {
        return new WriteContext(budget, pool, threads, p, allowNatives);
    }

    public WriteContext withNatives(boolean allow) {
        return new WriteContext(budget, pool, threads, progress, allow);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "tiff-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
