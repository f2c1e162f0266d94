package org.slidestream.memory;

import java.util.concurrent.atomic.AtomicBoolean;

/** Bytes held from a {@link MemoryBudget}; closing gives them back (once, idempotently). */
public final class Reservation implements AutoCloseable {
    private final MemoryBudget budget;
    private final long bytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    Reservation(MemoryBudget budget, long bytes) {
        this.budget = budget;
        this.bytes = bytes;
    }

    public long bytes() { return bytes; }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            budget.release(bytes);
        }
    }
}
