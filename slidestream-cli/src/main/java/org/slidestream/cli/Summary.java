package org.slidestream.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemorySize;
import org.slidestream.memory.PeakMemory;

/** The closing line every command prints: time taken and peak memory against the budget. */
public final class Summary {
    private final long startNanos = System.nanoTime();

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    public String line(MemoryBudget budget) {
        double s = elapsed().toNanos() / 1e9;
        return String.format(Locale.ROOT, "time %.1f s, peak memory %s (budget %s)", s,
                MemorySize.format(PeakMemory.peakBytes()), budget == null ? "default" : MemorySize.format(budget.total()));
    }

    public void print(PrintWriter err, MemoryBudget budget) {
        err.println(line(budget));
        err.flush();
    }
}
