package org.slidestream.memory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slidestream.image.Raster;

/**
 * A least-recently-used cache of decoded tiles bounded in bytes. Its capacity is reserved from the
 * run's {@link MemoryBudget} when the cache is made, so the budget accounts for it. Concurrent
 * requests for the same missing tile decode it once; decoding happens outside the cache's lock.
 *
 * <p>Cached rasters are shared between threads, so the cache holds and returns
 * {@linkplain Raster#readOnlyView() read-only views}: a caller copies from them.
 */
public final class TileCache implements AutoCloseable {
    private static final TileCache NONE = new TileCache();

    private final long capacity;
    private final Reservation reservation;
    private final LinkedHashMap<Object, Raster> entries = new LinkedHashMap<>(256, 0.75f, true);
    private final Map<Object, CompletableFuture<Raster>> loading = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private long size;

    private TileCache() {
        this.capacity = 0;
        this.reservation = null;
    }

    /** A cache of {@code capacityBytes}, reserved from {@code budget} for the cache's lifetime. */
    public TileCache(MemoryBudget budget, long capacityBytes) {
        this.capacity = capacityBytes;
        this.reservation = budget.reserve(capacityBytes, "tile cache");
    }

    /** A cache that holds nothing (every get decodes). */
    public static TileCache none() {
        return NONE;
    }

    public long capacity() { return capacity; }

    public long hits() { return hits.sum(); }

    public long misses() { return misses.sum(); }

    public synchronized long size() { return size; }

    /**
     * The tile for {@code key} (a read-only view), decoding it with {@code loader} when missing.
     * Exceptions from the loader propagate (unchecked ones unchanged) and nothing is cached for that key.
     */
    public Raster get(Object key, Supplier<Raster> loader) {
        if (capacity == 0) {
            misses.increment();
            return loader.get().readOnlyView();
        }
        synchronized (this) {
            Raster r = entries.get(key);
            if (r != null) {
                hits.increment();
                return r;
            }
        }
        misses.increment();
        CompletableFuture<Raster> mine = new CompletableFuture<>();
        CompletableFuture<Raster> other = loading.putIfAbsent(key, mine);
        if (other != null) {
            return await(other);
        }
        try {
            Raster r = loader.get().readOnlyView();
            put(key, r);
            mine.complete(r);
            return r;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loading.remove(key);
        }
    }

    /** The tile for {@code key} when it is cached (a read-only view, counted as a hit), else null; never decodes. */
    public Raster peek(Object key) {
        if (capacity == 0) return null;
        Raster r;
        synchronized (this) {
            r = entries.get(key);
        }
        if (r != null) hits.increment();
        return r;
    }

    private static Raster await(CompletableFuture<Raster> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a tile", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private synchronized void put(Object key, Raster r) {
        long bytes = r.byteSize();
        if (bytes > capacity / 4) {
            return; // never let one huge tile flush the cache
        }
        Raster old = entries.put(key, r);
        size += bytes - (old == null ? 0 : old.byteSize());
        Iterator<Raster> it = entries.values().iterator();
        while (size > capacity && it.hasNext()) {
            size -= it.next().byteSize();
            it.remove();
        }
    }

    /** Drops every entry whose key matches, for example all tiles of a slide being closed. */
    public synchronized void invalidate(Predicate<Object> keyMatches) {
        Iterator<Map.Entry<Object, Raster>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Object, Raster> e = it.next();
            if (keyMatches.test(e.getKey())) {
                size -= e.getValue().byteSize();
                it.remove();
            }
        }
    }

    /** Empties the cache and returns its reservation to the budget. */
    @Override
    public void close() {
        synchronized (this) {
            entries.clear();
            size = 0;
        }
        if (reservation != null) {
            reservation.close();
        }
    }
}
