import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tiff.Ifd;
import org.slidestream.tiff.TiffFile;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.JpegColour;
import org.slidestream.tiff.codec.JpegStreams;

/**
 * The JPEG codec's raw rate on a file's tiles: every tile of every JPEG IFD read with a positional
 * read, merged with the JPEGTables and decoded into a reused raster, rows of tiles spread over the
 * threads as ReaderBench's "all" mode does, but without the slide, the tile cache or any copy.
 * Prints "raw decode: N tiles in S s (R tiles/s)".
 *
 * <p>Usage: java RawDecodeBench.java FILE THREADS
 */
public class RawDecodeBench {
    static final int COMPRESSION = 259, PHOTOMETRIC = 262, TILE_WIDTH = 322, TILE_LENGTH = 323, TILE_OFFSETS = 324,
            TILE_BYTE_COUNTS = 325, JPEG_TABLES = 347, SAMPLES = 277;

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        JpegCodec jpeg = Codecs.jpeg(true);
        try (TiffFile tiff = TiffFile.open(path); FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Ifd> ifds = tiff.ifds();
            // Warm-up on the first IFD's first 200 tiles.
            run(ch, ifds.subList(0, 1), jpeg, pool, 200);
            long t0 = System.nanoTime();
            long tiles = run(ch, ifds, jpeg, pool, Long.MAX_VALUE);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "raw decode (%s): %d tiles in %.1f s (%.0f tiles/s)%n", jpeg.name(), tiles, s, tiles / s);
        }
    }

    static long run(FileChannel ch, List<Ifd> ifds, JpegCodec jpeg, ExecutorService pool, long limit) throws Exception {
        long tiles = 0;
        for (Ifd ifd : ifds) {
            if (ifd.longValue(COMPRESSION, 1) != 7 || !ifd.has(TILE_OFFSETS)) continue;
            int tw = (int) ifd.longValue(TILE_WIDTH, 0), th = (int) ifd.longValue(TILE_LENGTH, 0);
            int bands = (int) ifd.longValue(SAMPLES, 1);
            JpegColour colour = ifd.longValue(PHOTOMETRIC, 2) == 6 ? JpegColour.YCBCR : JpegColour.RGB;
            byte[] tables = ifd.has(JPEG_TABLES) ? ifd.bytes(JPEG_TABLES) : null;
            long[] offsets = ifd.longs(TILE_OFFSETS), counts = ifd.longs(TILE_BYTE_COUNTS);
            int n = (int) Math.min(offsets.length, limit);
            int chunk = 64;
            List<Future<?>> parts = new ArrayList<>();
            for (int from = 0; from < n; from += chunk) {
                int a = from, b = Math.min(n, from + chunk);
                parts.add(pool.submit(() -> {
                    Raster r = Raster.create(PixelType.UINT8, tw, th, bands);
                    for (int i = a; i < b; i++) {
                        if (counts[i] == 0) continue;
                        ByteBuffer buf = ByteBuffer.allocate((int) counts[i]);
                        try {
                            while (buf.hasRemaining()) ch.read(buf, offsets[i] + buf.position());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        jpeg.decode(JpegStreams.withTables(tables, buf.array()), colour, r);
                    }
                }));
            }
            for (Future<?> f : parts) f.get();
            tiles += n;
        }
        return tiles;
    }
}
