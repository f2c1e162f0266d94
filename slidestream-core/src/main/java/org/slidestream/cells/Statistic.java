package org.slidestream.cells;

import java.util.Arrays;
import java.util.Locale;

/**
 * A per-cell, per-channel intensity statistic, as numpy computes it over the cell's pixels:
 * {@code mean}, {@code median} (the mean of the two middle values for an even count), {@code std}
 * (population, ddof 0), {@code min}, {@code max}, {@code sum}.
 */
public enum Statistic {
    MEAN, MEDIAN, STD, MIN, MAX, SUM;

    /** The name in option values and layer names. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Statistic parse(String s) {
        String k = s.strip().toUpperCase(Locale.ROOT);
        for (Statistic st : values()) if (st.name().equals(k)) return st;
        throw new IllegalArgumentException("unknown statistic '" + s + "' (known: "
                + String.join(", ", Arrays.stream(values()).map(Statistic::key).toList()) + ")");
    }
}
