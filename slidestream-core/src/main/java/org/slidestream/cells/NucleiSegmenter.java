package org.slidestream.cells;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.writer.Downsampling;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;
import org.slidestream.tiff.writer.WriteMetadata;

/**
 * Nuclei from a nuclear stain (DAPI, Hoechst) by the classical method, for users without a
 * segmenter, written as a pyramidal label OME-TIFF (0 background, nuclei 1..N in row order of
 * their seeds by tile). The steps are scikit-image's, and give the same nuclei as running them on
 * the whole image:
 * <ol>
 *   <li>Gaussian smoothing of the channel ({@code sigma} pixels; {@code skimage.filters.gaussian}
 *       with {@code preserve_range=True});</li>
 *   <li>a threshold: given, or Otsu's on a 256-bin histogram of the whole smoothed image between
 *       its minimum and maximum ({@code threshold_otsu}); nuclei are the pixels above it;</li>
 *   <li>the Euclidean distance of each nucleus pixel to the background
 *       ({@code ndimage.distance_transform_edt});</li>
 *   <li>one seed per local maximum of the distance ({@code peak_local_max(distance,
 *       min_distance=d, exclude_border=False)});</li>
 *   <li>a seeded watershed of the negated distance within the mask
 *       ({@code watershed(-distance, markers, mask=mask)}), which splits touching nuclei.</li>
 * </ol>
 * The image is processed in tiles, each with an overlap of {@code overlap} pixels on every side so
 * that smoothing, distances, maxima and flooding near a tile's edge see their neighbourhood: seeds
 * are found once per tile (a pass that keeps 8 bytes per nucleus) and every output tile floods its
 * window from the seeds of all tiles it overlaps, so a nucleus crossing tiles has one label.
 * Nuclei wider than the overlap may differ from whole-image results where they cross a tile edge.
 */
public final class NucleiSegmenter {
    private static final int MAX_WINDOW = 4096;

    private NucleiSegmenter() {}

    /**
     * @param channel     the nuclear channel's index
     * @param sigma       Gaussian smoothing in pixels (0 for none)
     * @param threshold   the intensity threshold (after smoothing), or null for Otsu's
     * @param minDistance the smallest distance between two seeds, pixels
     * @param overlap     pixels of context around each tile (at least the largest nucleus' diameter)
     * @param tileSize    side of the tiles processed and written
     */
    public record Options(int channel, int z, int t, double sigma, Double threshold, int minDistance, int overlap, int tileSize) {
        public Options {
            if (channel < 0 || z < 0 || t < 0) throw new IllegalArgumentException("negative channel, z or t");
            if (!(sigma >= 0) || sigma > 50) throw new IllegalArgumentException("sigma must be 0..50 pixels: " + sigma);
            if (minDistance < 1) throw new IllegalArgumentException("min distance must be >= 1 pixel: " + minDistance);
            if (overlap < 0) throw new IllegalArgumentException("overlap must be >= 0: " + overlap);
            if (tileSize < 16 || tileSize % 16 != 0) throw new IllegalArgumentException("tile size must be a multiple of 16: " + tileSize);
            if (tileSize + 2 * overlap > MAX_WINDOW) throw new IllegalArgumentException("tile size + 2 x overlap must be at most " + MAX_WINDOW);
        }

        /** Channel {@code channel}, sigma 2, Otsu, seeds 5 px apart, 64 px overlap, 512 px tiles. */
        public static Options of(int channel) {
            return new Options(channel, 0, 0, 2, null, 5, 64, 512);
        }

        public Options withSigma(double s) { return new Options(channel, z, t, s, threshold, minDistance, overlap, tileSize); }

        public Options withThreshold(Double v) { return new Options(channel, z, t, sigma, v, minDistance, overlap, tileSize); }

        public Options withMinDistance(int d) { return new Options(channel, z, t, sigma, threshold, d, overlap, tileSize); }

        public Options withOverlap(int o) { return new Options(channel, z, t, sigma, threshold, minDistance, o, tileSize); }

        public Options withTileSize(int s) { return new Options(channel, z, t, sigma, threshold, minDistance, overlap, s); }

        public Options withPlane(int newZ, int newT) { return new Options(channel, newZ, newT, sigma, threshold, minDistance, overlap, tileSize); }
    }

    /** The label image written, how many nuclei and the threshold used. */
    public record Result(Path labels, long nuclei, double threshold) {}

    /**
     * Segments {@code image}'s nuclear channel and writes the labels to {@code out} (atomically).
     */
    public static Result segment(Slide image, Path out, Options o, Workers w, boolean allowNatives, Progress progress)
            throws IOException {
        SlideMetadata m = image.metadata();
        String name = image.path().getFileName().toString();
        if (o.channel() >= m.sizeC()) throw new IllegalArgumentException(name + ": no channel " + o.channel() + " (it has " + m.sizeC() + ")");
        if (o.z() >= m.sizeZ() || o.t() >= m.sizeT()) throw new IllegalArgumentException(name + ": no plane z=" + o.z() + " t=" + o.t());
        int width = image.level(0).width(), height = image.level(0).height();
        Grid grid = new Grid(image, o, width, height, Watershed.kernel(Math.max(o.sigma(), 1e-9)));
        List<Region> tiles = CellQuantifier.tiles(width, height, o.tileSize());
        int passes = o.threshold() == null ? 4 : 2;
        long total = (long) passes * tiles.size();
        int pass = 0;
        long window = (long) (o.tileSize() + 2 * o.overlap() + 2 * grid.radius) * (o.tileSize() + 2 * o.overlap() + 2 * grid.radius);
        long perTile = window * 8 * 6;
        double threshold;
        if (o.threshold() != null) {
            threshold = o.threshold();
        } else {
            double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            final int p0 = pass++;
            TileRunner.run(tiles, w, perTile, name + ": smoothing", tile -> grid.smoothed(tile), (tile, s) -> {
                for (double v : s) {
                    range[0] = Math.min(range[0], v);
                    range[1] = Math.max(range[1], v);
                }
            }, done -> progress.work(p0 * tiles.size() + done, total));
            long[] counts = new long[256];
            final int p1 = pass++;
            TileRunner.run(tiles, w, perTile, name + ": threshold", tile -> grid.smoothed(tile),
                    (tile, s) -> Otsu.histogram(s, range[0], range[1], counts), done -> progress.work(p1 * tiles.size() + done, total));
            threshold = Otsu.threshold(counts, range[0], range[1]);
        }
        grid.threshold = threshold;
        long[][] seeds = new long[tiles.size()][];
        final int p2 = pass++;
        int[] t = {0};
        TileRunner.run(tiles, w, perTile, name + ": seeds", grid::seeds, (tile, s) -> seeds[t[0]++] = s,
                done -> progress.work(p2 * tiles.size() + done, total));
        grid.setSeeds(seeds);
        long nuclei = grid.offsets[seeds.length];
        PixelType type = nuclei <= 65535 ? PixelType.UINT16 : PixelType.UINT32;
        if (nuclei > 0xFFFFFFFFL) throw new IllegalArgumentException(name + ": " + nuclei + " nuclei do not fit 32-bit labels");
        final int p3 = pass;
        TileSource labels = grid.labels(type);
        TiffWriteOptions to = TiffWriteOptions.defaults().withCompression(Compression.DEFLATE).withTileSize(o.tileSize())
                .withDownsampling(Downsampling.NEAREST);
        WriteMetadata meta = WriteMetadata.channels(List.of("labels"), m.mppX(), m.mppY()).withName("nuclei of " + name);
        TiffWriter.write(labels, out, to, meta, new WriteContext(w.budget(), w.pool(), w.threads(),
                (done, all) -> progress.work(p3 * tiles.size() + done * tiles.size() / Math.max(1, all), total), allowNatives));
        return new Result(out, nuclei, threshold);
    }

    /** The image's tiles, the smoothing kernel, the threshold and the seeds found. */
    private static final class Grid {
        final Slide image;
        final Options o;
        final int width, height, radius, across;
        final double[] kernel;
        double threshold;
        long[][] seeds;
        long[] offsets;

        Grid(Slide image, Options o, int width, int height, double[] kernel) {
            this.image = image;
            this.o = o;
            this.width = width;
            this.height = height;
            this.kernel = o.sigma() == 0 ? new double[] {1} : kernel;
            this.radius = this.kernel.length / 2;
            this.across = Math.ceilDiv(width, o.tileSize());
        }

        /** The smoothed channel over {@code r}, with the image's edges replicated as SciPy's 'nearest' mode. */
        double[] smoothed(Region r) {
            int pad = radius;
            Region want = new Region(r.x() - pad, r.y() - pad, r.width() + 2 * pad, r.height() + 2 * pad);
            Region in = want.intersect(new Region(0, 0, width, height));
            Raster raw = Raster.create(image.metadata().pixelType(), in.width(), in.height(), 1);
            image.readRegion(ReadRequest.atLevel(0, in.x(), in.y(), in.width(), in.height()).withChannel(o.channel())
                    .withZ(o.z()).withT(o.t()), raw);
            double[] v = Samples.values(raw);
            int ww = want.width(), wh = want.height();
            double[] padded = new double[ww * wh];
            for (int y = 0; y < wh; y++) {
                int sy = Math.clamp(want.y() + y, in.y(), in.bottom() - 1) - in.y();
                for (int x = 0; x < ww; x++) {
                    int sx = Math.clamp(want.x() + x, in.x(), in.right() - 1) - in.x();
                    padded[y * ww + x] = v[sy * in.width() + sx];
                }
            }
            return Watershed.gaussian(padded, ww, wh, kernel);
        }

        /** A tile with its overlap, cut to the image. */
        Region window(Region tile) {
            int ov = o.overlap();
            return new Region(tile.x() - ov, tile.y() - ov, tile.width() + 2 * ov, tile.height() + 2 * ov)
                    .intersect(new Region(0, 0, width, height));
        }

        private boolean[] mask(double[] smoothed) {
            boolean[] m = new boolean[smoothed.length];
            for (int i = 0; i < m.length; i++) m[i] = smoothed[i] > threshold;
            return m;
        }

        /** The seeds inside {@code tile}, as image positions {@code y * width + x}, increasing. */
        long[] seeds(Region tile) {
            Region win = window(tile);
            long[] d2 = Watershed.distance2(mask(smoothed(win)), win.width(), win.height());
            int[] peaks = Watershed.peaks(d2, win.width(), win.height(), o.minDistance());
            long[] out = new long[peaks.length];
            int k = 0;
            for (int p : peaks) {
                int x = win.x() + p % win.width(), y = win.y() + p / win.width();
                if (x >= tile.x() && x < tile.right() && y >= tile.y() && y < tile.bottom()) out[k++] = (long) y * width + x;
            }
            out = Arrays.copyOf(out, k);
            Arrays.sort(out);
            return out;
        }

        void setSeeds(long[][] s) {
            seeds = s;
            offsets = new long[s.length + 1];
            for (int i = 0; i < s.length; i++) offsets[i + 1] = offsets[i] + s[i].length;
        }

        /** The labels of any region: its window flooded from every seed inside the window. */
        TileSource labels(PixelType type) {
            ImageInfo info = new ImageInfo(width, height, 1, type, o.tileSize(), o.tileSize());
            return new TileSource() {
                @Override public ImageInfo info() { return info; }

                @Override public void read(int plane, Region region, Raster dest) {
                    dest.fill(0);
                    Region core = region.intersect(new Region(0, 0, width, height));
                    if (core.isEmpty()) return;
                    Region win = window(core);
                    boolean[] mask = mask(smoothed(win));
                    long[] d2 = Watershed.distance2(mask, win.width(), win.height());
                    int[] lab = new int[win.width() * win.height()];
                    markers(win, lab);
                    Watershed.flood(d2, mask, win.width(), win.height(), lab);
                    for (int y = 0; y < core.height(); y++) {
                        for (int x = 0; x < core.width(); x++) {
                            int v = lab[(core.y() - win.y() + y) * win.width() + core.x() - win.x() + x];
                            dest.setAt((core.y() - region.y() + y) * dest.width() + core.x() - region.x() + x,
                                    type == PixelType.UINT32 ? Integer.toUnsignedLong(v) : v);
                        }
                    }
                }
            };
        }

        /** Every seed inside {@code win}, labelled by its global number (1-based). */
        private void markers(Region win, int[] lab) {
            int ts = o.tileSize();
            for (int ty = win.y() / ts; ty <= (win.bottom() - 1) / ts; ty++) {
                for (int tx = win.x() / ts; tx <= (win.right() - 1) / ts; tx++) {
                    int t = ty * across + tx;
                    long[] s = seeds[t];
                    for (int k = 0; k < s.length; k++) {
                        int x = (int) (s[k] % width), y = (int) (s[k] / width);
                        if (x < win.x() || x >= win.right() || y < win.y() || y >= win.bottom()) continue;
                        lab[(y - win.y()) * win.width() + x - win.x()] = (int) (offsets[t] + k + 1);
                    }
                }
            }
        }
    }
}
