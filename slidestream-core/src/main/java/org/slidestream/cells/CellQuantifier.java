package org.slidestream.cells;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slidestream.format.anndata.AnnDataWriter;
import org.slidestream.format.anndata.DataFrameWriter;
import org.slidestream.format.h5.H5Type;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.Reservation;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

/**
 * Per-cell measurements of a multi-channel image from an integer label image on the same pixel
 * grid (any segmenter's output, or {@link NucleiSegmenter}'s), written as AnnData: cells are
 * observations, channels are variables.
 *
 * <p>Both images are read tile by tile at full resolution; each tile's cells are summarised
 * ({@link TileCells}) on the pool's threads and added to one accumulator per cell in tile order,
 * so a cell crossing tiles is measured exactly as if the image were whole, and memory is one
 * accumulator per cell, not the image. Medians need every pixel of a cell: they are a second pass
 * that keeps the intensities of the cells crossing the current row of tiles only.
 *
 * <p>Output ({@code .h5ad}, rows in label order, index the label as text):
 * {@code X} the first statistic (the mean) per cell and channel (float64), one layer per other
 * statistic; {@code obs}: {@code label}, {@code area} (pixels), {@code centroid_x},
 * {@code centroid_y} (pixel indices, the mean of the cell's pixel positions), bounding box
 * {@code bbox_x0}, {@code bbox_y0} (first pixel), {@code bbox_x1}, {@code bbox_y1} (one past the
 * last, as scikit-image), {@code eccentricity}, {@code solidity}, {@code extent},
 * {@code major_axis_length}, {@code minor_axis_length} (scikit-image's definitions), and in µm
 * {@code area_um2}, {@code centroid_x_um}, {@code centroid_y_um} when the image has a pixel size;
 * {@code obsm['spatial']} the centroids (x, y) in pixels; {@code var} indexed by channel name.
 */
public final class CellQuantifier {
    private CellQuantifier() {}

    /** What was written. */
    public record Result(long cells, int channels, long tiles) {}

    /**
     * Measures every cell of {@code labels} in {@code image} and writes {@code out} atomically.
     *
     * @throws IllegalArgumentException when the label image is not an integer image of one channel
     *                                  on the image's grid, or the plane does not exist
     */
    public static Result quantify(Slide image, Slide labels, Path out, QuantifyOptions options, Workers workers,
                                  Progress progress) throws IOException {
        LevelInfo l0 = check(image, labels, options);
        SlideMetadata meta = image.metadata();
        int channels = meta.sizeC();
        List<Region> tiles = tiles(l0.width(), l0.height(), options.tileSize());
        boolean medians = options.statistics().contains(Statistic.MEDIAN);
        long totalWork = tiles.size() * (medians ? 2L : 1L);
        CellTable table = new CellTable(channels);
        long perTile = tileBytes(options.tileSize(), channels, meta.pixelType(), labels.metadata().pixelType());
        String what = image.path().getFileName() + ": quantify";
        List<Reservation> held = new ArrayList<>();
        try {
            long[] reservedCells = {0};
            TileRunner.run(tiles, workers, perTile, what, tile -> scan(image, labels, tile, options, channels, true, false),
                    (tile, cellsOfTile) -> {
                        table.add(cellsOfTile);
                        if (table.count > reservedCells[0]) {       // the table's memory, reserved as it grows
                            long more = Math.max(table.count - reservedCells[0], Math.max(4096, reservedCells[0]));
                            held.add(workers.budget().reserve(more * table.bytesPerCell(), what + ": " + (reservedCells[0] + more) + " cells"));
                            reservedCells[0] += more;
                        }
                    }, done -> progress.work(done, totalWork));
            double[][] median = medians ? medians(image, labels, tiles, table, options, workers, perTile,
                    done -> progress.work(tiles.size() + done, totalWork)) : null;
            write(out, image, labels, table, median, options);
            return new Result(table.count, channels, tiles.size());
        } finally {
            held.forEach(Reservation::close);
        }
    }

    private static LevelInfo check(Slide image, Slide labels, QuantifyOptions o) {
        SlideMetadata m = image.metadata(), lm = labels.metadata();
        String ln = labels.path().getFileName().toString(), in = image.path().getFileName().toString();
        if (lm.sizeC() != 1) throw new IllegalArgumentException(ln + ": a label image has one channel, this one has " + lm.sizeC());
        PixelType lt = lm.pixelType();
        if (lt.isFloat()) {
            throw new IllegalArgumentException(ln + ": labels must be integers (uint8, uint16 or uint32), not " + lt.omeName());
        }
        LevelInfo a = image.level(0), b = labels.level(0);
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException(ln + " is " + b.width() + "x" + b.height() + " but " + in + " is " + a.width() + "x"
                    + a.height() + ": the label image must be on the image's pixel grid");
        }
        if (o.z() >= m.sizeZ() || o.t() >= m.sizeT()) {
            throw new IllegalArgumentException(in + ": no plane z=" + o.z() + " t=" + o.t() + " (it has " + m.sizeZ() + " z and "
                    + m.sizeT() + " t)");
        }
        if (m.brightfield()) {
            throw new IllegalArgumentException(in + ": an RGB brightfield image; quantify measures fluorescence channels (convert "
                    + "or deconvolve the stains first)");
        }
        return a;
    }

    static List<Region> tiles(int width, int height, int size) {
        List<Region> out = new ArrayList<>();
        for (int y = 0; y < height; y += size) {
            for (int x = 0; x < width; x += size) out.add(new Region(x, y, Math.min(size, width - x), Math.min(size, height - y)));
        }
        return out;
    }

    private static long tileBytes(int size, int channels, PixelType image, PixelType labels) {
        long px = (long) size * size;
        return px * (8 + labels.bytes() + channels * (8L + image.bytes())) + px * 2;
    }

    private static TileCells scan(Slide image, Slide labels, Region tile, QuantifyOptions o, int channels, boolean stats,
                                  boolean values) {
        Raster lab = Raster.create(labels.metadata().pixelType(), tile.width(), tile.height(), 1);
        labels.readRegion(ReadRequest.atLevel(0, tile.x(), tile.y(), tile.width(), tile.height()).withChannel(0), lab);
        long[] l = Samples.labels(lab, tile.x(), tile.y(), labels.path().getFileName().toString());
        Raster px = Raster.create(image.metadata().pixelType(), tile.width(), tile.height(), channels);
        image.readRegion(ReadRequest.atLevel(0, tile.x(), tile.y(), tile.width(), tile.height()).withZ(o.z()).withT(o.t()), px);
        return TileCells.scan(tile.x(), tile.y(), tile.width(), tile.height(), l, Samples.values(px), channels, stats, values);
    }

    /**
     * Medians per cell and channel: the tiles again, keeping the intensities of the cells that
     * cross the current row of tiles; a cell's medians are taken, and its values dropped, once the
     * rows pass its bounding box.
     */
    private static double[][] medians(Slide image, Slide labels, List<Region> tiles, CellTable table, QuantifyOptions o,
                                      Workers workers, long perTile, java.util.function.LongConsumer progress) throws IOException {
        int channels = table.channels;
        double[][] out = new double[table.count][];
        Map<Integer, double[]> open = new HashMap<>();
        Map<Integer, Integer> filled = new HashMap<>();
        int[] rowEnd = {-1};
        TileRunner.run(tiles, workers, perTile, image.path().getFileName() + ": medians",
                tile -> scan(image, labels, tile, o, channels, false, true), (tile, t) -> {
                    if (tile.y() != rowEnd[0] && rowEnd[0] >= 0) close(table, open, filled, out, tile.y());
                    rowEnd[0] = tile.y();
                    for (int j = 0; j < t.count; j++) {
                        int i = table.indexOf(t.label[j]);
                        double[] buf = open.computeIfAbsent(i, k -> new double[(int) Math.min(Integer.MAX_VALUE - 8, table.area[k] * channels)]);
                        int at = filled.getOrDefault(i, 0);
                        System.arraycopy(t.values[j], 0, buf, at, t.valueCount[j]);
                        filled.put(i, at + t.valueCount[j]);
                    }
                }, progress);
        close(table, open, filled, out, Integer.MAX_VALUE);
        return out;
    }

    private static void close(CellTable table, Map<Integer, double[]> open, Map<Integer, Integer> filled, double[][] out, int rowsBefore) {
        int channels = table.channels;
        for (var it = open.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            int i = e.getKey();
            if (table.y1[i] > rowsBefore) continue;
            double[] v = e.getValue();
            int n = filled.get(i) / channels;
            double[] m = new double[channels];
            double[] ch = new double[n];
            for (int c = 0; c < channels; c++) {
                for (int k = 0; k < n; k++) ch[k] = v[k * channels + c];
                Arrays.sort(ch);
                m[c] = n % 2 == 1 ? ch[n / 2] : (ch[n / 2 - 1] + ch[n / 2]) / 2;
            }
            out[i] = m;
            it.remove();
            filled.remove(i);
        }
    }

    private static void write(Path out, Slide image, Slide labels, CellTable t, double[][] medians, QuantifyOptions o)
            throws IOException {
        SlideMetadata m = image.metadata();
        int n = t.count, channels = t.channels;
        int[] order = t.labelOrder();
        Double mppX = m.mppX(), mppY = m.mppY();
        try (AnnDataWriter w = AnnDataWriter.create(out, n, channels, o.gzip())) {
            w.var().index(m.channelNames().toArray(String[]::new));
            int[] channelIndex = new int[channels];
            for (int c = 0; c < channels; c++) channelIndex[c] = c;
            w.var().column("channel", channelIndex);

            List<Statistic> stats = o.statistics();
            for (int s = 0; s < stats.size(); s++) {
                Statistic st = stats.get(s);
                double[] v = new double[n * channels];
                for (int r = 0; r < n; r++) {
                    int i = order[r];
                    for (int c = 0; c < channels; c++) v[r * channels + c] = statistic(st, t, medians, i, c);
                }
                w.dense(s == 0 ? "X" : "layers/" + st.key(), H5Type.FLOAT64, channels).write(0, v);
            }

            DataFrameWriter obs = w.obs();
            String[] index = new String[n];
            long[] label = new long[n], area = new long[n];
            long[] bx0 = new long[n], by0 = new long[n], bx1 = new long[n], by1 = new long[n];
            double[] cx = new double[n], cy = new double[n], ecc = new double[n], sol = new double[n], ext = new double[n];
            double[] major = new double[n], minor = new double[n], xy = new double[2 * n];
            for (int r = 0; r < n; r++) {
                int i = order[r];
                label[r] = t.label[i];
                index[r] = Long.toString(t.label[i]);
                area[r] = t.area[i];
                cx[r] = t.centroidX(i);
                cy[r] = t.centroidY(i);
                bx0[r] = t.x0[i];
                by0[r] = t.y0[i];
                bx1[r] = t.x1[i];
                by1[r] = t.y1[i];
                double[] l = t.inertiaEigenvalues(i);
                ecc[r] = t.eccentricity(i);
                major[r] = 4 * Math.sqrt(l[0]);
                minor[r] = 4 * Math.sqrt(l[1]);
                sol[r] = t.solidity(i);
                ext[r] = t.extent(i);
                xy[2 * r] = cx[r];
                xy[2 * r + 1] = cy[r];
            }
            obs.index(index);
            obs.column("label", label);
            obs.column("area", area);
            obs.column("centroid_x", cx);
            obs.column("centroid_y", cy);
            if (mppX != null && mppY != null) {
                double[] a = new double[n], ux = new double[n], uy = new double[n];
                for (int r = 0; r < n; r++) {
                    a[r] = area[r] * mppX * mppY;
                    ux[r] = cx[r] * mppX;
                    uy[r] = cy[r] * mppY;
                }
                obs.column("area_um2", a);
                obs.column("centroid_x_um", ux);
                obs.column("centroid_y_um", uy);
            }
            obs.column("bbox_x0", bx0);
            obs.column("bbox_y0", by0);
            obs.column("bbox_x1", bx1);
            obs.column("bbox_y1", by1);
            obs.column("eccentricity", ecc);
            obs.column("solidity", sol);
            obs.column("extent", ext);
            obs.column("major_axis_length", major);
            obs.column("minor_axis_length", minor);
            w.dense("obsm/spatial", H5Type.FLOAT64, 2).write(0, xy);

            Map<String, Object> info = new LinkedHashMap<>();
            info.put("image", image.path().toAbsolutePath().toString());
            info.put("labels", labels.path().toAbsolutePath().toString());
            info.put("statistics", stats.stream().map(Statistic::key).toArray(String[]::new));
            info.put("z", (long) o.z());
            info.put("t", (long) o.t());
            if (mppX != null) info.put("mpp_x", mppX);
            if (mppY != null) info.put("mpp_y", mppY);
            w.uns("quantify", info);
            w.commit();
        }
    }

    private static double statistic(Statistic s, CellTable t, double[][] medians, int i, int c) {
        int k = i * t.channels + c;
        double n = t.area[i];
        return switch (s) {
            case MEAN -> t.sum[k] / n;
            case SUM -> t.sum[k];
            case MIN -> t.min[k];
            case MAX -> t.max[k];
            case MEDIAN -> medians[i][c];
            case STD -> {
                double mean = t.sum[k] / n;
                yield Math.sqrt(Math.max(0, t.sumSq[k] / n - mean * mean));
            }
        };
    }
}
