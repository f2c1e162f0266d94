package org.slidestream.view.layer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slidestream.format.csv.Csv;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.view.tile.DeepZoom;

/**
 * The patch grid of a {@code patch} output: each patch of {@code coords.h5} a square, filled with the
 * colour of one of its values ({@code patches.csv}'s tissue fraction and annotation fractions,
 * {@code coords.h5}'s majority label, an attention score) and outlined. Patches are bucketed by
 * position, so a tile visits only the patches near it.
 */
public final class PatchGrid implements TileLayer {
    private static final Set<String> OPTIONS = Set.of("by");
    static final int FILL_ALPHA = 150;

    private final long[] xs, ys;
    private final long side0;
    private final Map<String, float[]> values;
    private final Set<String> categorical;
    private final long cell;
    private final Map<Long, int[]> buckets;

    PatchGrid(long[] xs, long[] ys, long side0, Map<String, float[]> values, Set<String> categorical) {
        this.xs = xs;
        this.ys = ys;
        this.side0 = Math.max(1, side0);
        this.values = values;
        this.categorical = categorical;
        this.cell = this.side0 * 8;
        this.buckets = bucket();
        this.attentionPercentiles = values.containsKey("attention") ? Attention.percentiles(values.get("attention")) : null;
    }

    /** Attention is coloured by each score's percentile on the slide. */
    private final float[] attentionPercentiles;

    /**
     * Reads a patch output folder's grid: {@code coords.h5} (coordinates, {@code patch_size_level0},
     * {@code majority}), {@code patches.csv} (value columns, in the same row order) and
     * {@code attention.h5} (a score per patch) where present.
     */
    public static PatchGrid read(Path coordsH5, Path patchesCsv, Path attentionH5) throws IOException {
        long[] xy;
        long side0;
        Map<String, float[]> values = new LinkedHashMap<>();
        Set<String> categorical = new java.util.HashSet<>();
        try (H5File f = H5File.open(coordsH5); H5Dataset d = f.dataset("coords")) {
            long rows = d.rows();
            xy = rows == 0 ? new long[0] : d.readLongs(0, Math.toIntExact(rows));
            side0 = d.hasAttribute("patch_size_level0") ? d.longAttribute("patch_size_level0")
                    : Math.round(d.longAttribute("patch_size") * d.doubleArrayAttribute("downsample")[0]);
            if (f.contains("majority")) {
                try (H5Dataset m = f.dataset("majority")) {
                    values.put("majority", toFloats(m.readDoubles(0, Math.toIntExact(m.rows()))));
                    categorical.add("majority");
                }
            }
        }
        int n = xy.length / 2;
        long[] xs = new long[n], ys = new long[n];
        for (int i = 0; i < n; i++) {
            xs[i] = xy[2 * i];
            ys[i] = xy[2 * i + 1];
        }
        if (patchesCsv != null && Files.isRegularFile(patchesCsv)) readCsvValues(patchesCsv, n, values);
        if (attentionH5 != null && Files.isRegularFile(attentionH5)) {
            float[] a = Attention.read(attentionH5, n);
            values.put("attention", a);
        }
        return new PatchGrid(xs, ys, side0, values, categorical);
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** Numeric columns of patches.csv other than x and y, when its rows match the coordinates. */
    private static void readCsvValues(Path csv, int n, Map<String, float[]> values) throws IOException {
        List<List<String>> table;
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            table = Csv.read(r);
        }
        if (table.isEmpty() || table.size() - 1 != n) return;
        List<String> header = table.get(0);
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c);
            if (name.equals("x") || name.equals("y") || values.containsKey(name)) continue;
            float[] col = new float[n];
            boolean numeric = true;
            for (int i = 0; i < n && numeric; i++) {
                List<String> row = table.get(i + 1);
                try {
                    col[i] = c < row.size() ? Float.parseFloat(row.get(c)) : Float.NaN;
                } catch (NumberFormatException e) {
                    numeric = false;
                }
            }
            if (numeric) values.put(name, col);
        }
    }

    public int count() { return xs.length; }

    public long side0() { return side0; }

    /** Value names a patch can be coloured by, the default first. */
    public List<String> valueNames() {
        List<String> names = new ArrayList<>(values.keySet());
        names.sort((a, b) -> Integer.compare(rank(a), rank(b)));
        return names;
    }

    private static int rank(String name) {
        return switch (name) {
            case "attention" -> 0;
            case "tissue_fraction" -> 1;
            case "majority" -> 2;
            default -> 3;
        };
    }

    public boolean categorical(String name) {
        return categorical.contains(name);
    }

    /** The smallest and largest value of a column (NaNs ignored). */
    public double[] range(String name) {
        float[] v = values.get(name);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        if (v != null) {
            for (float f : v) {
                if (Float.isNaN(f)) continue;
                lo = Math.min(lo, f);
                hi = Math.max(hi, f);
            }
        }
        return lo <= hi ? new double[] {lo, hi} : new double[] {0, 1};
    }

    @Override
    public Set<String> optionNames() {
        return OPTIONS;
    }

    @Override
    public void check(Map<String, String> o) {
        String by = o.get("by");
        if (by != null && !by.equals("none") && !values.containsKey(by)) throw new IllegalArgumentException("no patch value '" + by + "'");
    }

    @Override
    public boolean opaque() {
        return false;
    }

    @Override
    public Raster render(DeepZoom zoom, int level, Region region, Map<String, String> o) {
        String by = o.getOrDefault("by", valueNames().isEmpty() ? "none" : valueNames().get(0));
        float[] v = values.get(by);
        double[] range = v == null || categorical(by) ? null : rangeFor(by);
        Raster t = Rgba.transparent(region.width(), region.height());
        double d = zoom.downsample(level);
        long gx0 = (long) Math.floor(region.x() * d), gy0 = (long) Math.floor(region.y() * d);
        long gx1 = (long) Math.ceil(region.right() * d), gy1 = (long) Math.ceil(region.bottom() * d);
        forEachPatch(gx0 - side0, gy0 - side0, gx1, gy1, i -> {
            int x0 = (int) (Math.floor(xs[i] / d) - region.x()), y0 = (int) (Math.floor(ys[i] / d) - region.y());
            int x1 = (int) (Math.ceil((xs[i] + side0) / d) - region.x()), y1 = (int) (Math.ceil((ys[i] + side0) / d) - region.y());
            int rgb = colour(v, range, by, i);
            Rgba.fill(t, x0, y0, Math.max(x1, x0 + 1), Math.max(y1, y0 + 1), rgb, FILL_ALPHA);
            if (x1 - x0 >= 6) Rgba.outline(t, x0, y0, x1, y1, 0x1E3CC8, 255);
        });
        return t;
    }

    private double[] rangeFor(String by) {
        // fractions and scores between 0 and 1 keep that scale; other values are stretched to their range
        double[] r = range(by);
        return r[0] >= 0 && r[1] <= 1 && !by.equals("attention") ? new double[] {0, 1} : r;
    }

    private int colour(float[] v, double[] range, String by, int i) {
        if (v == null) return 0x1E3CC8;
        if (by.equals("attention")) return Palette.viridis(attentionPercentiles[i]);
        if (categorical(by)) return v[i] == 0 ? 0x9E9E9E : Palette.category(Math.round(v[i]));
        return Palette.viridis(range[1] > range[0] ? (v[i] - range[0]) / (range[1] - range[0]) : 1);
    }

    private interface PatchVisitor {
        void visit(int index);
    }

    /** Patches whose corner lies in [x0, x1) x [y0, y1). */
    private void forEachPatch(long x0, long y0, long x1, long y1, PatchVisitor visitor) {
        long cx0 = Math.floorDiv(x0, cell), cy0 = Math.floorDiv(y0, cell), cx1 = Math.floorDiv(x1, cell), cy1 = Math.floorDiv(y1, cell);
        if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > buckets.size()) {
            for (int i = 0; i < xs.length; i++) {
                if (xs[i] >= x0 && xs[i] < x1 && ys[i] >= y0 && ys[i] < y1) visitor.visit(i);
            }
            return;
        }
        for (long cy = cy0; cy <= cy1; cy++) {
            for (long cx = cx0; cx <= cx1; cx++) {
                int[] members = buckets.get(key(cx, cy));
                if (members == null) continue;
                for (int i : members) {
                    if (xs[i] >= x0 && xs[i] < x1 && ys[i] >= y0 && ys[i] < y1) visitor.visit(i);
                }
            }
        }
    }

    private Map<Long, int[]> bucket() {
        Map<Long, int[]> counts = new java.util.HashMap<>();
        Map<Long, Integer> sizes = new java.util.HashMap<>();
        for (int i = 0; i < xs.length; i++) sizes.merge(key(Math.floorDiv(xs[i], cell), Math.floorDiv(ys[i], cell)), 1, Integer::sum);
        sizes.forEach((k, s) -> counts.put(k, new int[s]));
        Map<Long, Integer> fill = new java.util.HashMap<>();
        for (int i = 0; i < xs.length; i++) {
            long k = key(Math.floorDiv(xs[i], cell), Math.floorDiv(ys[i], cell));
            int at = fill.merge(k, 1, Integer::sum) - 1;
            counts.get(k)[at] = i;
        }
        return counts;
    }

    private static long key(long cx, long cy) {
        return cx << 32 ^ (cy & 0xFFFF_FFFFL);
    }

    @Override
    public String toString() {
        return "patch grid of " + xs.length + " patches, values " + Arrays.toString(values.keySet().toArray());
    }
}
