package org.slidestream.view.catalog;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A run's table: {@code status.csv} of a cohort command (one row per slide) or {@code metrics.csv}
 * of {@code register} (one row per round).
 *
 * @param id       its name in addresses
 * @param folder   the output folder
 * @param table    which file the rows come from
 * @param columns  the table's header
 * @param rows     the rows as column -> value
 * @param slideIds for each row, the id of the slide it links to (or null)
 */
public record Cohort(String id, Path folder, String table, List<String> columns, List<Map<String, String>> rows, List<String> slideIds) {
    public Cohort {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        slideIds = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(slideIds));
    }
}
