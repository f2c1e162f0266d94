package org.slidestream.slide;

import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.TileCache;

/**
 * How to open a slide: the run's memory budget, the tile cache shared by the slides of the run, and
 * whether optional native codecs (libjpeg-turbo, OpenJPEG through JNA) may be used when installed.
 */
public record SlideOptions(MemoryBudget budget, TileCache cache, boolean allowNatives) {

    private static volatile SlideOptions defaults;

    /**
     * Process-wide defaults: the default budget and a cache of a quarter of it (at most 256 MiB).
     * Natives are allowed unless the system property {@code slidestream.natives} is {@code false}.
     */
    public static SlideOptions defaults() {
        SlideOptions d = defaults;
        if (d == null) {
            synchronized (SlideOptions.class) {
                d = defaults;
                if (d == null) {
                    MemoryBudget budget = MemoryBudget.defaultBudget();
                    defaults = d = forBudget(budget);
                }
            }
        }
        return d;
    }

    /** Options for a run with its own budget: the cache takes a quarter of it, at most 256 MiB. */
    public static SlideOptions forBudget(MemoryBudget budget) {
        return forBudget(budget, DEFAULT_MAX_CACHE);
    }

    /** The default cache's largest size, 256 MiB. */
    public static final long DEFAULT_MAX_CACHE = 256L << 20;

    /**
     * Options for a run whose reads need at most {@code maxCacheBytes} of cached tiles: the cache
     * takes a quarter of the budget, at most that. A larger cache than the reads reuse costs
     * memory for nothing: every tile decoded stays until the cache is full, and with a steady
     * stream of tiles the JVM's heap grows with the turnover.
     */
    public static SlideOptions forBudget(MemoryBudget budget, long maxCacheBytes) {
        long cacheBytes = Math.max(0, Math.min(maxCacheBytes, budget.total() / 4));
        return new SlideOptions(budget, new TileCache(budget, cacheBytes), nativesAllowedByDefault());
    }

    public static boolean nativesAllowedByDefault() {
        return !"false".equalsIgnoreCase(System.getProperty("slidestream.natives", "true"));
    }

    public SlideOptions withNatives(boolean allow) {
        return new SlideOptions(budget, cache, allow);
    }
}
