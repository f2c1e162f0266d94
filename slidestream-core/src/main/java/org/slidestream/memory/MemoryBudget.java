package org.slidestream.memory;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory a run may use for pixel data: the tile cache, tile buffers in flight and per-worker
 * scratch. Work asks for bytes with {@link #reserve} and waits until they are free instead of
 * failing with OutOfMemoryError; a request larger than the whole budget fails at once with
 * {@link MemoryBudgetExceededException}, which says how much was needed.
 *
 * <p>One budget per run ({@code --max-memory}); by default a quarter of the machine's RAM, never more
 * than 80 % of the JVM's maximum heap (the rest of the heap is for everything that is not pixels).
 */
public final class MemoryBudget {
    private final long total;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long reserved;
    private long peak;

    public MemoryBudget(long totalBytes) {
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive: " + totalBytes);
        }
        this.total = totalBytes;
    }

    /** A quarter of physical RAM, capped by what the JVM heap can hold. */
    public static MemoryBudget defaultBudget() {
        return new MemoryBudget(defaultBytes());
    }

    /** {@code requested} bytes, or the default when null, capped by what the JVM heap can hold. */
    public static MemoryBudget of(Long requested) {
        long heapCap = heapCap();
        long want = requested == null ? defaultBytes() : requested;
        return new MemoryBudget(Math.max(1, Math.min(want, heapCap)));
    }

    static long defaultBytes() {
        return Math.min(physicalMemory() / 4, heapCap());
    }

    private static long heapCap() {
        return (long) (Runtime.getRuntime().maxMemory() * 0.8);
    }

    /** Physical memory of the machine (or container limit as the JVM sees it). */
    public static long physicalMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory() * 4;
    }

    public long total() { return total; }

    public long reserved() {
        lock.lock();
        try { return reserved; } finally { lock.unlock(); }
    }

    /** Most bytes ever reserved at once. */
    public long peak() {
        lock.lock();
        try { return peak; } finally { lock.unlock(); }
    }

    /**
     * Reserves {@code bytes}, waiting while other work holds the budget. Release by closing the
     * returned reservation (try-with-resources).
     *
     * @param what names the purpose in the error raised when {@code bytes} exceeds the budget
     * @throws MemoryBudgetExceededException at once if {@code bytes} is more than the whole budget
     */
    public Reservation reserve(long bytes, String what) {
        checkFits(bytes, what);
        lock.lock();
        try {
            while (reserved + bytes > total) {
                released.awaitUninterruptibly();
            }
            take(bytes);
        } finally {
            lock.unlock();
        }
        return new Reservation(this, bytes);
    }

    /** Like {@link #reserve} but gives up after {@code timeout}; returns null then. */
    public Reservation tryReserve(long bytes, String what, long timeout, TimeUnit unit) throws InterruptedException {
        checkFits(bytes, what);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (reserved + bytes > total) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return null;
                released.awaitNanos(left);
            }
            take(bytes);
        } finally {
            lock.unlock();
        }
        return new Reservation(this, bytes);
    }

    /** Throws at once when {@code bytes} could never be reserved from this budget. */
    public void checkFits(long bytes, String what) {
        if (bytes < 0) throw new IllegalArgumentException("negative reservation " + bytes);
        if (bytes > total) {
            throw new MemoryBudgetExceededException(what, bytes, total);
        }
    }

    private void take(long bytes) {
        reserved += bytes;
        peak = Math.max(peak, reserved);
    }

    void release(long bytes) {
        lock.lock();
        try {
            reserved -= bytes;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MemoryBudget[" + MemorySize.format(total) + ", reserved " + MemorySize.format(reserved()) + "]";
    }
}
