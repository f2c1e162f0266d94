package org.slidestream.view.cohort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.locationtech.jts.geom.Geometry;
import org.slidestream.format.geojson.GeoFeature;
import org.slidestream.format.geojson.GeoJson;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.view.catalog.Catalog;
import org.slidestream.view.catalog.Cohort;
import org.slidestream.view.catalog.SlideEntry;

/**
 * A cohort's table as the pages show it: the rows of {@code status.csv} (or {@code metrics.csv}),
 * failed rows first, with the tissue area of each slide added (from {@code tissue.geojson}, in mm²
 * where the slide's pixel size is known).
 */
public final class CohortTable {
    /** The column added to a cohort's table. */
    public static final String TISSUE_AREA = "tissue_mm2";

    private final Cohort cohort;
    private final List<String> columns;
    private final List<Row> rows;

    /** A row: its cells by column, and the slide it links to (or null). */
    public record Row(Map<String, String> cells, String slideId) {}

    private CohortTable(Cohort cohort, List<String> columns, List<Row> rows) {
        this.cohort = cohort;
        this.columns = columns;
        this.rows = rows;
    }

    /** Builds the table; slides are opened only where neither output gives the pixel size. */
    public static CohortTable of(Cohort cohort, Catalog catalog, SlideOptions options) {
        List<String> columns = new ArrayList<>(cohort.columns());
        boolean slides = cohort.table().equals("status.csv");
        if (slides && !columns.contains(TISSUE_AREA)) columns.add(Math.min(columns.size(), 4), TISSUE_AREA);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < cohort.rows().size(); i++) {
            Map<String, String> cells = new LinkedHashMap<>(cohort.rows().get(i));
            String id = cohort.slideIds().get(i);
            SlideEntry e = id == null ? null : catalog.slide(id);
            if (slides) cells.put(TISSUE_AREA, e == null ? "" : tissueArea(e, options));
            rows.add(new Row(cells, e != null && e.slide() != null ? id : null));
        }
        rows.sort(Comparator.comparingInt(r -> failed(r) ? 0 : 1)); // stable: file order within each group
        return new CohortTable(cohort, List.copyOf(columns), List.copyOf(rows));
    }

    static boolean failed(Row r) {
        return "failed".equalsIgnoreCase(r.cells().getOrDefault("status", ""));
    }

    public Cohort cohort() { return cohort; }

    public List<String> columns() { return columns; }

    public List<Row> rows() { return rows; }

    /** Counts of rows by status. */
    public Map<String, Integer> statusCounts() {
        Map<String, Integer> c = new LinkedHashMap<>();
        for (Row r : rows) c.merge(r.cells().getOrDefault("status", ""), 1, Integer::sum);
        return c;
    }

    /** The summary charts: the count column (patches, features...) and the time per slide, or per round. */
    public Map<String, String> charts() {
        Map<String, String> charts = new LinkedHashMap<>();
        if (cohort.table().equals("status.csv")) {
            String count = columns.size() > 3 && !columns.get(3).equals(TISSUE_AREA) ? columns.get(3) : null;
            if (count == null) count = cohort.columns().size() > 3 ? cohort.columns().get(3) : null;
            if (count != null) charts.put(count, SvgPlot.chart(cap(count) + " per slide", count, points(count, true)));
            charts.put("seconds", SvgPlot.chart("Time per slide", "s", points("seconds", false)));
            charts.put(TISSUE_AREA, SvgPlot.chart("Tissue area per slide", "mm²", points(TISSUE_AREA, true)));
        } else {
            for (String c : List.of("dice_after", "ncc_after", "residual_um", "seconds")) {
                if (columns.contains(c)) charts.put(c, SvgPlot.chart(c + " per round", c, points(c, false)));
            }
        }
        return charts;
    }

    private List<SvgPlot.Point> points(String column, boolean successOnly) {
        List<SvgPlot.Point> pts = new ArrayList<>();
        for (Row r : rows) {
            if (successOnly && failed(r)) continue;
            String label = r.cells().getOrDefault("slide", r.cells().getOrDefault("round", ""));
            pts.add(new SvgPlot.Point(label, parse(r.cells().get(column))));
        }
        return pts;
    }

    private static double parse(String s) {
        if (s == null || s.isBlank()) return Double.NaN;
        try {
            double v = Double.parseDouble(s);
            return v < 0 ? Double.NaN : v; // -1 marks "none" in status tables
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String cap(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Area of the slide's tissue contours in mm² (or in level-0 pixels² with " px²" when the pixel size is unknown). */
    static String tissueArea(SlideEntry e, SlideOptions options) {
        Path geojson = e.output("tissue.geojson");
        if (geojson == null) return "";
        double px2 = 0;
        try {
            for (GeoFeature f : GeoJson.read(geojson)) {
                Geometry g = f.geometry();
                if (g != null) px2 += g.getArea();
            }
        } catch (Exception ex) {
            return "";
        }
        Double mpp = level0Mpp(e, options);
        if (mpp == null) return String.format(Locale.ROOT, "%.0f px²", px2);
        return String.format(Locale.ROOT, "%.3f", px2 * mpp * mpp / 1e6);
    }

    private static Double level0Mpp(SlideEntry e, SlideOptions options) {
        Path coords = e.output("coords.h5");
        if (coords != null) {
            try (H5File f = H5File.open(coords); H5Dataset d = f.dataset("coords")) {
                double mpp = d.doubleAttribute("mpp");
                double ds = d.doubleArrayAttribute("downsample")[0];
                if (Double.isFinite(mpp) && mpp > 0 && ds > 0) return mpp / ds;
            } catch (Exception ignored) {
                // fall back to the slide
            }
        }
        if (e.slide() == null || !Files.isRegularFile(e.slide())) return null;
        try (Slide s = Slide.open(e.slide(), options)) {
            return s.metadata().mppX();
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
