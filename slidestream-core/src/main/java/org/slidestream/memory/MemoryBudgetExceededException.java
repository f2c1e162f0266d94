package org.slidestream.memory;

/** A single request for more memory than the whole run's budget: it can never be satisfied. */
public final class MemoryBudgetExceededException extends RuntimeException {
    private final long needed;
    private final long budget;

    public MemoryBudgetExceededException(String what, long needed, long budget) {
        super(what + " needs " + MemorySize.format(needed) + " but the memory budget is "
                + MemorySize.format(budget) + " (raise --max-memory or request a smaller region)");
        this.needed = needed;
        this.budget = budget;
    }

    public long needed() { return needed; }

    public long budget() { return budget; }
}
