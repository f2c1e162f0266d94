package org.slidestream.tiff.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOptions;
import org.slidestream.tiff.codec.Compression;

/** The writer's files read back with this project's reader: what was written is what is read. */
class ReaderRoundTripTest {
    static final SlideOptions OPTIONS = SlideOptions.forBudget(new MemoryBudget(256L << 20));

    /** One random case: image shape, pixel type, compression, layout, tile size. */
    record Case(int width, int height, PixelType type, int bands, boolean rgb, Compression compression, TiffLayout layout,
                int tile, int minSide, long seed) {
        @Override public String toString() {
            return width + "x" + height + "x" + bands + " " + type + (rgb ? " rgb" : "") + " " + compression.cliName() + " "
                    + layout + " tile " + tile + " min " + minSide;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<PixelType> types = Arbitraries.of(PixelType.UINT8, PixelType.UINT16, PixelType.INT16, PixelType.FLOAT32,
                PixelType.UINT32, PixelType.INT8);
        Arbitrary<Compression> comps = Arbitraries.of(Compression.NONE, Compression.LZW, Compression.DEFLATE, Compression.ZSTD,
                Compression.JPEG);
        return Combinators.combine(Arbitraries.integers().between(1, 700), Arbitraries.integers().between(1, 500), types,
                Arbitraries.of(1, 3), comps, Arbitraries.of(TiffLayout.OME, TiffLayout.GENERIC), Arbitraries.integers().between(1, 8),
                Arbitraries.integers().between(1, 400)).as((w, h, t, b, c, l, tile, min) -> {
            boolean rgb = b == 3 && t == PixelType.UINT8;
            Compression comp = c == Compression.JPEG && t != PixelType.UINT8 ? Compression.DEFLATE : c;
            return new Case(w, h, t, b, rgb, comp, l, tile * 16, min, (long) w * 31 + h);
        });
    }

    @Property(tries = 40, seed = "20261201")
    void readerAndWriterAgree(@ForAll("cases") Case c) throws IOException {
        Path dir = Files.createTempDirectory("roundtrip");
        try {
            check(c, dir.resolve("case.tif"));
        } finally {
            AtomicOutput.deleteRecursively(dir);
        }
    }

    private static void check(Case c, Path out) throws IOException {
        Raster img = ArraySource.pattern(c.type(), c.width(), c.height(), c.bands(), c.seed());
        List<String> names = c.rgb() ? List.of("R", "G", "B") : c.bands() == 1 ? List.of("ch0") : List.of("DAPI", "CD3", "CD20");
        WriteMetadata m = new WriteMetadata(names, c.rgb(), 0.5, 0.5, null, null, null);
        TiffWriteOptions o = TiffWriteOptions.defaults().withLayout(c.layout()).withCompression(c.compression())
                .withTileSize(c.tile()).withMinLevelSide(c.minSide());
        WriteReport r = TiffWriter.write(new ArraySource(List.of(img), c.rgb() ? 255 : 0), out, o, m, WriteContext.of(OPTIONS.budget(), 2));
        try (Slide s = Slide.open(out, OPTIONS)) {
            assertThat(s.levels()).as(c.toString()).hasSize(r.levels().size());
            SlideMetadata sm = s.metadata();
            assertThat(sm.pixelType()).as(c.toString()).isEqualTo(c.type());
            assertThat(sm.sizeC()).as(c.toString()).isEqualTo(c.bands());
            if (c.layout() == TiffLayout.OME) {
                assertThat(sm.mppX()).as(c.toString()).isEqualTo(0.5);
                if (!c.rgb()) assertThat(sm.channelNames()).as(c.toString()).isEqualTo(names);
            }
            Raster expected = img;
            for (int k = 0; k < s.levelCount(); k++) {
                LevelInfo l = s.level(k);
                assertThat(l.width()).as(c + " level " + k).isEqualTo(expected.width());
                assertThat(l.height()).as(c + " level " + k).isEqualTo(expected.height());
                Raster got = Raster.create(c.type(), l.width(), l.height(), c.bands());
                s.readLevelRegion(k, new Region(0, 0, l.width(), l.height()), Plane.FIRST, got);
                if (c.compression() == Compression.JPEG) {
                    assertThat(meanAbsDiff(got, expected)).as(c + " level " + k).isLessThan(4.0);
                } else {
                    assertThat(got.contentEquals(expected)).as(c + " level " + k).isTrue();
                }
                expected = Downsample.half(expected, expected.width(), expected.height());
            }
        }
    }

    static double meanAbsDiff(Raster a, Raster b) {
        double sum = 0;
        int n = a.sampleCount();
        for (int i = 0; i < n; i++) sum += Math.abs(a.getAt(i) - b.getAt(i));
        return sum / n;
    }
}
