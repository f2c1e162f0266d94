package org.slidestream.patch;

import java.util.List;

/**
 * Extra per-patch values (for example annotation class fractions), written as columns of
 * {@code patches.csv} and as one {@code float64} dataset of N values each in {@code coords.h5}.
 * Called in patch order from one thread.
 */
public interface PatchColumns {
    /** Column and dataset names, fixed for a run. */
    List<String> names();

    /** One value per name for the patch. */
    double[] values(PatchCoord at);

    /**
     * When not null, {@code coords.h5} holds these values as one {@code N x names().size()} float64
     * dataset of this name (its {@code columns} attribute lists the names) instead of one dataset per
     * name; {@code patches.csv} has one column per name either way.
     */
    default String dataset() {
        return null;
    }
}
