package org.slidestream.cli;

import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemorySize;
import org.slidestream.slide.SlideOptions;
import picocli.CommandLine.Option;

/** Options every command that touches pixels shares: the memory budget and native codecs. */
public final class RunOptions {

    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "Memory budget for pixel data (tile cache, tiles in flight, scratch), e.g. 512m, 4g. "
                    + "Default: a quarter of RAM, at most 80%% of the JVM heap.")
    String maxMemory;

    @Option(names = "--no-natives", description = "Use only the pure-Java codecs, not the native libjpeg-turbo, OpenJPEG and libdeflate (bundled or installed).")
    boolean noNatives;

    private MemoryBudget budget;
    private SlideOptions slideOptions;

    public synchronized MemoryBudget budget() {
        if (budget == null) {
            budget = MemoryBudget.of(maxMemory == null ? null : MemorySize.parse(maxMemory));
        }
        return budget;
    }

    public synchronized SlideOptions slideOptions() {
        if (slideOptions == null) {
            slideOptions = SlideOptions.forBudget(budget(), maxTileCache).withNatives(!noNatives && SlideOptions.nativesAllowedByDefault());
        }
        return slideOptions;
    }

    private long maxTileCache = SlideOptions.DEFAULT_MAX_CACHE;

    /** Caps the run's tile cache (before the first {@link #slideOptions()}), for a command whose reads reuse few tiles. */
    public synchronized void limitTileCache(long maxBytes) {
        if (slideOptions != null) throw new IllegalStateException("the tile cache is already made");
        maxTileCache = Math.min(maxTileCache, maxBytes);
    }
}
