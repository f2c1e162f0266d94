package org.slidestream.tiff.writer;

/** Told after each tile is written: tiles written so far out of the total (all levels and planes). */
@FunctionalInterface
public interface WriteProgress {
    WriteProgress NONE = (done, total) -> { };

    void tiles(long done, long total);
}
