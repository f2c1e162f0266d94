package org.slidestream.cells;

/** Told how much of a job's work is done (tiles, in every pass), for progress bars. */
@FunctionalInterface
public interface Progress {
    void work(long done, long total);

    Progress NONE = (done, total) -> { };
}
