package org.slidestream.ndpi;

import java.util.Arrays;
import java.util.BitSet;

/**
 * Where each restart interval of a level's JPEG stream starts in the file. NDPI records the starts
 * in tag 65426 (McuStarts, relative to the stream, with high words in 65432 past 4 GiB); a recorded
 * start is trusted only once the restart marker just before it is found in the file, with the number
 * the interval's position requires. Without the tag, or when a recorded start is wrong, the stream is
 * scanned for its markers from the last start known, as far as the interval asked for: a region read
 * finds only the markers before it, once.
 *
 * <p>A marker with the wrong number, another marker inside the data, or the end of the stream
 * before the last interval is a damaged stream: {@link DamagedStreamException}. Thread-safe.
 */
final class RestartIndex {
    /** Reads bytes of the file (positions absolute). */
    @FunctionalInterface
    interface Bytes {
        byte[] read(long offset, long length, String what);
    }

    /** The level's stream is damaged; the message says where and how. */
    static final class DamagedStreamException extends RuntimeException {
        DamagedStreamException(String message) {
            super(message);
        }
    }

    private static final int CHUNK = 64 * 1024;

    private final Bytes file;
    private final long dataEnd;
    private final int count;
    /** Start of each interval (index {@code count}: the end of the data); -1 where unknown. */
    private final long[] starts;
    /** Starts confirmed by their marker (recorded starts before they are checked are not). */
    private final BitSet confirmed;

    /**
     * @param dataStart where the first interval starts (after the header)
     * @param dataEnd   where the stream ends (its strip's end)
     * @param count     intervals in the stream
     * @param recorded  absolute starts of every interval from the file's tags, or null
     */
    RestartIndex(Bytes file, long dataStart, long dataEnd, int count, long[] recorded) {
        if (count < 1 || dataEnd <= dataStart) throw new DamagedStreamException("empty JPEG data (" + count + " intervals, " + (dataEnd - dataStart) + " bytes)");
        // every interval but the last ends with a 2-byte marker: more than that cannot be real (and would be a huge index)
        if (count - 1 > (dataEnd - dataStart) / 2) {
            throw new DamagedStreamException(count + " restart intervals cannot fit in " + (dataEnd - dataStart) + " bytes of JPEG data");
        }
        this.file = file;
        this.dataEnd = dataEnd;
        this.count = count;
        this.starts = new long[count + 1];
        this.confirmed = new BitSet(count + 1);
        if (recorded != null && recorded.length == count) {
            System.arraycopy(recorded, 0, starts, 0, count);
        } else {
            Arrays.fill(starts, -1);
        }
        starts[0] = dataStart;
        starts[count] = dataEnd;
        confirmed.set(0);
        confirmed.set(count);
    }

    int count() { return count; }

    /**
     * The bytes of interval {@code k}: from its first byte to the end of the marker after it (a
     * restart marker, or the end-of-image marker after the last interval).
     *
     * @return {start, end} in the file
     */
    synchronized long[] interval(int k) {
        if (k < 0 || k >= count) throw new IllegalArgumentException("interval " + k + " of " + count);
        return new long[] {start(k), start(k + 1)};
    }

    /**
     * The starts of intervals {@code first .. first + n} (n + 1 values, the last one where interval
     * {@code first + n - 1} ends) when every one is known or recorded, for a caller that reads the
     * bytes in one piece and checks the markers itself ({@link #confirm}); null when some must be
     * found by scanning (then use {@link #interval}).
     */
    synchronized long[] recorded(int first, int n) {
        long[] out = new long[n + 1];
        for (int i = 0; i <= n; i++) {
            long v = starts[first + i];
            if (v < 0) return null;
            out[i] = v;
        }
        return out;
    }

    /** Marks starts {@code first .. first + n} as checked by a caller that found their markers. */
    synchronized void confirm(int first, int n) {
        confirmed.set(first, first + n + 1);
    }

    /** A recorded start was wrong: forget the unchecked records from interval {@code k} on. */
    synchronized void distrustFrom(int k) {
        for (int i = Math.max(1, k); i < count; i++) if (!confirmed.get(i)) starts[i] = -1;
    }

    private long start(int k) {
        if (confirmed.get(k)) return starts[k];
        if (starts[k] >= 0 && markerBefore(starts[k], k)) {
            confirmed.set(k);
            return starts[k];
        }
        // A recorded start that is not right after its marker: the record is not to be trusted from here on.
        for (int i = k; i < count; i++) if (!confirmed.get(i)) starts[i] = -1;
        int from = confirmed.previousSetBit(k);
        scan(from, k);
        return starts[k];
    }

    /** Whether the two bytes before {@code pos} are the restart marker that ends interval {@code k - 1}. */
    private boolean markerBefore(long pos, int k) {
        long dataStart = starts[0];
        if (pos < dataStart + 2 || pos > dataEnd) return false;
        byte[] m = file.read(pos - 2, 2, "restart marker");
        return (m[0] & 0xFF) == 0xFF && (m[1] & 0xFF) == 0xD0 + ((k - 1) & 7);
    }

    /** Finds the markers after interval {@code from} (whose start is known) up to the start of {@code to}. */
    private void scan(int from, int to) {
        int k = from; // the interval being crossed
        long pos = starts[from];
        boolean afterFf = false;
        while (k < to) {
            if (pos >= dataEnd) {
                throw new DamagedStreamException("JPEG data ends after " + k + " of " + count + " restart intervals (restart markers missing)");
            }
            int n = (int) Math.min(CHUNK, dataEnd - pos);
            byte[] b = file.read(pos, n, "JPEG data");
            for (int i = 0; i < n && k < to; i++) {
                int v = b[i] & 0xFF;
                if (!afterFf) {
                    afterFf = v == 0xFF;
                    continue;
                }
                if (v == 0xFF) continue; // fill bytes before a marker
                afterFf = false;
                if (v == 0x00) continue; // a stuffed 0xFF inside entropy-coded data
                long markerAt = pos + i - 1;
                if (v >= 0xD0 && v <= 0xD7) {
                    int expected = 0xD0 + (k & 7);
                    if (v != expected) {
                        throw new DamagedStreamException("restart marker RST" + (v - 0xD0) + " at offset " + markerAt + " where RST"
                                + (expected - 0xD0) + " belongs (after interval " + k + " of " + count + ")");
                    }
                    k++;
                    starts[k] = pos + i + 1;
                    confirmed.set(k);
                } else {
                    throw new DamagedStreamException("marker 0xFF" + Integer.toHexString(v).toUpperCase() + " at offset " + markerAt
                            + " inside the JPEG data, after " + k + " of " + count + " restart intervals");
                }
            }
            pos += n;
        }
    }
}
