package org.slidestream.view.tile;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/**
 * Encoded tiles (JPEG, PNG bytes) by address, least recently used first out, bounded in bytes and
 * reserved from the run's budget. Concurrent requests for the same missing tile encode it once:
 * eight clients panning over the same view make each tile once.
 */
public final class EncodedTileCache implements AutoCloseable {
    private final long capacity;
    private final Reservation reservation;
    private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private final Map<String, CompletableFuture<byte[]>> making = new ConcurrentHashMap<>();
    private long size;

    public EncodedTileCache(MemoryBudget budget, long capacityBytes) {
        this.capacity = capacityBytes;
        this.reservation = budget.reserve(capacityBytes, "encoded tile cache");
    }

    public byte[] get(String key, Supplier<byte[]> maker) {
        synchronized (this) {
            byte[] b = entries.get(key);
            if (b != null) return b;
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> other = making.putIfAbsent(key, mine);
        if (other != null) return await(other);
        try {
            byte[] b = maker.get();
            put(key, b);
            mine.complete(b);
            return b;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            making.remove(key);
        }
    }

    private static byte[] await(CompletableFuture<byte[]> f) {
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

    private synchronized void put(String key, byte[] b) {
        if (b.length > capacity / 16) return;
        byte[] old = entries.put(key, b);
        size += b.length + key.length() - (old == null ? 0 : old.length + key.length());
        Iterator<Map.Entry<String, byte[]>> it = entries.entrySet().iterator();
        while (size > capacity && it.hasNext()) {
            Map.Entry<String, byte[]> e = it.next();
            size -= e.getValue().length + e.getKey().length();
            it.remove();
        }
    }

    public synchronized long size() {
        return size;
    }

    @Override
    public void close() {
        synchronized (this) {
            entries.clear();
            size = 0;
        }
        reservation.close();
    }
}
