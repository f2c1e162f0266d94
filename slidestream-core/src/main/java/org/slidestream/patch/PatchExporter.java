package org.slidestream.patch;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.csv.Csv;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Type;
import org.slidestream.format.npy.NpyDtype;
import org.slidestream.format.npy.NpyWriter;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideException;
import org.slidestream.tissue.Overlays;
import org.slidestream.tissue.Segmentation;
import org.slidestream.tissue.TissueOutputs;

/**
 * Writes a slide's planned patches: {@code patches.csv}, the pixels ({@link PatchSave}) and, last,
 * {@code coords.h5} in the layout CLAM and TRIDENT read, each file atomically, so that a slide
 * whose {@code coords.h5} exists is complete. Patches are read in parallel on a pool, a bounded
 * number in flight (each reserved from the budget), block by block of the slide ({@link #readOrder}),
 * and each is written at its index in the plan, so the outputs are the same whatever the number of
 * threads or the order of reading.
 */
public final class PatchExporter {
    public static final String COORDS = "coords.h5";
    public static final String CSV = "patches.csv";
    public static final String NPY = "patches.npy";
    public static final String IMAGES = "patches";

    /**
     * @param save      what to save of the pixels
     * @param images    PNG level and JPEG quality
     * @param transform applied to each patch before saving, or null
     * @param columns   extra per-patch values
     */
    public record Options(PatchSave save, ImageFiles.Options images, PatchTransform transform, List<PatchColumns> columns) {
        public Options {
            columns = List.copyOf(columns);
        }

        public static Options of(PatchSave save) {
            return new Options(save, ImageFiles.Options.DEFAULT, null, List.of());
        }
    }

    /** Where the work runs: the run's budget, a pool for reads, its size, and progress (done, total). */
    public record Context(MemoryBudget budget, ExecutorService pool, int threads, Progress progress) {}

    @FunctionalInterface
    public interface Progress {
        void patches(long done, long total);
    }

    private PatchExporter() {}

    /** Writes every output for {@code coords} into {@code dir}; returns the number of patches. */
    public static long export(Slide slide, String name, PatchSpec spec, PatchResolution.Resolved res, List<PatchCoord> coords,
                              Path dir, Options o, Context ctx) throws IOException {
        List<double[]> extra = new ArrayList<>(coords.size());
        List<String> extraNames = new ArrayList<>();
        for (PatchColumns c : o.columns()) extraNames.addAll(c.names());
        for (PatchCoord c : coords) {
            double[] row = new double[extraNames.size()];
            int k = 0;
            for (PatchColumns pc : o.columns()) {
                double[] v = pc.values(c);
                if (v.length != pc.names().size()) throw new IllegalStateException("extra columns " + pc.names() + " gave " + v.length + " values");
                System.arraycopy(v, 0, row, k, v.length);
                k += v.length;
            }
            extra.add(row);
        }
        writeCsv(dir.resolve(CSV), coords, extraNames, extra);
        if (o.save() != PatchSave.NONE) writePixels(slide, spec, res, coords, dir, o, ctx);
        writeCoords(dir.resolve(COORDS), slide, name, spec, res, coords, o.columns(), extra);
        return coords.size();
    }

    /** The tissue thumbnail with each patch outlined (blue), written atomically to {@code file}. */
    public static void writeThumbnail(Segmentation seg, List<PatchCoord> coords, double side0, Path file) throws IOException {
        Raster t = Overlays.tissue(seg);
        int f = Overlays.factor(seg);
        double sx = seg.mask().scaleX() * f, sy = seg.mask().scaleY() * f;
        for (PatchCoord c : coords) {
            int x0 = (int) Math.floor(c.x() / sx), y0 = (int) Math.floor(c.y() / sy);
            int x1 = (int) Math.ceil((c.x() + side0) / sx), y1 = (int) Math.ceil((c.y() + side0) / sy);
            Overlays.rectangle(t, x0, y0, Math.max(x0 + 1, x1), Math.max(y0 + 1, y1), 0x1E3CC8);
        }
        TissueOutputs.writeImage(t, file);
    }

    static void writeCsv(Path file, List<PatchCoord> coords, List<String> names, List<double[]> extra) throws IOException {
        try (AtomicOutput out = AtomicOutput.file(file)) {
            try (Writer w = Files.newBufferedWriter(out.path(), StandardCharsets.UTF_8)) {
                List<Object> header = new ArrayList<>(List.of("x", "y", "tissue_fraction"));
                header.addAll(names);
                Csv.writeRow(w, header);
                // numbers never need CSV quoting: written directly (a whole slide has 10^5 rows)
                for (int i = 0; i < coords.size(); i++) {
                    PatchCoord c = coords.get(i);
                    w.write(Long.toString(c.x()));
                    w.write(',');
                    w.write(Long.toString(c.y()));
                    w.write(',');
                    w.write(fmt(c.tissueFraction()));
                    for (double v : extra.get(i)) {
                        w.write(',');
                        w.write(fmt(v));
                    }
                    w.write('\n');
                }
            }
            out.commit();
        }
    }

    private static String fmt(double v) {
        // whole-tissue patches are most rows: skip the formatter for them
        if (v == 1.0) return "1.000000";
        if (v == 0.0) return "0.000000";
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static void writeCoords(Path file, Slide slide, String name, PatchSpec spec, PatchResolution.Resolved res,
                                    List<PatchCoord> coords, List<PatchColumns> columns, List<double[]> extra) throws IOException {
        long[] xy = new long[coords.size() * 2];
        for (int i = 0; i < coords.size(); i++) {
            xy[2 * i] = coords.get(i).x();
            xy[2 * i + 1] = coords.get(i).y();
        }
        LevelInfo l0 = slide.level(0);
        long w = res.level() >= 0 ? slide.level(res.level()).width() : Math.round(l0.width() / res.downsample());
        long h = res.level() >= 0 ? slide.level(res.level()).height() : Math.round(l0.height() / res.downsample());
        Double mag0 = PatchResolution.level0Magnification(slide);
        Double mpp0 = slide.metadata().mppX();
        try (H5File f = H5File.create(file, true)) {
            H5Dataset d = f.createDataset("coords", H5Type.INT64, new long[] {0, 2}, H5Layout.EXTENDABLE);
            if (xy.length > 0) d.append(xy);
            // CLAM's attributes
            d.setAttribute("patch_size", spec.size());
            d.setAttribute("patch_level", res.readLevel());
            d.setAttribute("downsample", new double[] {res.downsample(), res.downsample()});
            d.setAttribute("downsampled_level_dim", new long[] {w, h});
            d.setAttribute("level_dim", new long[] {w, h});
            d.setAttribute("name", name);
            // TRIDENT's
            d.setAttribute("patch_size_level0", Math.round(spec.size() * res.downsample()));
            d.setAttribute("level0_magnification", mag0 == null ? -1 : Math.round(mag0));
            d.setAttribute("target_magnification", mag0 == null ? -1 : Math.round(mag0 / res.downsample()));
            d.setAttribute("overlap", spec.size() - spec.stride());
            d.setAttribute("mpp", mpp0 == null ? Double.NaN : mpp0 * res.downsample());
            // the slide the coordinates belong to, so that feature extraction finds it without a mapping
            d.setAttribute("slide_path", slide.path().toAbsolutePath().normalize().toString());
            int k = 0;
            for (PatchColumns pc : columns) {
                List<String> names = pc.names();
                if (pc.dataset() != null) {
                    int m = names.size();
                    double[] block = new double[coords.size() * m];
                    for (int i = 0; i < coords.size(); i++) System.arraycopy(extra.get(i), k, block, i * m, m);
                    H5Dataset e = f.createDataset(pc.dataset(), H5Type.FLOAT64, new long[] {0, m}, H5Layout.EXTENDABLE);
                    if (block.length > 0) e.append(block);
                    e.setAttribute("columns", names.toArray(String[]::new));
                    k += m;
                    continue;
                }
                for (String n : names) {
                    double[] col = new double[coords.size()];
                    for (int i = 0; i < col.length; i++) col[i] = extra.get(i)[k];
                    H5Dataset e = f.createDataset(n, H5Type.FLOAT64, new long[] {0}, H5Layout.EXTENDABLE);
                    if (col.length > 0) e.append(col);
                    k++;
                }
            }
            f.commit();
        }
    }

    private record Pending(int index, Future<Object> result, Reservation reservation) {}

    /** Patches across (and down) a block of the read order, when tiles are smaller than that. */
    static final int BLOCK_PATCHES = 4;

    /**
     * The tile cache patch export needs: the tiles of the block being read, its neighbours' edge and
     * the patches in flight ({@link #readOrder}), independent of the slide's size. A larger cache
     * only holds tiles that are never read again.
     */
    public static final long TILE_CACHE_BYTES = 32L << 20;

    /**
     * The order in which patches are read: square blocks of the slide, row by row of blocks, and
     * within a block by place in their tiles, then row by row of patches (plan order breaking ties).
     * A block is {@link #BLOCK_PATCHES}
     * patches or one tile of the level read across, whichever is larger. Plan order goes row by row
     * (or column by column) over the whole slide, so the tiles a patch shares with the next row of
     * patches would have to stay cached for a whole width of patches; within a block they are
     * reused a few patches later, so the tiles that reading needs at once do not depend on the
     * slide's size. Within a block, patches at the same place in their tiles go first, one per
     * tile, then the next place: row by row, consecutive patches would share a tile, and the workers
     * given them would wait for the one decoding it instead of decoding the next tile meanwhile
     * (JPEG export of 7,941 256 px patches from 512 px tiles on 2 threads: 4.8-5.1 -> 3.9-4.5 s).
     *
     * @param side0  patch side in level-0 pixels
     * @param tile0  tile side of the level read, in level-0 pixels (0 or less: unknown)
     */
    static int[] readOrder(List<PatchCoord> coords, double side0, double tile0) {
        double block = Math.max(1, Math.max(BLOCK_PATCHES * side0, tile0));
        Comparator<Integer> byBlock = Comparator.<Integer>comparingLong(i -> (long) Math.floor(coords.get(i).y() / block))
                .thenComparingLong(i -> (long) Math.floor(coords.get(i).x() / block))
                .thenComparingLong(i -> placeInTile(coords.get(i).y(), side0, tile0))
                .thenComparingLong(i -> placeInTile(coords.get(i).x(), side0, tile0))
                .thenComparingLong(i -> coords.get(i).y())
                .thenComparingLong(i -> coords.get(i).x())
                .thenComparingInt(i -> i);
        Integer[] sorted = new Integer[coords.size()];
        for (int i = 0; i < sorted.length; i++) sorted[i] = i;
        Arrays.sort(sorted, byBlock);
        int[] order = new int[sorted.length];
        for (int i = 0; i < order.length; i++) order[i] = sorted[i];
        return order;
    }

    /** Which patch-sized step of its tile a coordinate falls in (0 when tiles are no larger than patches). */
    private static long placeInTile(long v, double side0, double tile0) {
        if (tile0 <= side0) return 0;
        double inTile = v - Math.floor(v / tile0) * tile0;
        return (long) Math.floor(inTile / side0);
    }

    /** Tile side of the level patches are read from, in level-0 pixels (0: untiled or unknown). */
    private static double readTile0(Slide slide, PatchResolution.Resolved res) {
        int level = res.level() >= 0 ? res.level() : slide.bestLevelForDownsample(res.downsample());
        LevelInfo l = slide.level(level);
        return Math.max(l.tileWidth(), l.tileHeight()) * l.downsample();
    }

    private static void writePixels(Slide slide, PatchSpec spec, PatchResolution.Resolved res, List<PatchCoord> coords,
                                    Path dir, Options o, Context ctx) throws IOException {
        if (slide.metadata().pixelType() != PixelType.UINT8 || slide.metadata().sizeC() != 3) {
            throw new SlideException(slide.path(), "saving patch pixels needs 8-bit RGB, not " + slide.metadata().sizeC()
                    + " channels of " + slide.metadata().pixelType());
        }
        int size = spec.size();
        long patchBytes = Raster.byteSize(PixelType.UINT8, size, size, 3);
        long perPatch = o.save() == PatchSave.NPY ? patchBytes : patchBytes * 2; // pixels and their encoding
        ctx.budget().checkFits(perPatch, "one " + size + "x" + size + " patch");
        // patches in flight: four per thread keep the workers busy while the oldest one decodes
        // its tile (twice as many: 3.9-4.5 -> 3.6-3.7 s on the export above; eight per thread: no faster)
        int window = Math.max(2, ctx.threads() * 4);
        ImageFiles.Format format = o.save() == PatchSave.JPEG ? ImageFiles.Format.JPEG : ImageFiles.Format.PNG;
        String ext = o.save() == PatchSave.JPEG ? ".jpg" : ".png";
        AtomicOutput folder = null;
        NpyWriter npy = null;
        ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        // patch buffers are reused: at most window + threads exist, instead of one per patch as garbage
        Queue<Raster> free = new ConcurrentLinkedQueue<>();
        Reservation spare = ctx.budget().reserve(patchBytes * ctx.threads(), "patch buffers waiting for reuse");
        try {
            if (o.save() == PatchSave.NPY) {
                npy = NpyWriter.create(dir.resolve(NPY), NpyDtype.UINT8, new long[] {size, size, 3}, coords.size(), true);
            } else folder = AtomicOutput.directory(dir.resolve(IMAGES));
            long done = 0;
            // image files are written by the workers (creating a file is a system call worth a tenth
            // of a JPEG patch: on one thread it bounds the rate); the npy rows here, in order
            Path images = folder == null ? null : folder.path();
            for (int i : readOrder(coords, size * res.downsample(), readTile0(slide, res))) {
                PatchCoord c = coords.get(i);
                Reservation r = ctx.budget().reserve(perPatch, "one patch");
                try {
                    inFlight.add(new Pending(i, ctx.pool().submit(() -> readOne(slide, res, size, c, o, format, images, ext, free)), r));
                } catch (RuntimeException e) {
                    r.close();
                    throw e;
                }
                if (inFlight.size() >= window) {
                    write(inFlight.removeFirst(), npy, free);
                    ctx.progress().patches(++done, coords.size());
                }
            }
            while (!inFlight.isEmpty()) {
                write(inFlight.removeFirst(), npy, free);
                ctx.progress().patches(++done, coords.size());
            }
            if (npy != null) npy.commit();
            else folder.commit();
        } finally {
            for (Pending p : inFlight) {
                p.result().cancel(true);
                p.reservation().close();
            }
            if (npy != null) npy.close();
            if (folder != null) folder.close();
            spare.close();
        }
    }

    /** Reads one patch: the raster for npy, else encoded and written to {@code images} (returns null then). */
    private static Object readOne(Slide slide, PatchResolution.Resolved res, int size, PatchCoord c, Options o,
                                  ImageFiles.Format format, Path images, String ext, Queue<Raster> free) throws IOException {
        Raster patch = free.poll();
        if (patch == null) patch = Raster.create(PixelType.UINT8, size, size, 3);
        int x = Math.toIntExact(c.x()), y = Math.toIntExact(c.y());
        ReadRequest req = res.level() >= 0 ? ReadRequest.atLevel(res.level(), x, y, size, size)
                : ReadRequest.atDownsample(res.downsample(), x, y, size, size);
        slide.readRegion(req, patch);
        if (o.transform() != null) patch = o.transform().apply(patch, c);
        if (o.save() == PatchSave.NPY) return patch;
        byte[] encoded = ImageFiles.encode(patch, format, o.images());
        recycle(patch, size, free);
        Files.write(images.resolve(c.x() + "_" + c.y() + ext), encoded);
        return null;
    }

    private static void recycle(Raster r, int size, Queue<Raster> free) {
        if (r.width() == size && r.height() == size && r.bands() == 3 && r.type() == PixelType.UINT8) free.offer(r);
    }

    private static void write(Pending p, NpyWriter npy, Queue<Raster> free) throws IOException {
        try (Reservation r = p.reservation()) {
            Object result = await(p.result());
            if (npy != null) {
                npy.write(p.index(), result);
                recycle((Raster) result, (int) npy.rowShape()[0], free);
            }
        }
    }

    private static Object await(Future<Object> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error err) throw err;
            if (c instanceof IOException io) throw io;
            throw new IOException(c);
        }
    }
}
