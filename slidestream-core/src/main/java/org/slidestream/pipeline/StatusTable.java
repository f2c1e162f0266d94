package org.slidestream.pipeline;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slidestream.format.csv.Csv;
import org.slidestream.io.AtomicOutput;

/**
 * The run's {@code status.csv}: {@code slide,status,reason,<count>,seconds,peak_mb}, where the count
 * column is named for what the step makes ({@code patches}, {@code features}, ...). Rewritten
 * atomically after every slide, so that it is always complete and a killed run leaves a valid one.
 */
public final class StatusTable {
    private StatusTable() {}

    /** Rows of an existing table by slide id (empty when there is none or it is unreadable). */
    public static Map<String, SlideStatus> read(Path csv) {
        Map<String, SlideStatus> rows = new LinkedHashMap<>();
        if (!Files.isRegularFile(csv)) return rows;
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            List<List<String>> table = Csv.read(r);
            for (int i = 1; i < table.size(); i++) {
                List<String> t = table.get(i);
                if (t.size() < 6) continue;
                try {
                    rows.put(t.get(0), new SlideStatus(t.get(0), SlideState.parse(t.get(1)), t.get(2),
                            Long.parseLong(t.get(3)), Double.parseDouble(t.get(4)), Long.parseLong(t.get(5))));
                } catch (IllegalArgumentException ignored) {
                    // a damaged row: that slide is simply not known to be done
                }
            }
        } catch (IOException | RuntimeException e) {
            return new LinkedHashMap<>();
        }
        return rows;
    }

    /** Writes the table atomically. */
    public static void write(Path csv, List<SlideStatus> rows, String countColumn) throws IOException {
        try (AtomicOutput out = AtomicOutput.file(csv)) {
            try (Writer w = Files.newBufferedWriter(out.path(), StandardCharsets.UTF_8)) {
                Csv.writeRow(w, List.of("slide", "status", "reason", countColumn, "seconds", "peak_mb"));
                for (SlideStatus s : rows) {
                    Csv.writeRow(w, List.of(s.slide(), s.state().csvName(), s.reason(), s.count(),
                            String.format(Locale.ROOT, "%.2f", s.seconds()), s.peakMb()));
                }
            }
            out.commit();
        }
    }

    /** Previous rows of slides not in this run, then this run's rows in input order. */
    static List<SlideStatus> merge(Map<String, SlideStatus> previous, List<String> order, Map<String, SlideStatus> current) {
        List<SlideStatus> rows = new ArrayList<>();
        for (SlideStatus s : previous.values()) {
            if (!order.contains(s.slide())) rows.add(s);
        }
        for (String id : order) {
            SlideStatus s = current.get(id);
            if (s != null) rows.add(s);
        }
        return rows;
    }
}
