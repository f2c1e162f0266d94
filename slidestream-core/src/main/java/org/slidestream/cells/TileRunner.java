package org.slidestream.cells;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slidestream.image.Region;
import org.slidestream.memory.Reservation;

/**
 * Runs one computation per tile on a pool, at most {@code 2 x threads} tiles in flight (each
 * reserving {@code bytesPerTile} of the budget), and hands the results to a consumer one at a
 * time in tile order, so that whatever they accumulate is the same for any number of threads.
 */
final class TileRunner {
    /** Work done on one tile, on a pool thread. */
    @FunctionalInterface
    interface Work<T> {
        T compute(Region tile) throws IOException;
    }

    /** Takes each tile's result in order, on the calling thread. */
    @FunctionalInterface
    interface Sink<T> {
        void accept(Region tile, T result) throws IOException;
    }

    private TileRunner() {}

    static <T> void run(List<Region> tiles, Workers w, long bytesPerTile, String what, Work<T> work, Sink<T> sink,
                        LongConsumer progress) throws IOException {
        int inFlight = Math.max(1, Math.min(2 * w.threads(), (int) Math.max(1, w.budget().total() / 4 / Math.max(1, bytesPerTile))));
        try (Reservation r = w.budget().reserve(inFlight * bytesPerTile, what + ": " + inFlight + " tiles in flight")) {
            Deque<CompletableFuture<T>> pending = new ArrayDeque<>();
            AtomicBoolean stop = new AtomicBoolean();
            int next = 0, done = 0;
            try {
                while (done < tiles.size()) {
                    while (next < tiles.size() && pending.size() < inFlight) {
                        Region tile = tiles.get(next++);
                        pending.add(CompletableFuture.supplyAsync(() -> {
                            if (stop.get()) return null;
                            try {
                                return work.compute(tile);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }, w.pool()));
                    }
                    T result = await(pending.poll());
                    sink.accept(tiles.get(done), result);
                    done++;
                    progress.accept(done);
                }
            } finally {
                stop.set(true);
                for (CompletableFuture<T> f : pending) f.handle((v, e) -> null).join();
            }
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IOException(c);
        }
    }
}
