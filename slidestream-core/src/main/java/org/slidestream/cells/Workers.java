package org.slidestream.cells;

import java.util.concurrent.ExecutorService;
import org.slidestream.memory.MemoryBudget;

/**
 * Where tile work runs: a pool, how many of its threads one image may use, and the budget that
 * tiles in flight and per-cell tables reserve from.
 */
public record Workers(ExecutorService pool, int threads, MemoryBudget budget) {
    public Workers {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
    }
}
