package org.slidestream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slidestream.memory.MemoryBudgetExceededException;
import org.slidestream.slide.SlideException;

/**
 * Runs mutation-fuzz cases of a parser: each case must end normally or with a typed slide error of
 * one line (or a budget refusal), never another exception, an OutOfMemoryError or a hang. The case
 * count comes from the system property {@code slidestream.fuzz.cases} (the benchmark's long run).
 */
public final class MutationFuzz {
    private MutationFuzz() {}

    /** One case: given its seeded random source, prepares input and reads it; true when it read fully. */
    public interface Case {
        boolean run(int id, Random rnd) throws Exception;
    }

    /** Counts of a run. */
    public record Counts(int cases, int readFully, int typedErrors, double seconds) {}

    public static int cases(int ciDefault) {
        return Integer.getInteger("slidestream.fuzz.cases", ciDefault);
    }

    /**
     * Runs {@code cases} cases with seeds {@code seed + i}, each on its own thread with a 30 s limit;
     * prints and returns the counts. A case that throws anything but a typed error fails the test
     * with {@code describe}'s note on how to reproduce it.
     */
    public static Counts run(String name, int cases, long seed, Case c) throws InterruptedException {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-fuzz");
            t.setDaemon(true);
            return t;
        });
        int full = 0, typed = 0;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < cases; i++) {
                final int id = i;
                Future<Boolean> f = worker.submit(() -> {
                    try {
                        return c.run(id, new Random(seed + id));
                    } catch (SlideException | MemoryBudgetExceededException e) {
                        assertThat(e.getMessage()).as("one-line message").doesNotContain("\n");
                        return false;
                    }
                });
                try {
                    if (f.get(30, TimeUnit.SECONDS)) full++; else typed++;
                } catch (TimeoutException e) {
                    f.cancel(true);
                    fail(name + " fuzz case " + id + " (seed " + (seed + id) + ") did not finish in 30 s");
                } catch (ExecutionException e) {
                    StringWriter sw = new StringWriter();
                    e.getCause().printStackTrace(new PrintWriter(sw));
                    fail(name + " fuzz case " + id + " (seed " + (seed + id) + ") threw " + sw);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s fuzz: %d cases in %.1f s (%d read fully, %d typed errors)%n", name, cases, s, full, typed);
        assertThat(typed).as("mutations that were noticed").isPositive();
        return new Counts(cases, full, typed, s);
    }

    /**
     * A mutated copy: a truncation (12 %), or 1-4 changes, 70 % of them inside {@code hot} (the
     * structure: headers, tables), as single random bytes or 32-bit extremes in either byte order.
     */
    public static byte[] mutate(byte[] seed, int hot, Random rnd) {
        byte[] d = seed.clone();
        if (d.length == 0) return d;
        int kind = rnd.nextInt(100);
        if (kind < 12) return Arrays.copyOf(d, rnd.nextInt(d.length));
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            int pos = rnd.nextInt(100) < 70 ? rnd.nextInt(Math.max(1, Math.min(hot, d.length))) : rnd.nextInt(d.length);
            overwrite(d, pos, kind < 40, rnd);
        }
        return d;
    }

    /**
     * Overwrites {@code d} at {@code pos}: with a 32-bit extreme (0, 1, the largest, the file's
     * length...) in either byte order when {@code extreme} and it fits, else with one random byte.
     */
    public static void overwrite(byte[] d, int pos, boolean extreme, Random rnd) {
        if (extreme && pos + 4 <= d.length) {
            int[] extremes = {0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x10000, 0xFFFF, d.length, d.length - 1, 0x80000000};
            int v = extremes[rnd.nextInt(extremes.length)];
            boolean le = rnd.nextBoolean();
            for (int b = 0; b < 4; b++) d[pos + b] = (byte) (v >>> (8 * (le ? b : 3 - b)));
        } else {
            d[pos] = (byte) rnd.nextInt(256);
        }
    }
}
