package org.slidestream.dicom;

/**
 * Where a file's Pixel Data (7FE0,0010) lies, without reading it: native (uncompressed frames one
 * after another) or encapsulated (compressed fragments, each an item, after a Basic Offset Table).
 */
sealed interface PixelData {

    /** Uncompressed frames from {@code offset}, {@code length} bytes in all. */
    record Native(long offset, long length) implements PixelData {}

    /**
     * Encapsulated pixel data.
     *
     * @param basicOffsets      the Basic Offset Table: offset of each frame's first fragment item,
     *                          from the first byte of the first fragment item; empty when absent
     * @param firstItem         file position of the first fragment's item header
     * @param fragmentOffsets   file position of each fragment's data
     * @param fragmentLengths   length of each fragment's data
     */
    record Encapsulated(long[] basicOffsets, long firstItem, long[] fragmentOffsets, long[] fragmentLengths) implements PixelData {}
}
