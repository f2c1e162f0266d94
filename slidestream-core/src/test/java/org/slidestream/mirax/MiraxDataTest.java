package org.slidestream.mirax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.SlideException;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.codec.Codecs;

/**
 * MIRAX against Debian's OpenSlide 3.4.1 on slides written by the test-side writer
 * ({@code mirax_writer.py}: overlapping camera photos of distinct exposure at stored positions, JPEG,
 * PNG and BMP levels over two data files, index pages chained): OpenSlide must open each file, and
 * every level must have the same pixels wherever OpenSlide draws one. Then damaged copies.
 */
class MiraxDataTest {
    @TempDir static Path dir;
    static Path mrxs;

    @BeforeAll
    static void write() throws IOException {
        ReferenceTools.requirePythonModules("openslide", "numpy", "PIL");
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        String writer = new String(MiraxDataTest.class.getResourceAsStream("mirax_writer.py").readAllBytes());
        ReferenceTools.python(writer, svs, dir, "slide", 3, 4).requireSuccess("MIRAX writer");
        mrxs = dir.resolve("slide.mrxs");
        // OpenSlide's view of every level (RGBA: alpha 0 where no image is drawn) and of its associated images
        ReferenceTools.python("""
                import sys, numpy as np, openslide
                s = openslide.OpenSlide(sys.argv[1])
                assert s.properties['openslide.vendor'] == 'mirax', s.properties
                for l in range(s.level_count):
                    np.save('%s/os-%d.npy' % (sys.argv[2], l), np.asarray(s.read_region((0, 0), l, s.level_dimensions[l])))
                print(s.level_count, sorted(s.associated_images))
                """, mrxs, dir).requireSuccess("OpenSlide on the written MIRAX");
    }

    private static MiraxData open(Path p) {
        return MiraxData.open(p, Codecs.jpeg(true), new TileCache(new MemoryBudget(256L << 20), 64L << 20));
    }

    @Test
    void everyLevelMatchesOpenSlide() throws IOException {
        try (MiraxData d = open(mrxs)) {
            assertThat(d.levels).hasSize(4);
            assertThat(d.associated.keySet()).containsExactlyInAnyOrder("macro", "label", "thumbnail");
            assertThat(d.mppX).isEqualTo(0.499);
            assertThat(d.magnification).isEqualTo(20);
            assertThat(d.readAssociated("label").width()).isEqualTo(120);
            for (int l = 0; l < d.levels.size(); l++) {
                try (NpyReader r = NpyReader.open(dir.resolve("os-" + l + ".npy"))) {
                    long[] shape = r.shape();
                    int h = (int) shape[0], w = (int) shape[1];
                    assertThat(d.levels.get(l).info().width()).isEqualTo(w);
                    assertThat(d.levels.get(l).info().height()).isEqualTo(h);
                    byte[] os = (byte[]) r.read(new long[] {0, 0, 0}, new int[] {h, w, 4});
                    // read in pieces that do not align with the images, as a tile engine would
                    Raster ours = Raster.create(PixelType.UINT8, w, h, 3);
                    int step = 97;
                    for (int y = 0; y < h; y += step) {
                        for (int x = 0; x < w; x += step) {
                            Region reg = new Region(x, y, Math.min(step, w - x), Math.min(step, h - y));
                            Raster part = Raster.create(PixelType.UINT8, reg.width(), reg.height(), 3);
                            d.readRegion(l, reg, part);
                            ours.copyFrom(part, 0, 0, x, y, reg.width(), reg.height());
                        }
                    }
                    int worst = 0, drawn = 0;
                    for (int p = 0; p < w * h; p++) {
                        if ((os[4 * p + 3] & 0xFF) != 255) continue;
                        drawn++;
                        for (int b = 0; b < 3; b++) worst = Math.max(worst, Math.abs((os[4 * p + b] & 0xFF) - (ours.bytes()[3 * p + b] & 0xFF)));
                    }
                    assertThat(drawn).as("level %d pixels OpenSlide draws", l).isGreaterThan(w * h * 9 / 10);
                    // JPEG levels: libjpeg against our decoder; PNG and BMP levels: exact
                    assertThat(worst).as("level %d max difference", l).isLessThanOrEqualTo(l < 2 ? 2 : 0);
                }
            }
        }
    }

    private static Path copySlide(String name) throws IOException {
        Path to = Files.createDirectories(dir.resolve(name));
        Files.copy(mrxs, to.resolve("slide.mrxs"));
        Files.createDirectories(to.resolve("slide"));
        try (var s = Files.list(dir.resolve("slide"))) {
            for (Path p : s.toList()) Files.copy(p, to.resolve("slide").resolve(p.getFileName()));
        }
        return to.resolve("slide.mrxs");
    }

    @Test
    void damagedSlidesFailWithOneLine() throws IOException {
        Path noData = copySlide("no-data");
        Files.delete(noData.resolveSibling("slide").resolve("Data0001.dat"));
        assertThatThrownBy(() -> open(noData)).isInstanceOf(SlideException.class)
                .hasMessage("Data0001.dat: is missing from the MIRAX slide folder");

        // a level-0 record whose offset points past the end of its data file
        Path past = copySlide("past");
        Path index = past.resolveSibling("slide").resolve("Index.dat");
        byte[] idx = Files.readAllBytes(index);
        ByteBuffer b = ByteBuffer.wrap(idx).order(ByteOrder.LITTLE_ENDIAN);
        int root = "01.02".length() + "b7c1a9f0-2d3e-4c5b-8a69-0f1e2d3c4b5a".length();
        int head = b.getInt(b.getInt(root)), page = b.getInt(head + 4);
        b.putInt(page + 8 + 4, 50_000_000);
        Files.write(index, idx);
        assertThatThrownBy(() -> open(past)).isInstanceOf(CorruptSlideException.class)
                .hasMessageStartingWith("Index.dat: level 0 image ").hasMessageContaining("points past the end of Data0000.dat");

        for (String f : List.of("Index.dat", "Slidedat.ini")) {
            byte[] whole = Files.readAllBytes(dir.resolve("slide").resolve(f));
            for (int cut : new int[] {0, 3, 20, whole.length / 3, whole.length / 2, whole.length - 5}) {
                Path cutSlide = copySlide("cut-" + f + cut);
                Files.write(cutSlide.resolveSibling("slide").resolve(f), java.util.Arrays.copyOf(whole, cut));
                assertThatThrownBy(() -> open(cutSlide)).as("%s cut at %d", f, cut).isInstanceOf(SlideException.class)
                        .satisfies(e -> assertThat(e.getMessage()).startsWith(f + ": ").doesNotContain("\n"));
            }
        }
    }
}
