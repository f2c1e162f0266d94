package org.slidestream.dl.cells;

import java.util.List;

/**
 * Where a model input's values come from: an {@code obsm} matrix, or {@code obs} columns.
 *
 * @param obsm    the obsm key, or null
 * @param columns the obs columns, or empty
 */
public record Source(String obsm, List<String> columns) {
    public Source {
        columns = List.copyOf(columns);
    }

    /** {@code obsm:KEY} or {@code obs:COL[,COL...]}. */
    public static Source parse(String spec) {
        String s = spec == null ? "" : spec.strip();
        if (s.startsWith("obsm:") && s.length() > 5) return new Source(s.substring(5), List.of());
        if (s.startsWith("obs:") && s.length() > 4) {
            List<String> cols = List.of(s.substring(4).split(",")).stream().map(String::strip).filter(c -> !c.isEmpty()).toList();
            if (!cols.isEmpty()) return new Source(null, cols);
        }
        throw new IllegalArgumentException("a covariate source is obsm:KEY or obs:COLUMN[,COLUMN...], not '" + spec + "'");
    }

    @Override
    public String toString() {
        return obsm != null ? "obsm:" + obsm : "obs:" + String.join(",", columns);
    }
}
