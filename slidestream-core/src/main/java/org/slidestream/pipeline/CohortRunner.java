package org.slidestream.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.PeakMemory;
import org.slidestream.slide.SlideOptions;

/**
 * Runs one {@link SlideTask} over a cohort: {@code workers} slides at a time, a shared pool of
 * threads for parallel work within slides, all under one memory budget. Each slide ends as
 * success, skipped (outputs already complete; {@code overwrite} redoes them) or failed with a
 * one-line reason; a failure never stops the other slides. {@code status.csv} in the output root is
 * rewritten atomically after every slide.
 */
public final class CohortRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CohortRunner.class);
    public static final String STATUS_FILE = "status.csv";

    private final int workers;
    private final int tileThreads;
    private final MemoryBudget budget;
    private final SlideOptions slideOptions;
    private final ExecutorService tilePool;

    /**
     * @param workers     slides processed at the same time
     * @param tileThreads threads for work within slides, shared by all slides
     */
    public CohortRunner(int workers, int tileThreads, MemoryBudget budget, SlideOptions slideOptions) {
        if (workers < 1 || tileThreads < 1) throw new IllegalArgumentException("workers and threads must be >= 1");
        this.workers = workers;
        this.tileThreads = tileThreads;
        this.budget = budget;
        this.slideOptions = slideOptions;
        this.tilePool = Executors.newFixedThreadPool(tileThreads, daemonThreads("tile"));
    }

    public RunReport run(List<CohortSlide> slides, SlideTask task, Path outRoot, boolean overwrite, ProgressListener listener)
            throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(outRoot);
        Path statusCsv = outRoot.resolve(STATUS_FILE);
        Map<String, SlideStatus> previous = StatusTable.read(statusCsv);
        Map<String, SlideStatus> current = new ConcurrentHashMap<>();
        List<String> order = slides.stream().map(CohortSlide::id).toList();
        SlideContext base = new SlideContext(budget, slideOptions, tilePool, tileThreads, listener, null);
        listener.runStarted(slides.size());
        ExecutorService slidePool = Executors.newFixedThreadPool(Math.min(workers, Math.max(1, slides.size())), daemonThreads("slide"));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (CohortSlide s : slides) {
                futures.add(slidePool.submit(() -> {
                    listener.slideStarted(s);
                    SlideStatus st = runOne(s, task, outRoot, overwrite, base.forSlide(s));
                    synchronized (current) {
                        current.put(s.id(), st);
                        writeStatus(statusCsv, previous, order, current, task.countColumn());
                    }
                    listener.slideFinished(s, st);
                }));
            }
            for (Future<?> f : futures) await(f);
        } finally {
            slidePool.shutdownNow();
        }
        List<SlideStatus> rows = order.stream().map(current::get).toList();
        RunReport report = new RunReport(rows, Duration.ofNanos(System.nanoTime() - start), PeakMemory.peakBytes());
        listener.runFinished(report);
        return report;
    }

    private SlideStatus runOne(CohortSlide s, SlideTask task, Path outRoot, boolean overwrite, SlideContext ctx) {
        long t0 = System.nanoTime();
        Path dir = outRoot.resolve(s.id());
        try {
            if (!overwrite) {
                SlideTask.Done done = task.completed(s, dir);
                if (done != null) {
                    return status(s, SlideState.SKIPPED, "outputs already complete (use --overwrite to redo)", done.count(), t0);
                }
            }
            Files.createDirectories(dir);
            AtomicOutput.deleteStale(dir);
            long n = task.process(s, dir, ctx);
            return status(s, SlideState.SUCCESS, "", n, t0);
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            LOG.debug("{} failed on {}", task.name(), s.path(), e);
            return status(s, SlideState.FAILED, Failures.oneLine(e), -1, t0);
        }
    }

    private static SlideStatus status(CohortSlide s, SlideState state, String reason, long count, long t0) {
        return new SlideStatus(s.id(), state, reason, count, (System.nanoTime() - t0) / 1e9, PeakMemory.peakBytes() >> 20);
    }

    private static void writeStatus(Path csv, Map<String, SlideStatus> previous, List<String> order,
                                    Map<String, SlideStatus> current, String countColumn) {
        try {
            StatusTable.write(csv, StatusTable.merge(previous, order, current), countColumn);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", csv, e.getMessage());
        }
    }

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            // runOne catches everything a slide can throw; what remains is a bug in the runner
            throw new IllegalStateException(e.getCause());
        }
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        tilePool.shutdownNow();
    }
}
