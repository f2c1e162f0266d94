package org.slidestream.mirax;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.TileCache;
import org.slidestream.testing.MutationFuzz;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.codec.Codecs;

/**
 * Mutation fuzzing of the MIRAX parsers (Slidedat.ini, Index.dat) and image placement: a slide from
 * the test-side writer with one of its files changed per case: Index.dat bytes (mostly its tables),
 * Slidedat.ini values (a number replaced by an extreme, a line dropped, bytes changed), a data file's
 * bytes, or a truncation; each opened and every level read. 1,250 cases here;
 * {@code slidestream.fuzz.cases} for the long run in {@code bench/fuzz}.
 */
class MiraxFuzzTest {
    @TempDir Path dir;

    private static final String[] EXTREMES = {"0", "-1", "1", "2147483647", "-2147483648", "65536", "1e308", "NaN", "", "x", "33"};

    @Test
    void mutatedSlidesGiveTypedErrorsOnly() throws Exception {
        ReferenceTools.requirePythonModules("openslide", "numpy", "PIL");
        String writer = new String(MiraxFuzzTest.class.getResourceAsStream("mirax_writer.py").readAllBytes());
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        ReferenceTools.python(writer, SharedData.slide("cmu-1-small-region.svs"), seedDir, "slide", 2, 2).requireSuccess("MIRAX writer");
        Map<String, byte[]> seed = new LinkedHashMap<>();
        for (String f : List.of("Slidedat.ini", "Index.dat", "Data0000.dat", "Data0001.dat")) {
            seed.put(f, Files.readAllBytes(seedDir.resolve("slide").resolve(f)));
        }
        Path caseDir = Files.createDirectories(dir.resolve("case").resolve("slide"));
        Path mrxs = caseDir.resolveSibling("slide.mrxs");
        Files.write(mrxs, new byte[0]);
        TileCache cache = new TileCache(new MemoryBudget(256L << 20), 16L << 20);
        MutationFuzz.run("mirax", MutationFuzz.cases(1250), 0x3D41_0000L, (id, rnd) -> {
            for (Map.Entry<String, byte[]> e : seed.entrySet()) Files.write(caseDir.resolve(e.getKey()), e.getValue());
            int which = rnd.nextInt(100);
            if (which < 40) {
                Files.write(caseDir.resolve("Index.dat"), MutationFuzz.mutate(seed.get("Index.dat"), seed.get("Index.dat").length, rnd));
            } else if (which < 80) {
                Files.write(caseDir.resolve("Slidedat.ini"), mutateIni(seed.get("Slidedat.ini"), rnd));
            } else if (which < 95) {
                byte[] d = seed.get("Data0000.dat");
                Files.write(caseDir.resolve("Data0000.dat"), MutationFuzz.mutate(d, d.length, rnd));
            } else {
                Files.delete(caseDir.resolve(rnd.nextBoolean() ? "Data0001.dat" : "Index.dat"));
            }
            try (MiraxData d = MiraxData.open(mrxs, Codecs.jpeg(false), cache)) {
                for (int l = 0; l < d.levels.size(); l++) {
                    var info = d.levels.get(l).info();
                    int w = Math.min(info.width(), 1024), h = Math.min(info.height(), 1024);
                    d.readRegion(l, new Region(0, 0, w, h), Raster.create(PixelType.UINT8, w, h, 3));
                }
                for (String a : d.associated.keySet()) d.readAssociated(a);
                return true;
            }
        });
    }

    /** Slidedat.ini with a value replaced by an extreme, a line dropped, or bytes changed. */
    private static byte[] mutateIni(byte[] ini, Random rnd) {
        String text = new String(ini, StandardCharsets.UTF_8);
        String[] lines = text.split("\r\n", -1);
        int kind = rnd.nextInt(3);
        if (kind == 2) return MutationFuzz.mutate(ini, ini.length, rnd);
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
            int i = rnd.nextInt(lines.length);
            int eq = lines[i].indexOf('=');
            if (kind == 0 && eq > 0) lines[i] = lines[i].substring(0, eq + 1) + EXTREMES[rnd.nextInt(EXTREMES.length)];
            else lines[i] = "";
        }
        return String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8);
    }
}
