package org.slidestream.tiff;

/**
 * How a TIFF-like file lays out its directories and offsets: the widths of the entry count, of an
 * entry, of a value/offset field and of the next-directory offset.
 *
 * <ul>
 *   <li>{@link #CLASSIC}: TIFF 6.0, 32-bit offsets, files up to 4 GiB.
 *   <li>{@link #BIG}: BigTIFF, 64-bit counts and offsets.
 *   <li>{@link #NDPI}: Hamamatsu NDPI, a classic TIFF whose header and next-directory offsets are
 *       64 bits wide and whose directories are followed by one 32-bit high word per entry, which
 *       extends that entry's value or offset to 64 bits (files past 4 GiB). Files written before
 *       the high words were reliable are read with OpenSlide 3.4's rule instead: a value's offset is
 *       the largest one with those low 32 bits that lies below its directory (the scanner writes
 *       each directory after its data).
 * </ul>
 */
public enum OffsetLayout {
    CLASSIC(2, 12, 4, 4),
    BIG(8, 20, 8, 8),
    NDPI(2, 12, 4, 8);

    /** Bytes of a directory's entry count. */
    public final int countBytes;
    /** Bytes of one directory entry. */
    public final int entryBytes;
    /** Bytes of an entry's value/offset field (values this long or shorter are stored inline). */
    public final int valueBytes;
    /** Bytes of the offset to the next directory (and, in the header, to the first). */
    public final int nextBytes;

    OffsetLayout(int countBytes, int entryBytes, int valueBytes, int nextBytes) {
        this.countBytes = countBytes;
        this.entryBytes = entryBytes;
        this.valueBytes = valueBytes;
        this.nextBytes = nextBytes;
    }

    /** Bytes of a directory of {@code entries} entries, its next offset and (NDPI) its high words. */
    long directoryBytes(long entries) {
        return countBytes + entries * entryBytes + nextBytes + (this == NDPI ? 4 * entries : 0);
    }

    /**
     * OpenSlide 3.4's NDPI rule for a 32-bit offset without its high word: the largest offset with
     * these low bits below the directory that refers to it.
     */
    static long belowDirectory(long directoryOffset, long low32) {
        long result = (directoryOffset & ~0xFFFF_FFFFL) | (low32 & 0xFFFF_FFFFL);
        if (result >= directoryOffset && result >= (1L << 32)) result -= 1L << 32;
        return result;
    }
}
