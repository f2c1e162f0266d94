package org.slidestream.tiff;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.philips.PhilipsSlideTest;
import org.slidestream.scn.ScnSlideTest;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.Downsampled;
import org.slidestream.testing.MutationFuzz;
import org.slidestream.testing.NdpiWriter;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.ventana.VentanaSlideTest;

/**
 * Mutation fuzzing of the TIFF-based vendor formats: NDPI (its 64-bit offsets, JPEG headers,
 * McuStarts and the restart markers themselves), and the XML flavours (SCN, Philips, Ventana's
 * iScan and EncodeInfo, QPTIFF), each case a mutated copy of a seed opened and read at every level.
 * Mutations fall mostly on the structure: the IFDs, the tags' values, the JPEG headers and markers,
 * and inside the XML, where a value is replaced (same length) by an extreme or a non-number. Only
 * typed one-line slide errors may escape, never another exception, an OutOfMemoryError or a hang.
 * {@code slidestream.fuzz.cases} sets the count (the benchmark's long run).
 */
class VendorFormatsFuzzTest {
    @TempDir static Path dir;
    /** Seeds and, for each, the byte ranges worth mutating. */
    record Seed(String name, byte[] bytes, List<long[]> hot, List<long[]> xml) {}

    static final List<Seed> SEEDS = new ArrayList<>();

    @BeforeAll
    static void seeds() throws Exception {
        Path ndpi = dir.resolve("small.ndpi"), scan = dir.resolve("scan.ndpi");
        try (Slide s = Slide.open(SharedData.slide("cmu-1-small-region.svs"))) {
            List<NdpiWriter.Level> levels = List.of(new NdpiWriter.Level(new Downsampled(s, 2, 512, 384), 20f),
                    new NdpiWriter.Level(new Downsampled(s, 8, 128, 96), 5f));
            new NdpiWriter(8, ChromaSubsampling.S444, 80).write(ndpi, levels, null);
            new NdpiWriter(4, ChromaSubsampling.S444, 80).withoutMcuStarts().write(scan, levels, null);
        }
        Path scn = dir.resolve("scn"), philips = dir.resolve("philips"), ventana = dir.resolve("ventana");
        Files.createDirectories(scn);
        Files.createDirectories(philips);
        Files.createDirectories(ventana);
        add("ndpi", ndpi);
        add("ndpi-scan", scan);
        add("ndpi-real", SharedData.format("hamamatsu-tritc.ndpi"));
        add("scn", ScnSlideTest.write(scn));
        add("philips", PhilipsSlideTest.write(philips));
        add("ventana", VentanaSlideTest.write(ventana, false));
        add("ventana-dp200", VentanaSlideTest.write(ventana, true));
        add("qptiff", SharedData.format("akoya-vectra.qptiff"));
    }

    private static void add(String name, Path file) throws Exception {
        List<long[]> hot = new ArrayList<>(), xml = new ArrayList<>();
        hot.add(new long[] {0, 16});
        try (TiffFile f = TiffFile.open(file)) {
            for (Ifd ifd : f.ifds()) {
                hot.add(new long[] {ifd.offset(), ifd.offset() + f.layout().directoryBytes(40)});
                for (int tag : new int[] {270, 700}) {
                    Ifd.Entry e = ifd.entry(tag);
                    if (e != null) xml.add(new long[] {e.position(), e.position() + e.count()});
                }
                for (int tag : new int[] {273, 279, 324, 325, 347, 65426}) {
                    Ifd.Entry e = ifd.entry(tag);
                    if (e != null) hot.add(new long[] {e.position(), e.position() + Math.min(256, e.count() * Ifd.typeSize(e.type()))});
                }
                if (ifd.has(65426) && ifd.has(273)) {
                    long start = f.fileOffset(ifd, ifd.longValue(273, 0));
                    hot.add(new long[] {start, start + 700}); // the level's JPEG header
                    long[] mcu = ifd.longs(65426, 64);
                    for (int i = 1; i < mcu.length; i++) hot.add(new long[] {start + mcu[i] - 2, start + mcu[i]}); // restart markers
                }
            }
        }
        SEEDS.add(new Seed(name, Files.readAllBytes(file), hot, xml));
    }

    @Test
    void mutatedVendorFilesGiveTypedErrorsOnly() throws Exception {
        Path file = dir.resolve("case.tif");
        MutationFuzz.run("tiff-vendor", MutationFuzz.cases(1250), 0x7E4D_0000L, (id, rnd) -> {
            Seed seed = SEEDS.get(id % SEEDS.size());
            Files.write(file, mutate(seed, rnd));
            return read(file);
        });
    }

    /** Mutates the structure (60 %), the XML's values (25 %, same length), or anywhere. */
    static byte[] mutate(Seed s, Random rnd) {
        int kind = rnd.nextInt(100);
        if (kind < 25 && !s.xml().isEmpty()) return mutateXml(s, rnd);
        List<long[]> ranges = kind < 85 ? s.hot() : List.of(new long[] {0, s.bytes().length});
        byte[] d = s.bytes().clone();
        if (rnd.nextInt(100) < 10) return java.util.Arrays.copyOf(d, rnd.nextInt(d.length));
        int n = 1 + rnd.nextInt(4);
        for (int k = 0; k < n; k++) {
            long[] r = ranges.get(rnd.nextInt(ranges.size()));
            int pos = (int) Math.min(d.length - 1, r[0] + rnd.nextInt((int) Math.max(1, r[1] - r[0])));
            MutationFuzz.overwrite(d, pos, rnd.nextBoolean(), rnd);
        }
        return d;
    }

    /** Replaces an attribute value or an element's text inside the XML by another of the same length. */
    private static byte[] mutateXml(Seed s, Random rnd) {
        byte[] d = s.bytes().clone();
        long[] r = s.xml().get(rnd.nextInt(s.xml().size()));
        String text = new String(d, (int) r[0], (int) (r[1] - r[0]), StandardCharsets.ISO_8859_1);
        List<int[]> values = new ArrayList<>();
        for (int i = text.indexOf('"'); i >= 0 && i + 1 < text.length(); ) {
            int j = text.indexOf('"', i + 1);
            if (j < 0) break;
            values.add(new int[] {i + 1, j});
            i = text.indexOf('"', j + 1);
        }
        for (int i = text.indexOf('>'); i >= 0; i = text.indexOf('>', i + 1)) {
            int j = text.indexOf('<', i);
            if (j > i + 1) values.add(new int[] {i + 1, j});
        }
        if (values.isEmpty()) return d;
        int[] v = values.get(rnd.nextInt(values.size()));
        int len = v[1] - v[0];
        String[] choices = {"0", "-1", "99999999999999999999", "2147483648", "1e309", "NaN", "x", "", "LEFT", "DOWN", "WSI", "-0.5"};
        String rep = choices[rnd.nextInt(choices.length)];
        StringBuilder b = new StringBuilder(rep.length() > len ? rep.substring(0, len) : rep);
        while (b.length() < len) b.append(rnd.nextBoolean() ? ' ' : '9');
        byte[] rb = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(rb, 0, d, (int) r[0] + v[0], len);
        return d;
    }

    /** Opens and reads a file: true when everything read. */
    static boolean read(Path file) {
        SlideOptions options = SlideOptions.forBudget(new MemoryBudget(64L << 20));
        try (Slide s = Slide.open(file, options)) {
            int bands = s.metadata().sizeC();
            for (int l = 0; l < Math.min(8, s.levelCount()); l++) {
                var li = s.level(l);
                Raster r = Raster.create(s.metadata().pixelType(), 64, 64, bands);
                s.readLevelRegion(l, new Region(0, 0, 64, 64), Plane.FIRST, r);
                s.readLevelRegion(l, new Region(li.width() / 2, li.height() / 2, 64, 64), Plane.FIRST, r);
            }
            s.readRegion(ReadRequest.atDownsample(3.3, 0, 0, 32, 32));
            for (String a : s.associatedImages()) s.readAssociated(a);
            return true;
        }
    }
}
