package org.slidestream.tiff.writer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.tiff.codec.Compression;

/**
 * Streams a tile source into a pyramidal TIFF.
 *
 * <p>Tiles are visited in a fixed recursive (quadtree, post-order) order: a tile of level k is made
 * from the 2x2 block of level k-1 tiles below it, right after them. Each level therefore holds at
 * most three pending half-tiles waiting for their siblings, whatever the image's width, and level 0
 * is read once. Reading and encoding run on the context's pool; at most {@link #window} tiles are
 * in flight, and their bytes are written in the visiting order by the calling thread, so the file
 * is the same byte for byte whatever the number of threads. Tile offsets are per tile in the tags,
 * so the order tiles take in the file is free; the IFDs go at the end.
 */
final class PyramidWriter {
    static final String SOFTWARE = "slidestream";

    private final TileSource source;
    private final ImageInfo info;
    private final TiffWriteOptions options;
    private final WriteMetadata metadata;
    private final WriteContext context;
    private final TileEncoder encoder;
    private final int tile;
    private final int planes;
    /** Main IFDs per plane: the band count for OME channels, else 1 (bands interleaved). */
    private final int images;
    private final int samples;
    private final int[] levelW;
    private final int[] levelH;
    private final boolean big;
    private final int window;
    /** Per image and level: offsets and byte counts of the tiles, row by row. */
    private final long[][][] offsets;
    private final int[][][] counts;
    private final long totalTiles;

    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    /**
     * Full tiles and full half tiles to reuse: their number is bounded by the tiles in flight, and
     * reusing them keeps the garbage collector (and so the heap) quiet on long runs. Every sample of
     * a reused raster is overwritten (read or copied, then padded), so reuse never shows in the file.
     */
    private final ConcurrentLinkedQueue<Raster> spareTiles = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Raster> spareHalves = new ConcurrentLinkedQueue<>();
    private FileChannel out;
    private long position;
    private long written;

    private record Pending(int plane, int level, int tx, int ty, CompletableFuture<Done> result) {}

    /** A finished tile: its encoded bytes per image, and its half for the level below (then dropped). */
    private static final class Done {
        byte[][] encoded;
        Raster half;
    }

    PyramidWriter(TileSource source, TiffWriteOptions options, WriteMetadata metadata, WriteContext context) {
        this.source = source;
        this.info = source.info();
        this.options = options;
        this.metadata = metadata;
        this.context = context;
        this.tile = options.tileSize();
        this.planes = source.planes();
        PixelType type = info.pixelType();
        if (planes < 1) throw new IllegalArgumentException("source has no planes");
        if (metadata.rgb() && info.bands() != 3) {
            throw new IllegalArgumentException("RGB output needs 3 bands, the source has " + info.bands());
        }
        boolean split = options.layout() == TiffLayout.OME && !metadata.rgb() && info.bands() > 1;
        this.images = split ? info.bands() : 1;
        this.samples = split ? 1 : info.bands();
        if (options.layout() == TiffLayout.GENERIC && planes > 1) {
            throw new IllegalArgumentException("the generic layout holds one plane; this source has " + planes
                    + " (Z sections or time points): use the OME layout");
        }
        if (options.compression() == Compression.JPEG && (type.bytes() != 1 || (samples != 1 && samples != 3))) {
            throw new IllegalArgumentException("JPEG needs 8-bit samples, 1 or 3 per pixel (this image: " + samples + " x "
                    + type.omeName() + "); use deflate, zstd or lzw");
        }
        List<int[]> sizes = new ArrayList<>();
        int w = info.width(), h = info.height();
        sizes.add(new int[] {w, h});
        while (Math.max(w, h) > options.minLevelSide() && Math.max(w, h) > 1) {
            w = (w + 1) / 2;
            h = (h + 1) / 2;
            sizes.add(new int[] {w, h});
        }
        int levels = sizes.size();
        levelW = new int[levels];
        levelH = new int[levels];
        long tiles = 0;
        for (int k = 0; k < levels; k++) {
            levelW[k] = sizes.get(k)[0];
            levelH[k] = sizes.get(k)[1];
            tiles += (long) across(k) * down(k);
        }
        long perImage = tiles;
        this.totalTiles = perImage * images * planes;
        long tileBytes = Raster.byteSize(type, tile, tile, samples);
        double expansion = switch (options.compression()) {
            case LZW -> 1.5;      // LZW grows incompressible data
            case JPEG -> 1.25;    // quality 100 on noise can exceed the raw size
            default -> 1.01;
        };
        double estimate = totalTiles * (double) tileBytes * expansion + totalTiles * 16.0 + (1 << 20);
        this.big = options.bigTiff() == BigTiffMode.ALWAYS || estimate > 0xFFFF_FFFFL;
        if (perImage * images * planes > Integer.MAX_VALUE) throw new IllegalArgumentException("too many tiles");
        this.offsets = new long[images * planes][levels][];
        this.counts = new int[images * planes][levels][];
        for (int i = 0; i < images * planes; i++) {
            for (int k = 0; k < levels; k++) {
                int n = across(k) * down(k);
                offsets[i][k] = new long[n];
                counts[i][k] = new int[n];
            }
        }
        this.encoder = new TileEncoder(options, type, context.allowNatives());
        long full = Raster.byteSize(type, tile, tile, info.bands());
        this.window = windowFor(context, full);
    }

    /** Tiles in flight: enough to keep every thread busy, fewer when the budget is small. */
    private int windowFor(WriteContext ctx, long full) {
        int wanted = 2 * ctx.threads() + 2;
        long perEntry = 2 * full + full / 4;  // encoded bytes and half in flight, a spare tile
        long fixed = fixedBytes(full);
        long affordable = (ctx.budget().total() / 2 - fixed) / perEntry;
        return (int) Math.max(1, Math.min(wanted, affordable));
    }

    private long fixedBytes(long full) {
        // Running tasks hold a tile, its byte copy, the predictor's copy and the output; each level
        // keeps up to three halves (a quarter tile each) waiting for their parent.
        return context.threads() * 3L * full + levelW.length * full;
    }

    /** Bytes to reserve from the budget for the whole write. */
    long reservation() {
        long full = Raster.byteSize(info.pixelType(), tile, tile, info.bands());
        return fixedBytes(full) + window * (2 * full + full / 4);
    }

    boolean bigTiff() { return big; }

    List<ImageInfo> levelInfos() {
        List<ImageInfo> l = new ArrayList<>();
        for (int k = 0; k < levelW.length; k++) {
            l.add(new ImageInfo(levelW[k], levelH[k], samples, info.pixelType(), tile, tile));
        }
        return l;
    }

    private int across(int k) { return Math.ceilDiv(levelW[k], tile); }

    private int down(int k) { return Math.ceilDiv(levelH[k], tile); }

    private int top() { return levelW.length - 1; }

    /** Writes the whole file to {@code channel} (empty, at position 0); returns its size. */
    long write(FileChannel channel) throws IOException {
        this.out = channel;
        position = big ? 16 : 8;
        try {
            for (int p = 0; p < planes; p++) {
                int k = top();
                for (int ty = 0; ty < down(k); ty++) {
                    for (int tx = 0; tx < across(k); tx++) submit(p, k, tx, ty);
                }
            }
            while (!inFlight.isEmpty()) writeOldest();
        } catch (RuntimeException | IOException | Error e) {
            settle();
            throw unwrap(e);
        }
        long firstIfd = writeIfds();
        ByteBuffer head = ByteBuffer.allocate(big ? 16 : 8).order(ByteOrder.LITTLE_ENDIAN);
        head.put((byte) 'I').put((byte) 'I');
        if (big) {
            head.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(firstIfd);
        } else {
            head.putShort((short) 42).putInt((int) firstIfd);
        }
        head.flip();
        writeAt(head, 0);
        return position;
    }

    private CompletableFuture<Done> submit(int plane, int k, int tx, int ty) throws IOException {
        CompletableFuture<Done> f;
        if (k == 0) {
            f = CompletableFuture.supplyAsync(() -> levelZero(plane, tx, ty), context.pool());
        } else {
            List<CompletableFuture<Done>> kids = new ArrayList<>(4);
            int[] dxs = new int[4], dys = new int[4];
            for (int dy = 0; dy < 2; dy++) {
                for (int dx = 0; dx < 2; dx++) {
                    int cx = 2 * tx + dx, cy = 2 * ty + dy;
                    if (cx < across(k - 1) && cy < down(k - 1)) {
                        dxs[kids.size()] = dx;
                        dys[kids.size()] = dy;
                        kids.add(submit(plane, k - 1, cx, cy));
                    }
                }
            }
            f = CompletableFuture.allOf(kids.toArray(CompletableFuture[]::new))
                    .thenApplyAsync(v -> combine(k, tx, ty, kids, dxs, dys), context.pool());
        }
        inFlight.add(new Pending(plane, k, tx, ty, f));
        while (inFlight.size() > window) writeOldest();
        return f;
    }

    private Done levelZero(int plane, int tx, int ty) {
        Region r = new Region(tx * tile, ty * tile, Math.min(tile, levelW[0] - tx * tile), Math.min(tile, levelH[0] - ty * tile));
        Raster t = spareTile();
        if (r.width() == tile && r.height() == tile) {
            source.read(plane, r, t);
        } else {
            Raster part = Raster.create(info.pixelType(), r.width(), r.height(), info.bands());
            source.read(plane, r, part);
            t.copyFrom(part, 0, 0, 0, 0, r.width(), r.height());
            Downsample.pad(t, r.width(), r.height());
        }
        return finish(t, 0, r.width(), r.height());
    }

    private Done combine(int k, int tx, int ty, List<CompletableFuture<Done>> kids, int[] dxs, int[] dys) {
        Raster t = spareTile();
        int half = tile / 2;
        for (int i = 0; i < kids.size(); i++) {
            Done d = kids.get(i).join();
            Raster h = d.half;
            d.half = null;
            t.copyFrom(h, 0, 0, dxs[i] * half, dys[i] * half, h.width(), h.height());
            if (h.width() == half && h.height() == half) spareHalves.add(h);
        }
        int vw = Math.min(tile, levelW[k] - tx * tile), vh = Math.min(tile, levelH[k] - ty * tile);
        Downsample.pad(t, vw, vh);
        return finish(t, k, vw, vh);
    }

    private Done finish(Raster t, int k, int vw, int vh) {
        Done d = new Done();
        if (k < top()) {
            Raster spare = vw == tile && vh == tile ? spareHalves.poll() : null;
            d.half = spare != null ? Downsample.half(t, vw, vh, spare) : Downsample.half(t, vw, vh);
        }
        d.encoded = new byte[images][];
        if (images == 1) {
            d.encoded[0] = encoder.encode(t);
        } else {
            for (int c = 0; c < images; c++) d.encoded[c] = encoder.encode(t.band(c));
        }
        spareTiles.add(t);
        return d;
    }

    private Raster spareTile() {
        Raster t = spareTiles.poll();
        return t != null ? t : Raster.create(info.pixelType(), tile, tile, info.bands());
    }

    private void writeOldest() throws IOException {
        Pending p = inFlight.poll();
        Done d = p.result().join();
        int index = p.ty() * across(p.level()) + p.tx();
        for (int c = 0; c < images; c++) {
            byte[] bytes = d.encoded[c];
            int image = p.plane() * images + c;
            offsets[image][p.level()][index] = position;
            counts[image][p.level()][index] = bytes.length;
            writeAt(ByteBuffer.wrap(bytes), position);
            position += bytes.length;
            if ((position & 1) != 0) {  // keep offsets word-aligned, as TIFF 6.0 advises
                writeAt(ByteBuffer.wrap(new byte[1]), position);
                position++;
            }
        }
        d.encoded = null;
        if (!big && position > 0xFFFF_FFFFL) {
            throw new IOException("the output passed 4 GiB, the limit of classic TIFF: write it as BigTIFF (--bigtiff)");
        }
        written += images;
        context.progress().tiles(written, totalTiles);
    }

    private void writeAt(ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) p += out.write(b, p);
    }

    /** After a failure: lets the tiles still running finish, so that nothing runs once the write returns. */
    private void settle() {
        for (Pending p : inFlight) {
            try {
                p.result().handle((v, e) -> null).join();
            } catch (RuntimeException ignored) {
                // settled
            }
        }
        inFlight.clear();
    }

    /** The failure a tile task raised, as it was thrown there (not wrapped by the future). */
    private static IOException unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
        if (t instanceof IOException io) return io;
        if (t instanceof UncheckedIOException u) return u.getCause();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error er) throw er;
        throw new IllegalStateException(t);
    }

    /** Lays out and writes every IFD after the tile data; returns the first one's offset. */
    private long writeIfds() throws IOException {
        int levels = levelW.length;
        Ifd[][] table = new Ifd[images * planes][levels];
        for (int i = 0; i < images * planes; i++) {
            for (int k = 0; k < levels; k++) table[i][k] = ifd(i, k);
        }
        // Sizes do not depend on the offsets an IFD holds, so the layout is computed first.
        long[][] at = new long[images * planes][levels];
        long pos = position;
        for (int i = 0; i < images * planes; i++) {
            for (int k = 0; k < levels; k++) {
                at[i][k] = pos;
                pos += table[i][k].size();
            }
        }
        long first = at[0][0];
        for (int i = 0; i < images * planes; i++) {
            for (int k = 0; k < levels; k++) {
                long next;
                if (options.layout() == TiffLayout.OME) {
                    if (k == 0 && levels > 1) {
                        long[] s = new long[levels - 1];
                        for (int j = 1; j < levels; j++) s[j - 1] = at[i][j];
                        table[i][0].ifds(330, s);
                    }
                    next = k == 0 && i + 1 < images * planes ? at[i + 1][0] : 0;
                } else {
                    next = k + 1 < levels ? at[i][k + 1] : 0;
                }
                ByteBuffer b = table[i][k].serialize(at[i][k], next);
                writeAt(b, at[i][k]);
            }
        }
        if (!big && pos > 0xFFFF_FFFFL) {
            throw new IOException("the output passed 4 GiB, the limit of classic TIFF: write it as BigTIFF (--bigtiff)");
        }
        position = pos;
        return first;
    }

    private Ifd ifd(int image, int k) {
        PixelType type = info.pixelType();
        boolean jpeg = options.compression() == Compression.JPEG;
        boolean rgb = metadata.rgb() && samples == 3;
        boolean ycbcr = jpeg && samples == 3;
        Ifd d = new Ifd(big);
        d.longs(254, k > 0 ? 1 : 0);
        d.longs(256, levelW[k]);
        d.longs(257, levelH[k]);
        d.shorts(258, repeat(type.bits(), samples));
        d.shorts(259, options.compression().code());
        d.shorts(262, ycbcr ? 6 : rgb || samples == 3 ? 2 : 1);
        if (image == 0 && k == 0 && options.layout() == TiffLayout.OME) {
            d.ascii(270, OmeXml.of(info, planes, images, metadata));
        }
        d.shorts(277, samples);
        if (metadata.mppX() != null && metadata.mppY() != null) {
            d.rationals(282, resolution(metadata.mppX(), (double) levelW[0] / levelW[k]));
            d.rationals(283, resolution(metadata.mppY(), (double) levelH[0] / levelH[k]));
            d.shorts(296, 3);
        }
        d.shorts(284, 1);
        d.ascii(305, SOFTWARE);
        if (encoder.predictor() != 0) d.shorts(317, encoder.predictor());
        d.longs(322, tile);
        d.longs(323, tile);
        d.offsets(324, offsets[image][k]);
        long[] c = new long[counts[image][k].length];
        for (int i = 0; i < c.length; i++) c[i] = counts[image][k][i];
        d.offsets(325, c);
        if (options.layout() == TiffLayout.OME && k == 0 && levelW.length > 1) {
            d.ifds(330, new long[levelW.length - 1]);  // filled in once the layout is known
        }
        int colour = samples >= 3 && (rgb || samples == 3) ? 3 : 1;
        if (samples > colour) d.shorts(338, new long[samples - colour]);
        d.shorts(339, repeat(type.isFloat() ? 3 : type.isSigned() ? 2 : 1, samples));
        if (ycbcr) {
            d.shorts(530, options.subsampling().horizontal(), options.subsampling().vertical());
            d.rationals(532, 0, 1, 255, 1, 128, 1, 255, 1, 128, 1, 255, 1);
        }
        return d;
    }

    /** Pixels per centimetre as a rational, for a level {@code downsample} times coarser. */
    private static long[] resolution(double mpp, double downsample) {
        double perCm = 10_000.0 / (mpp * downsample);
        long den = 1000;
        long num = Math.round(perCm * den);
        while (num > 0xFFFF_FFFFL) {
            den /= 10;
            num = Math.round(perCm * den);
        }
        return new long[] {num, den};
    }

    private static long[] repeat(long v, int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
