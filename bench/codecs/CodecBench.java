import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.JpegColour;
import org.slidestream.tiff.codec.JpegStreams;

/**
 * Tiles per second of each JPEG and JPEG 2000 codec on real slide tiles (dumped by run.sh):
 * decoding, and JPEG encoding at quality 90, 4:2:0. Prints "format op codec tiles/s" lines; writes
 * the merged JPEG tile streams next to the input so that the reference run decodes the same bytes.
 *
 * <p>Usage: java CodecBench.java TILE_DIR SECONDS THREADS
 */
public class CodecBench {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        double seconds = Double.parseDouble(args[1]);
        int threads = Integer.parseInt(args[2]);

        byte[] tables = Files.readAllBytes(dir.resolve("jpeg/tables.bin"));
        List<byte[]> jpegTiles = new ArrayList<>();
        Files.createDirectories(dir.resolve("merged"));
        int i = 0;
        for (Path p : sorted(dir.resolve("jpeg"), ".tile")) {
            byte[] merged = JpegStreams.withTables(tables, Files.readAllBytes(p), JpegColour.RGB);
            jpegTiles.add(merged);
            Files.write(dir.resolve("merged").resolve(String.format("%04d.jpg", i++)), merged);
        }
        List<byte[]> j2kTiles = new ArrayList<>();
        for (Path p : sorted(dir.resolve("j2k"), ".tile")) j2kTiles.add(Files.readAllBytes(p));

        JpegStreams.Header h = JpegStreams.header(jpegTiles.getFirst());
        int tw = h.width(), th = h.height();
        List<Raster> decoded = new ArrayList<>();
        for (byte[] t : jpegTiles) {
            Raster r = Raster.create(PixelType.UINT8, tw, th, 3);
            Codecs.jpeg(false).decode(t, JpegColour.RGB, r);
            decoded.add(r);
        }
        System.err.printf("%d JPEG tiles (%dx%d), %d JPEG 2000 tiles, %.1f s per measurement, %d thread(s)%n",
                jpegTiles.size(), tw, th, j2kTiles.size(), seconds, threads);

        List<JpegCodec> jpegCodecs = new ArrayList<>(List.of(Codecs.jpeg(false)));
        if (Codecs.nativeJpegAvailable()) jpegCodecs.add(Codecs.jpeg(true));
        List<Jpeg2000Codec> j2kCodecs = new ArrayList<>(List.of(Codecs.jpeg2000(false)));
        if (Codecs.nativeJpeg2000Available()) j2kCodecs.add(Codecs.jpeg2000(true));

        ThreadLocal<Raster> jpegDest = ThreadLocal.withInitial(() -> Raster.create(PixelType.UINT8, tw, th, 3));
        for (JpegCodec c : jpegCodecs) {
            report("jpeg", "decode", c.name(), rate(seconds, threads, k -> {
                c.decode(jpegTiles.get(k % jpegTiles.size()), JpegColour.RGB, jpegDest.get());
            }));
            report("jpeg", "encode", c.name(), rate(seconds, threads, k -> {
                c.encode(decoded.get(k % decoded.size()), 90, ChromaSubsampling.S420);
            }));
        }
        Jpeg2000Header j2k = Jpeg2000Header.of(j2kTiles.getFirst());
        ThreadLocal<Raster> j2kDest = ThreadLocal.withInitial(() -> Raster.create(PixelType.UINT8, j2k.width, j2k.height, 3));
        for (Jpeg2000Codec c : j2kCodecs) {
            report("jpeg2000", "decode", c.name(), rate(seconds, threads, k -> {
                c.decode(j2kTiles.get(k % j2kTiles.size()), JpegColour.RGB, j2kDest.get());
            }));
        }
    }

    /** The tile size from the SIZ marker (Xsiz, Ysiz at bytes 8 and 12). */
    private record Jpeg2000Header(int width, int height) {
        static Jpeg2000Header of(byte[] j2k) {
            return new Jpeg2000Header(u32(j2k, 8), u32(j2k, 12));
        }

        private static int u32(byte[] b, int at) {
            return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
        }
    }

    private static List<Path> sorted(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static void report(String format, String op, String codec, double rate) {
        System.out.printf("%s %s %s %.1f%n", format, op, codec, rate);
    }

    /**
     * Operations per second over {@code seconds} on {@code threads} threads, after a warm-up as
     * long (at least 2 s: JJ2000 takes seconds of JIT compilation to reach its speed).
     */
    private static double rate(double seconds, int threads, IntConsumer op) throws Exception {
        run(Math.max(2, seconds), threads, op);
        return run(seconds, threads, op);
    }

    private static double run(double seconds, int threads, IntConsumer op) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Long>> counts = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int offset = t * 7919;
                counts.add(pool.submit(() -> {
                    long n = 0;
                    while (!stop.get()) op.accept((int) (offset + n++));
                    return n;
                }));
            }
            Thread.sleep((long) (seconds * 1000));
            stop.set(true);
            long total = 0;
            for (Future<Long> f : counts) total += f.get();
            return total / ((System.nanoTime() - start) / 1e9);
        }
    }
}
