package org.slidestream.tiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemoryBudgetExceededException;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * Mutation fuzzing of the TIFF parser and tile decoding: small real TIFFs (tifffile and vips wrote
 * them in the set-up) with random byte changes in their structure and data, and truncations, each
 * opened and read. Only typed slide errors may escape (or a budget refusal for a tile a damaged tag
 * makes huge), never another exception, an OutOfMemoryError or a hang. A fixed seed; the system
 * property {@code slidestream.fuzz.cases} raises the case count for a long run
 * ({@code slidestream.fuzz.natives=true} fuzzes the native codecs too).
 */
class TiffFuzzTest {
    private static final int CASES = Integer.getInteger("slidestream.fuzz.cases", 2500);
    private static final boolean NATIVES = Boolean.getBoolean("slidestream.fuzz.natives");
    private static final long CASE_TIMEOUT_S = 30;

    @TempDir static Path dir;
    private static final List<byte[]> SEEDS = new ArrayList<>();
    private static final List<List<long[]>> STRUCTURE = new ArrayList<>();
    private static ExecutorService worker;

    private static final String SCRIPT = """
            import sys, numpy as np, tifffile
            out = sys.argv[1]
            y, x = np.mgrid[0:80, 0:96]
            rgb = np.stack([((np.sin(x / 5.0 + c) + 1) * 120).astype(np.uint8) for c in range(3)], -1)
            tifffile.imwrite(out + '/a.tif', rgb, tile=(32, 32), compression='zlib', predictor=True)
            tifffile.imwrite(out + '/b.tif', np.stack([(x * 300 + y + c).astype(np.uint16) for c in range(3)]), planarconfig='separate', byteorder='>', rowsperstrip=9)
            tifffile.imwrite(out + '/c.tif', (np.sin(x / 3.0) * y).astype(np.float32), tile=(32, 32), bigtiff=True)
            with tifffile.TiffWriter(out + '/d.ome.tif', ome=True) as t:
                d = np.stack([(x + c * 40).astype(np.uint8) for c in range(2)])
                t.write(d, subifds=1, tile=(32, 32), metadata=dict(axes='CYX', Channel=dict(Name=['a', 'b'])))
                t.write(d[:, ::2, ::2], subfiletype=1, tile=(32, 32))
            """;

    @BeforeAll
    static void seeds() throws IOException {
        ReferenceTools.requirePythonModules("tifffile", "numpy");
        ReferenceTools.requireProgram("vips");
        ReferenceTools.python(SCRIPT, dir).requireSuccess("tifffile seeds");
        Path kidney = SharedData.slide("kidney-48-5.tif");
        String vips = "set -e; cd \"$1\"; vips crop \"$2\" s.v 300 200 200 150;"
                + " vips tiffsave s.v e.tif --tile --tile-width 64 --tile-height 64 --pyramid --compression jpeg;"
                + " vips tiffsave s.v f.tif --tile --tile-width 64 --tile-height 64 --pyramid --subifd --compression lzw;"
                + " vips crop s.v s2.v 0 0 100 70; vips tiffsave s2.v g.tif --tile --tile-width 64 --tile-height 64 --compression jp2k";
        ReferenceTools.run(List.of("sh", "-c", vips, "sh", dir.toString(), kidney.toString()), 120).requireSuccess("vips seeds");
        for (String n : new String[] {"a.tif", "b.tif", "c.tif", "d.ome.tif", "e.tif", "f.tif", "g.tif"}) {
            Path p = dir.resolve(n);
            SEEDS.add(Files.readAllBytes(p));
            STRUCTURE.add(structure(p));
        }
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-case");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        if (worker != null) worker.shutdownNow();
    }

    /** Byte ranges of the header, the IFD tables and the tag values: where mutations find most bugs. */
    private static List<long[]> structure(Path p) {
        List<long[]> out = new ArrayList<>();
        out.add(new long[] {0, 16});
        try (TiffFile f = TiffFile.open(p)) {
            List<Ifd> all = new ArrayList<>(f.ifds());
            for (int i = 0; i < all.size(); i++) all.addAll(all.get(i).subIfds());
            for (Ifd ifd : all) {
                out.add(new long[] {ifd.offset(), ifd.offset() + 8 + 20L * 30});
                for (int tag : new int[] {Tag.TILE_OFFSETS, Tag.TILE_BYTE_COUNTS, Tag.STRIP_OFFSETS, Tag.STRIP_BYTE_COUNTS,
                        Tag.BITS_PER_SAMPLE, Tag.JPEG_TABLES, Tag.SUB_IFDS, Tag.IMAGE_DESCRIPTION}) {
                    Ifd.Entry e = ifd.entry(tag);
                    if (e != null) out.add(new long[] {e.position(), e.position() + Math.min(64, e.count() * Ifd.typeSize(e.type()))});
                }
            }
        }
        return out;
    }

    @Test
    void mutatedFilesGiveTypedErrorsOnly() throws Exception {
        Path file = dir.resolve("case.tif");
        int opened = 0, failed = 0;
        long start = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            Random rnd = new Random(0x5EED_0000L + i);
            int s = rnd.nextInt(SEEDS.size());
            byte[] data = mutate(SEEDS.get(s), STRUCTURE.get(s), rnd);
            Files.write(file, data);
            final int id = i;
            Future<Boolean> f = worker.submit(() -> runCase(file));
            try {
                if (f.get(CASE_TIMEOUT_S, TimeUnit.SECONDS)) opened++; else failed++;
            } catch (TimeoutException e) {
                StringBuilder where = new StringBuilder();
                Thread t = caseThread;
                if (t != null) for (StackTraceElement el : t.getStackTrace()) where.append("\n  at ").append(el);
                f.cancel(true);
                Path keep = SharedData.projectRoot().resolve("slidestream-core/target/fuzz-hang-" + id + ".tif");
                Files.createDirectories(keep.getParent());
                Files.write(keep, data);
                fail("case " + id + " (seed file " + s + ", saved as " + keep + ") did not finish in " + CASE_TIMEOUT_S + " s:" + where);
            } catch (java.util.concurrent.ExecutionException e) {
                Path keep = SharedData.projectRoot().resolve("slidestream-core/target/fuzz-failure-" + id + ".tif");
                Files.createDirectories(keep.getParent());
                Files.write(keep, data);
                StringWriter sw = new StringWriter();
                e.getCause().printStackTrace(new PrintWriter(sw));
                fail("case " + id + " (seed file " + s + ", saved as " + keep + ") threw " + sw);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzz: %d cases in %.1f s (%d read fully, %d typed errors)%n", CASES, seconds, opened, failed);
        assertThat(opened + failed).isEqualTo(CASES);
        assertThat(failed).as("mutations that were noticed").isPositive();
    }

    /** Opens and reads a file; true when everything read, false on a typed error. Anything else propagates. */
    private static volatile Thread caseThread;

    private static boolean runCase(Path file) {
        caseThread = Thread.currentThread();
        SlideOptions options = SlideOptions.forBudget(new MemoryBudget(64L << 20)).withNatives(NATIVES);
        try (Slide s = Slide.open(file, options)) {
            int bands = s.metadata().sizeC();
            for (int l = 0; l < Math.min(6, s.levelCount()); l++) {
                var li = s.level(l);
                Raster r = Raster.create(s.metadata().pixelType(), 64, 64, bands);
                s.readLevelRegion(l, new Region(0, 0, 64, 64), Plane.FIRST, r);
                s.readLevelRegion(l, new Region(li.width() / 2, li.height() / 2, 64, 64),
                        Plane.of(s.metadata().sizeZ() - 1, s.metadata().sizeT() - 1), r);
            }
            s.readRegion(ReadRequest.atDownsample(3.3, 0, 0, 32, 32));
            for (String a : s.associatedImages()) s.readAssociated(a);
            return true;
        } catch (SlideException | MemoryBudgetExceededException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return false;
        }
    }

    private static byte[] mutate(byte[] seed, List<long[]> structure, Random rnd) {
        byte[] d = seed.clone();
        int kind = rnd.nextInt(100);
        if (kind < 12) {
            return java.util.Arrays.copyOf(d, rnd.nextInt(d.length));
        }
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            int pos;
            if (rnd.nextInt(100) < 70) {
                long[] range = structure.get(rnd.nextInt(structure.size()));
                long len = Math.max(1, range[1] - range[0]);
                pos = (int) Math.min(d.length - 1, range[0] + rnd.nextInt((int) Math.min(len, Integer.MAX_VALUE)));
            } else {
                pos = rnd.nextInt(d.length);
            }
            if (kind < 40 && pos + 4 <= d.length) {
                int[] extremes = {0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x10000, 0xFFFF, d.length, d.length - 1, 0x80000000};
                int v = extremes[rnd.nextInt(extremes.length)];
                for (int b = 0; b < 4; b++) d[pos + b] = (byte) (v >>> (8 * (rnd.nextBoolean() ? b : 3 - b)));
            } else {
                d[pos] = (byte) rnd.nextInt(256);
            }
        }
        return d;
    }
}
