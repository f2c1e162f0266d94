package org.slidestream.view.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.io.AtomicOutput;
import org.slidestream.pipeline.Failures;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.view.catalog.Cohort;
import org.slidestream.view.catalog.SlideEntry;
import org.slidestream.view.cohort.CohortTable;
import org.slidestream.view.content.NotServedException;
import org.slidestream.view.content.ViewContent;
import org.slidestream.view.layer.Palette;
import org.slidestream.view.session.LayerInfo;
import org.slidestream.view.session.SlideView;
import org.slidestream.view.session.SlideViews;
import org.slidestream.view.tile.PyramidReader;

/**
 * The static report of what the viewer serves, in one HTML file for sharing without a server: each
 * run's table (sortable and filterable, failed rows first) and charts, then each slide with an
 * overview of the slide and its overlays and the pictures of its output folders. Every image is
 * inlined as a {@code data:} URI and the page's policy forbids any other source, so opening it
 * makes no request at all. Written slide by slide to a temporary file renamed when complete; the
 * same inputs give the same bytes.
 */
public final class StaticReport {
    /** Pictures of outputs larger than this are halved until their longer side is at most {@link #FIGURE_SIDE}. */
    static final long FIGURE_BYTES = 1L << 20;
    static final int FIGURE_SIDE = 1600;
    static final int JPEG_QUALITY = 85;
    private static final String STYLE = "org/slidestream/view/web/style.css";
    private static final String SCRIPT = "org/slidestream/view/web/report.js";

    private final ViewContent content;
    private final int overviewSide;
    private final Map<String, String> anchors = new LinkedHashMap<>();

    private StaticReport(ViewContent content, int overviewSide) {
        this.content = content;
        this.overviewSide = overviewSide;
        int n = 0;
        for (SlideEntry e : content.catalog().slides()) anchors.put(e.id(), "slide-" + n++);
    }

    /** What was written. */
    public record Written(Path file, int runs, int slides, long bytes) {}

    /**
     * Writes the report.
     *
     * @param overviewSide the longer side of each slide's overview, in pixels
     * @param progress     told each slide's id as it is drawn
     */
    public static Written write(ViewContent content, Path target, int overviewSide, Consumer<String> progress) throws IOException {
        if (overviewSide < 64 || overviewSide > 4096) throw new IllegalArgumentException("overview size must be 64-4096 pixels: " + overviewSide);
        StaticReport r = new StaticReport(content, overviewSide);
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (AtomicOutput out = AtomicOutput.file(target)) {
            try (Writer w = Files.newBufferedWriter(out.path(), StandardCharsets.UTF_8)) {
                r.page(new BufferedWriter(w, 1 << 16), progress);
            }
            out.commit();
        }
        return new Written(target, content.catalog().cohorts().size(), content.catalog().slides().size(), Files.size(target));
    }

    private void page(BufferedWriter w, Consumer<String> progress) throws IOException {
        w.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        // nothing may be fetched: images are data: URIs, style and script are in the page
        w.write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
                + "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n");
        w.write("<title>slidestream report</title>\n<style>\n" + resource(STYLE) + "</style>\n</head>\n<body>\n");
        w.write("<header><h1>slidestream report</h1></header>\n<main class=\"report\">\n");
        contents(w);
        for (Cohort c : content.catalog().cohorts()) cohort(w, c);
        w.write("<h2>Slides</h2>\n");
        for (SlideEntry e : content.catalog().slides()) {
            progress.accept(e.id());
            slide(w, e);
            w.flush();
        }
        w.write("</main>\n<script>\n" + resource(SCRIPT) + "</script>\n</body></html>\n");
        w.flush();
    }

    private void contents(Writer w) throws IOException {
        w.write("<nav>");
        if (!content.catalog().cohorts().isEmpty()) {
            w.write("<h2>Runs</h2><ul>");
            for (Cohort c : content.catalog().cohorts()) {
                w.write("<li><a href=\"#run-" + Html.attr(c.id()) + "\">" + Html.text(c.id()) + "</a> — " + Html.text(c.folder().toString())
                        + " (" + Html.text(c.table()) + ", " + c.rows().size() + " rows)</li>");
            }
            w.write("</ul>");
        }
        w.write("<h2>Slides</h2><ul>");
        for (SlideEntry e : content.catalog().slides()) {
            w.write("<li><a href=\"#" + anchors.get(e.id()) + "\">" + Html.text(e.id()) + "</a>"
                    + (e.slide() == null ? " — no slide file" : " — " + Html.text(e.slide().getFileName().toString())) + "</li>");
        }
        w.write("</ul></nav>\n");
    }

    private void cohort(Writer w, Cohort c) throws IOException {
        CohortTable t;
        try {
            t = content.table(c.id());
        } catch (NotServedException e) {
            return; // a cohort of the catalog is always there
        }
        w.write("<section class=\"cohort\" id=\"run-" + Html.attr(c.id()) + "\"><h2>Run " + Html.text(c.id()) + " <small>"
                + Html.text(c.folder().toString()) + " (" + Html.text(c.table()) + ")</small></h2>\n<div class=\"counts\">");
        for (Map.Entry<String, Integer> s : t.statusCounts().entrySet()) {
            w.write("<span>" + Html.text(s.getKey().isEmpty() ? "rows" : s.getKey()) + ": " + s.getValue() + "</span>");
        }
        w.write("</div>\n<div class=\"charts\">");
        for (String chart : t.charts().values()) w.write(chart);
        w.write("</div>\n<input class=\"filter\" type=\"search\" placeholder=\"filter rows (any column)\">\n<table class=\"cohort-table\"><thead><tr>");
        for (String col : t.columns()) w.write("<th>" + Html.text(col) + "</th>");
        w.write("</tr></thead><tbody>\n");
        for (CohortTable.Row r : t.rows()) {
            w.write("<tr class=\"" + Html.attr(r.cells().getOrDefault("status", "").toLowerCase(Locale.ROOT)) + "\">");
            for (String col : t.columns()) {
                String v = r.cells().getOrDefault(col, "");
                boolean link = (col.equals("slide") || col.equals("round")) && r.slideId() != null;
                w.write("<td" + (number(v) ? " class=\"num\"" : "") + ">"
                        + (link ? "<a href=\"#" + anchors.get(r.slideId()) + "\">" + Html.text(v) + "</a>" : Html.text(v)) + "</td>");
            }
            w.write("</tr>\n");
        }
        w.write("</tbody></table></section>\n");
    }

    private static boolean number(String v) {
        try {
            Double.parseDouble(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void slide(Writer w, SlideEntry e) throws IOException {
        w.write("<section class=\"slide\" id=\"" + anchors.get(e.id()) + "\"><h3>" + Html.text(e.id()) + "</h3>\n");
        Map<String, String> row = statusRow(e);
        if (row != null && !row.getOrDefault("status", "").isEmpty()) {
            String reason = row.getOrDefault("reason", "");
            w.write("<div class=\"status " + Html.attr(row.get("status").toLowerCase(Locale.ROOT)) + "\">" + Html.text(row.get("status"))
                    + (reason.isEmpty() ? "" : ": " + Html.text(reason)) + "</div>\n");
        }
        List<String> notes = new ArrayList<>();
        if (e.slide() == null) {
            notes.add("no slide file found for this output");
        } else {
            try (SlideViews.Lease lease = content.lease(e.id())) {
                SlideView v = lease.view();
                w.write("<div class=\"info\">" + Html.text(e.slide().getFileName() + ": " + describe(v)) + "</div>\n");
                Raster overview = Overview.draw(v, overviewSide);
                byte[] jpeg = Codecs.jpeg(content.settings().slideOptions().allowNatives()).encode(overview, JPEG_QUALITY, ChromaSubsampling.S420);
                w.write("<figure class=\"overview\"><img alt=\"" + Html.attr(e.id()) + " with its overlays\" width=\"" + overview.width()
                        + "\" height=\"" + overview.height() + "\" src=\"" + dataUri("image/jpeg", jpeg) + "\"><figcaption>");
                legend(w, v);
                w.write("</figcaption></figure>\n");
                notes.addAll(v.notes());
            } catch (NotServedException | RuntimeException ex) {
                String why = ex instanceof NotServedException ? ex.getMessage() : Failures.oneLine(ex);
                if (row == null || !why.equals(row.get("reason"))) notes.add(why); // else the status line says it already
            }
        }
        for (Path f : ViewContent.figures(e)) {
            try {
                byte[] bytes = figure(f);
                w.write("<figure class=\"output\"><img alt=\"" + Html.attr(f.getFileName().toString()) + "\" src=\""
                        + dataUri(bytes.length > 1 && bytes[0] == (byte) 0x89 ? "image/png" : "image/jpeg", bytes)
                        + "\"><figcaption>" + Html.text(f.getFileName().toString()) + "</figcaption></figure>\n");
            } catch (IOException | RuntimeException ex) {
                notes.add(f.getFileName() + ": " + Failures.oneLine(ex));
            }
        }
        for (String n : notes) w.write("<div class=\"note\">" + Html.text(n) + "</div>\n");
        w.write("</section>\n");
    }

    private Map<String, String> statusRow(SlideEntry e) {
        if (e.cohort() == null) return null;
        Cohort c = content.cohort(e.cohort());
        if (c == null || !c.table().equals("status.csv")) return null;
        for (int i = 0; i < c.rows().size(); i++) {
            if (e.id().equals(c.slideIds().get(i))) return c.rows().get(i);
        }
        return null;
    }

    private static String describe(SlideView v) {
        SlideMetadata m = v.slide().metadata();
        StringBuilder s = new StringBuilder();
        s.append(v.zoom().width()).append(" x ").append(v.zoom().height()).append(" px, ").append(m.format()).append(", ")
                .append(m.pixelType().omeName());
        if (m.sizeC() > 1 || !m.brightfield()) s.append(", ").append(m.sizeC()).append(m.sizeC() == 1 ? " channel" : " channels");
        if (m.sizeZ() > 1) s.append(", ").append(m.sizeZ()).append(" z");
        if (m.mppX() != null) s.append(String.format(Locale.ROOT, ", %.4f µm/px", m.mppX()));
        if (m.magnification() != null) s.append(String.format(Locale.ROOT, ", %sx", m.magnification()));
        s.append("; levels");
        for (LevelInfo l : v.slide().levels()) s.append(String.format(Locale.ROOT, " %dx%d", l.width(), l.height()));
        return s.toString();
    }

    /** What the overview shows, with the colours of classes and channels. */
    private static void legend(Writer w, SlideView v) throws IOException {
        List<String> parts = new ArrayList<>();
        for (LayerInfo l : v.layerInfos()) {
            switch (l.kind()) {
                case "image" -> {
                    StringBuilder s = new StringBuilder(Html.text(l.title()));
                    for (LayerInfo.ChannelInfo c : l.channels()) {
                        if (c.visible()) s.append(" ").append(swatch(c.color())).append(Html.text(c.name()));
                    }
                    parts.add(s.toString());
                }
                case "regions" -> {
                    StringBuilder s = new StringBuilder(Html.text(l.title()) + ":");
                    l.legend().forEach((name, colour) -> s.append(" ").append(swatch(colour)).append(Html.text(name)));
                    parts.add(s.toString());
                }
                case "patches" -> parts.add(Html.text(l.title()) + (l.values().isEmpty() ? "" : " coloured by " + Html.text(l.values().get(0))
                        + " <span class=\"ramp\" style=\"background:linear-gradient(to right," + String.join(",", Palette.viridisStops())
                        + ")\"></span> low to high"));
                case "overlay" -> {
                    if (l.format().equals("png")) parts.add(Html.text(l.title()) + " (labels)");
                }
                default -> { }
            }
        }
        w.write(String.join("; ", parts));
    }

    private static String swatch(String css) {
        return "<span class=\"swatch\" style=\"background:" + Html.attr(css) + "\"></span>";
    }

    /** An output's picture: as stored when small, else halved until it fits {@link #FIGURE_SIDE} and stored as JPEG. */
    private byte[] figure(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        if (bytes.length <= FIGURE_BYTES) return bytes;
        boolean natives = content.settings().slideOptions().allowNatives();
        Raster r = ImageFiles.read(f, natives);
        if (r.type() != PixelType.UINT8 || (r.bands() != 1 && r.bands() != 3)) return bytes; // kept as stored
        while (Math.max(r.width(), r.height()) > FIGURE_SIDE) {
            Raster half = Raster.create(r.type(), r.width() / 2, r.height() / 2, r.bands());
            PyramidReader.halve(r, half);
            r = half;
        }
        return Codecs.jpeg(natives).encode(r, JPEG_QUALITY, ChromaSubsampling.S420);
    }

    private static String dataUri(String type, byte[] bytes) {
        return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(bytes);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = StaticReport.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
