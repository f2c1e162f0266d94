package org.slidestream.format.png;

/**
 * The per-row PNG filter (PNG specification, section 9). {@link #ADAPTIVE} tries all five on each
 * row and keeps the one with the smallest sum of absolute signed bytes, the heuristic libpng and
 * Pillow use; it costs a few passes over the row, far less than the compression itself.
 */
public enum PngFilter {
    NONE, SUB, UP, AVERAGE, PAETH, ADAPTIVE
}
