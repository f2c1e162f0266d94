package org.slidestream.view.cohort;

import java.util.List;
import java.util.Locale;

/**
 * Small SVG charts of one number per slide, the same in the live page and the static report: a bar
 * per slide up to {@link #MAX_BARS} slides, a histogram beyond.
 */
public final class SvgPlot {
    static final int MAX_BARS = 40;
    private static final int W = 520, H = 250, LEFT = 56, BOTTOM = 76, TOP = 24, RIGHT = 12; // room below for slanted names

    private SvgPlot() {}

    /** One named value (NaN: no value, left out). */
    public record Point(String label, double value) {}

    public static String chart(String title, String unit, List<Point> points) {
        List<Point> valid = points.stream().filter(p -> Double.isFinite(p.value())).toList();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"%s\">", W, H, W, H, esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"15\" font-size=\"13\" font-weight=\"bold\">%s</text>", LEFT, esc(title)));
        if (valid.isEmpty()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#777\">no values</text></svg>", LEFT, H / 2));
            return s.toString();
        }
        if (valid.size() <= MAX_BARS) bars(s, unit, valid);
        else histogram(s, unit, valid);
        return s.append("</svg>").toString();
    }

    private static void bars(StringBuilder s, String unit, List<Point> pts) {
        double max = niceMax(pts.stream().mapToDouble(Point::value).max().orElse(1));
        axis(s, max, unit);
        double slot = (W - LEFT - RIGHT) / (double) pts.size();
        for (int i = 0; i < pts.size(); i++) {
            Point p = pts.get(i);
            double h = Math.max(0, p.value()) / max * (H - TOP - BOTTOM);
            double x = LEFT + i * slot + slot * 0.1;
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3b6fb6\">"
                    + "<title>%s: %s %s</title></rect>", x, H - BOTTOM - h, slot * 0.8, h, esc(p.label()), num(p.value()), esc(unit)));
            if (pts.size() <= 16) {
                String label = p.label().length() > 14 ? p.label().substring(0, 13) + "…" : p.label();
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-30 %.1f %d)\">%s</text>",
                        x + slot * 0.4, H - BOTTOM + 14, x + slot * 0.4, H - BOTTOM + 14, esc(label)));
            }
        }
    }

    private static void histogram(StringBuilder s, String unit, List<Point> pts) {
        double lo = pts.stream().mapToDouble(Point::value).min().orElse(0), hi = pts.stream().mapToDouble(Point::value).max().orElse(1);
        int bins = 20;
        double width = hi > lo ? (hi - lo) / bins : 1;
        int[] counts = new int[bins];
        for (Point p : pts) counts[Math.min(bins - 1, (int) ((p.value() - lo) / width))]++;
        int maxCount = 0;
        for (int c : counts) maxCount = Math.max(maxCount, c);
        double max = niceMax(maxCount);
        axis(s, max, "slides");
        double slot = (W - LEFT - RIGHT) / (double) bins;
        for (int i = 0; i < bins; i++) {
            double h = counts[i] / max * (H - TOP - BOTTOM);
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#3b6fb6\">"
                            + "<title>%s-%s %s: %d slides</title></rect>", LEFT + i * slot + 1, H - BOTTOM - h, slot - 2, h,
                    num(lo + i * width), num(lo + (i + 1) * width), esc(unit), counts[i]));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s %s</text>",
                LEFT, H - BOTTOM + 14, num(lo), W - RIGHT, H - BOTTOM + 14, num(hi), esc(unit)));
    }

    private static void axis(StringBuilder s, double max, String unit) {
        int plotH = H - TOP - BOTTOM;
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = H - BOTTOM - plotH * i / 4.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, W - RIGHT, y, y, LEFT - 4, y + 4, num(v)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>",
                TOP + plotH / 2, TOP + plotH / 2, esc(unit)));
    }

    private static double niceMax(double v) {
        if (!(v > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * p >= v) return m * p;
        return 10 * p;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) return String.valueOf((long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
