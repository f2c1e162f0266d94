package org.slidestream.format.h5;

/**
 * How a dataset is stored.
 *
 * @param extendable the first dimension can grow ({@code maxshape=(None, ...)} in h5py's terms);
 *                   needs chunked storage
 * @param chunkRows  rows per chunk, or 0 to choose about 1 MiB per chunk
 * @param gzipLevel  Deflate level 0-9 (h5py's {@code compression="gzip"}), or -1 for none
 */
public record H5Layout(boolean extendable, long chunkRows, int gzipLevel) {
    /** A fixed-size, uncompressed dataset. */
    public static final H5Layout FIXED = new H5Layout(false, 0, -1);
    /** A dataset that grows by appending rows, uncompressed. */
    public static final H5Layout EXTENDABLE = new H5Layout(true, 0, -1);

    public H5Layout {
        if (chunkRows < 0) throw new IllegalArgumentException("chunkRows must be >= 0: " + chunkRows);
        if (gzipLevel < -1 || gzipLevel > 9) throw new IllegalArgumentException("gzip level must be -1..9: " + gzipLevel);
    }

    /** The same layout compressed with gzip at {@code level}. */
    public H5Layout gzip(int level) {
        return new H5Layout(extendable, chunkRows, level);
    }

    /** The same layout with {@code rows} rows per chunk. */
    public H5Layout chunkRows(long rows) {
        return new H5Layout(extendable, rows, gzipLevel);
    }

    boolean chunked() {
        return extendable || chunkRows > 0 || gzipLevel >= 0;
    }
}
