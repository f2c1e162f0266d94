package org.slidestream.memory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak memory, as every command reports it when it ends. On Linux this is the peak
 * resident set size ({@code VmHWM}), the figure {@code /usr/bin/time -v} prints; elsewhere the peak
 * of the JVM heap pools.
 */
public final class PeakMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakMemory() {}

    /** Peak resident set size in bytes, or the peak heap use where /proc is not available. */
    public static long peakBytes() {
        long rss = procField("VmHWM:");
        return rss > 0 ? rss : heapPeak();
    }

    /** Current resident set size in bytes (0 where unknown). */
    public static long currentRssBytes() {
        return Math.max(0, procField("VmRSS:"));
    }

    private static long procField(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long heapPeak() {
        long sum = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
