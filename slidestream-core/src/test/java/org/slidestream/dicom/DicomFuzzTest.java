package org.slidestream.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.testing.MutationFuzz;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.codec.Codecs;

/**
 * Mutation fuzzing of the DICOM Part-10 parser, the whole-slide model and frame decoding: the real
 * DICOM files (native RGB and 16-bit gray, JPEG with its thumbnail instance) with bytes changed,
 * mostly in their headers, and truncated; each opened as a series and every tile and associated
 * image read. 1,250 cases here (half of the formats' 2,500 in CI); {@code slidestream.fuzz.cases}
 * for the long run in {@code bench/fuzz}.
 */
class DicomFuzzTest {
    @TempDir Path dir;

    @Test
    void mutatedFilesGiveTypedErrorsOnly() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String n : List.of("dicom-sm-image.dcm", "dicom-sm-image-grayscale.dcm", "dicom-boxes/boxes_0.dcm", "dicom-boxes/boxes_1.dcm")) {
            seeds.add(Files.readAllBytes(SharedData.format(n)));
        }
        byte[] thumbnail = seeds.get(3);
        MutationFuzz.run("dicom", MutationFuzz.cases(1250), 0xD1C0_0000L, (id, rnd) -> {
            Path caseDir = Files.createDirectories(dir.resolve("c" + (id % 8)));
            try (var s = Files.list(caseDir)) {
                for (Path p : s.toList()) Files.delete(p);
            }
            int k = rnd.nextInt(seeds.size());
            byte[] seed = seeds.get(k);
            Path file = caseDir.resolve("case.dcm");
            Files.write(file, MutationFuzz.mutate(seed, Math.min(seed.length, 4096), rnd));
            // the JPEG level opens with its (intact) thumbnail instance beside it, as a series
            if (k == 2) Files.write(caseDir.resolve("thumb.dcm"), thumbnail);
            return readAll(file);
        });
    }

    static boolean readAll(Path file) throws IOException {
        try (WsiSeries s = WsiSeries.open(file, Codecs.jpeg(false), Codecs.jpeg2000(false))) {
            for (int l = 0; l < s.levels().size(); l++) {
                WsiSeries.Level level = s.levels().get(l);
                for (int z = 0; z < s.metadata().sizeZ(); z++) {
                    for (int ty = 0; ty < Math.min(level.tilesDown(), 8); ty++) {
                        for (int tx = 0; tx < Math.min(level.tilesAcross(), 8); tx++) s.decodeTile(l, z, tx, ty);
                    }
                }
            }
            for (String a : s.associatedNames()) s.readAssociated(a, 64L << 20);
            return true;
        }
    }
}
