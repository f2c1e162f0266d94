package org.slidestream.tiff.codec;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reuses objects that are costly to create and not thread-safe (ImageIO readers and writers, native
 * codec handles): a caller borrows one, uses it alone and gives it back. A pool rather than a
 * ThreadLocal, because tiles are decoded on pooled and virtual threads alike: a pool holds as many
 * objects as were ever in use at once, a ThreadLocal one per thread that ever decoded. Objects
 * beyond {@code maxIdle} are disposed of when returned.
 */
final class Pool<T> {
    private final ConcurrentLinkedDeque<T> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final Supplier<T> factory;
    private final Consumer<T> disposer;
    private final int maxIdle;

    Pool(Supplier<T> factory, Consumer<T> disposer) {
        this(factory, disposer, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    Pool(Supplier<T> factory, Consumer<T> disposer, int maxIdle) {
        this.factory = factory;
        this.disposer = disposer;
        this.maxIdle = maxIdle;
    }

    T borrow() {
        T t = idle.pollFirst();
        if (t == null) return factory.get();
        idleCount.decrementAndGet();
        return t;
    }

    void giveBack(T t) {
        if (idleCount.incrementAndGet() <= maxIdle) {
            idle.offerFirst(t); // most recently used first: its buffers are warm
        } else {
            idleCount.decrementAndGet();
            disposer.accept(t);
        }
    }

    /** Disposes of a borrowed object that must not be reused (after a failure that may have left it broken). */
    void discard(T t) {
        disposer.accept(t);
    }
}
