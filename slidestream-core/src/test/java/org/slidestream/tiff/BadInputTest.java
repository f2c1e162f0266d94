package org.slidestream.tiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.testing.SharedData;

/** Damaged and foreign files give a typed exception with one line naming the file and the problem. */
class BadInputTest {
    @TempDir Path dir;

    private static SlideOptions options() {
        return SlideOptions.forBudget(new MemoryBudget(128L << 20));
    }

    private static void assertOneLine(Throwable e, String file) {
        assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n");
    }

    @Test
    void brokenSvs() {
        Path p = SharedData.slide("broken.svs");
        Throwable e = catchSlide(p);
        assertThat(e).isInstanceOf(UnsupportedSlideException.class);
        assertOneLine(e, "broken.svs");
        assertThat(e.getMessage()).contains("not a supported slide format");
    }

    @Test
    void emptyFile() throws IOException {
        Path p = Files.createFile(dir.resolve("empty.svs"));
        Throwable e = catchSlide(p);
        assertThat(e).isInstanceOf(CorruptSlideException.class);
        assertOneLine(e, "empty.svs");
        assertThat(e.getMessage()).contains("empty");
    }

    @Test
    void pngRenamedSvs() throws IOException {
        Path png = dir.resolve("x.png");
        ImageFiles.write(Raster.create(PixelType.UINT8, 20, 10, 3), png);
        Path svs = Files.move(png, dir.resolve("photo.svs"));
        Throwable e = catchSlide(svs);
        assertThat(e).isInstanceOf(UnsupportedSlideException.class).hasMessageContaining("a PNG image");
        assertOneLine(e, "photo.svs");
    }

    @Test
    void missingFileAndDirectory() {
        assertThatThrownBy(() -> Slide.open(dir.resolve("nope.svs"), options())).isInstanceOf(SlideException.class)
                .hasMessage("nope.svs: no such file");
        assertThatThrownBy(() -> Slide.open(dir, options())).isInstanceOf(SlideException.class).hasMessageContaining("directory");
    }

    /** Truncated copies of both real slides at many lengths: open and read everything, typed errors only. */
    @Test
    void truncatedSlides() throws IOException {
        for (String name : new String[] {AperioSlideTest.CMU, AperioSlideTest.TCGA}) {
            byte[] all = Files.readAllBytes(SharedData.slide(name));
            long[] lengths = {1, 4, 7, 8, 9, 15, 16, 100, 1000, 4096, 20_000, 65_536, 100_000, all.length / 10, all.length / 4,
                    all.length / 3, all.length / 2, 2L * all.length / 3, 9L * all.length / 10, all.length - 5000, all.length - 100,
                    all.length - 1};
            int failedOpen = 0, failedRead = 0;
            for (long n : lengths) {
                Path p = dir.resolve("cut-" + n + "-" + name);
                Files.write(p, Arrays.copyOf(all, (int) n));
                try (Slide s = Slide.open(p, options().withNatives(false))) {
                    if (!readEverything(s, name.equals(AperioSlideTest.TCGA))) failedRead++;
                } catch (SlideException e) {
                    assertOneLine(e, p.getFileName().toString());
                    failedOpen++;
                }
                Files.delete(p);
            }
            // Most lengths cut the IFDs (at the end of Aperio files) or tile data: every one fails somewhere.
            assertThat(failedOpen + failedRead).as(name).isEqualTo(lengths.length);
        }
    }

    /** Reads every level whole in blocks and every associated image; false when a typed error stopped it. */
    static boolean readEverything(Slide s, boolean onlySmallLevels) {
        try {
            for (int l = onlySmallLevels ? s.levelCount() - 1 : 0; l < s.levelCount(); l++) {
                var li = s.level(l);
                for (int y = 0; y < li.height(); y += 1024) {
                    for (int x = 0; x < li.width(); x += 1024) {
                        s.readLevelRegion(l, new org.slidestream.image.Region(x, y, 1024, 1024), Plane.FIRST,
                                Raster.create(s.metadata().pixelType(), 1024, 1024, s.metadata().sizeC()));
                    }
                }
            }
            for (String a : s.associatedImages()) s.readAssociated(a);
            return true;
        } catch (SlideException e) {
            assertOneLine(e, s.path().getFileName().toString());
            return false;
        }
    }

    @Test
    void unsupportedCompressionInACopy() throws IOException {
        Path p = patched("lerc.svs", (buf, ifd) -> putShort(buf, ifd.entry(Tag.COMPRESSION).position(), 34887));
        Throwable e = catchSlide(p);
        assertThat(e).isInstanceOf(UnsupportedSlideException.class).hasMessageContaining("lerc").hasMessageContaining("34887");
        assertOneLine(e, "lerc.svs");
    }

    @Test
    void oneBitImagesAreUnsupported() throws IOException {
        Path p = patched("onebit.svs", (buf, ifd) -> {
            for (int i = 0; i < 3; i++) putShort(buf, ifd.entry(Tag.BITS_PER_SAMPLE).position() + 2L * i, 1);
        });
        assertThat(catchSlide(p)).isInstanceOf(UnsupportedSlideException.class).hasMessageContaining("1-bit");
    }

    @Test
    void tagCountPastTheEnd() throws IOException {
        // The count field is the 4 bytes before the value/offset field of a classic TIFF entry.
        Path p = patched("count.svs", (buf, ifd) -> buf.putInt((int) entryStart(ifd, Tag.TILE_OFFSETS) + 4, 0x3FFFFFFF));
        Throwable e = catchSlide(p);
        assertThat(e).isInstanceOf(CorruptSlideException.class).hasMessageContaining("tag 324");
        assertOneLine(e, "count.svs");
    }

    @Test
    void tagOffsetPastTheEnd() throws IOException {
        Path p = patched("offset.svs", (buf, ifd) -> buf.putInt((int) entryStart(ifd, Tag.TILE_BYTE_COUNTS) + 8, 0x7FFFFFF0));
        Throwable e = catchSlide(p);
        assertThat(e).isInstanceOf(CorruptSlideException.class).hasMessageContaining("past the end of the file");
        assertOneLine(e, "offset.svs");
    }

    @Test
    void tileOffsetPastTheEndFailsWhenRead() throws IOException {
        Path p = patched("tile.svs", (buf, ifd) -> buf.putInt((int) ifd.entry(Tag.TILE_OFFSETS).position(), 0x7FFFFF00));
        try (Slide s = Slide.open(p, options())) {
            assertThatThrownBy(() -> s.readRegion(ReadRequest.atLevel(0, 0, 0, 10, 10)))
                    .isInstanceOf(CorruptSlideException.class).hasMessageStartingWith("tile.svs: ").hasMessageContaining("tile 0");
            // Other tiles still read.
            assertThat(s.readRegion(ReadRequest.atLevel(0, 500, 500, 10, 10)).width()).isEqualTo(10);
        }
    }

    @Test
    void ifdLoopIsDetected() throws IOException {
        Path p = patched("loop.svs", (buf, ifd) -> {
            long nextField = ifd.offset() + 2 + 12L * entries(buf, ifd);
            buf.putInt((int) nextField, (int) ifd.offset());
        });
        try (Slide s = Slide.open(p, options())) {
            assertThat(s.levelCount()).isEqualTo(1); // the chain stops at the loop, as in libtiff
        }
    }

    @Test
    void readsAfterCloseFail() {
        Slide s = Slide.open(SharedData.slide(AperioSlideTest.CMU), options());
        s.close();
        assertThatThrownBy(() -> s.readRegion(ReadRequest.atLevel(0, 0, 0, 10, 10))).isInstanceOf(SlideException.class)
                .hasMessageContaining("closed");
    }

    private interface Patch {
        void apply(ByteBuffer file, Ifd firstIfd);
    }

    /** A copy of CMU-1 (classic little-endian TIFF) with bytes of its first IFD changed. */
    private Path patched(String name, Patch patch) throws IOException {
        Path src = SharedData.slide(AperioSlideTest.CMU);
        byte[] bytes = Files.readAllBytes(src);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try (TiffFile f = TiffFile.open(src)) {
            patch.apply(buf, f.ifds().get(0));
        }
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static long entries(ByteBuffer buf, Ifd ifd) {
        return buf.getShort((int) ifd.offset()) & 0xFFFF;
    }

    /** Where a tag's 12-byte entry starts in a classic TIFF IFD. */
    private static long entryStart(Ifd ifd, int tag) {
        // entries are sorted by tag; find it by scanning the IFD table as stored
        try {
            var f = ifd.file();
            ByteBuffer t = f.read(ifd.offset(), 2, "count");
            int n = t.getShort(0) & 0xFFFF;
            ByteBuffer table = f.read(ifd.offset() + 2, n * 12, "table");
            for (int i = 0; i < n; i++) if ((table.getShort(i * 12) & 0xFFFF) == tag) return ifd.offset() + 2 + 12L * i;
        } catch (SlideException e) {
            fail(e.getMessage());
        }
        throw new AssertionError("no tag " + tag);
    }

    private static void putShort(ByteBuffer buf, long pos, int v) {
        buf.putShort((int) pos, (short) v);
    }

    private static Throwable catchSlide(Path p) {
        try (Slide s = Slide.open(p, options())) {
            readEverything(s, false);
            fail("expected " + p.getFileName() + " to fail");
            return null;
        } catch (SlideException e) {
            return e;
        }
    }
}
