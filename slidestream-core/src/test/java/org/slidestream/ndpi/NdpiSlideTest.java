package org.slidestream.ndpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.Raster;
import org.slidestream.image.TileSource;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideDescription;
import org.slidestream.testing.Downsampled;
import org.slidestream.testing.NdpiWriter;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.Diff;
import org.slidestream.tiff.OffsetLayout;
import org.slidestream.tiff.OpenSlideReference;
import org.slidestream.tiff.OpenSlideReference.Request;
import org.slidestream.tiff.TiffFile;
import org.slidestream.tiff.codec.ChromaSubsampling;

/**
 * NDPI against OpenSlide 3.4.1: the real fluorescence slide of the shared data and NDPI files the
 * test writes from the shared H&E slide (4:2:0 with McuStarts, without them so that markers are
 * found by scanning, one past 4 GiB in a sparse file), every level, properties, the macro image,
 * and damaged restart markers.
 */
class NdpiSlideTest {
    @TempDir static Path dir;
    static Path written;

    @BeforeAll
    static void writeSlides() {
        written = dir.resolve("cmu.ndpi");
        write(written, new NdpiWriter(8, ChromaSubsampling.S444, 85));
    }

    private static void write(Path out, NdpiWriter writer) {
        try (Slide s = Slide.open(SharedData.slide("cmu-1-small-region.svs"))) {
            // 4:4:4 as NDP.scan writes (OpenSlide 3.4 cannot decode 4:2:0 intervals: libjpeg reads ahead a row of
            // MCUs for its upsampling); 2176 = 34 intervals of 64 px; the height is not a whole number of MCUs.
            writer.write(out, List.of(new NdpiWriter.Level(new Downsampled(s, 1, 2176, 2950), 20f),
                    new NdpiWriter.Level(new Downsampled(s, 4, 512, 737), 5f)), s.readAssociated("macro"));
        }
    }

    @Test
    void realSlideMatchesOpenSlideAtEveryLevel() {
        Path ndpi = SharedData.format("hamamatsu-tritc.ndpi");
        try (Slide s = Slide.open(ndpi)) {
            assertThat(s.metadata().format()).isEqualTo("hamamatsu-ndpi");
            assertThat(s.metadata().magnification()).isEqualTo(40.0);
            assertThat(s.metadata().mppX()).isCloseTo(0.2281750559, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(s.associatedImages()).containsExactly("macro");
            compareEveryLevel(ndpi, s);
        }
    }

    @Test
    void realSlidePropertiesAreOpenSlides() throws Exception {
        Path ndpi = SharedData.format("hamamatsu-tritc.ndpi");
        OpenSlideReference.Description ref = OpenSlideReference.describe(ndpi);
        try (Slide s = Slide.open(ndpi)) {
            OpenSlideReference.assertSameLevels(ref, s);
            assertThat(OpenSlideReference.propertyDifferences(ref, s.metadata().properties())).isEmpty();
        }
    }

    @Test
    void writtenSlideMatchesOpenSlideAtEveryLevel() {
        try (Slide s = Slide.open(written)) {
            // OpenSlide's levels: the two stored ones and 1/2, 1/4, 1/8 of each.
            assertThat(s.levels()).extracting(LevelInfo::width).containsExactly(2176, 1088, 544, 512, 272, 256, 128, 64);
            compareEveryLevel(written, s);
            Map<String, Object> info = SlideDescription.of(s, false);
            assertThat(info.get("magnification")).isEqualTo(20.0);
            assertThat(info.get("associated")).isEqualTo(List.of("macro"));
        }
    }

    @Test
    void withoutMcuStartsTheMarkersAreFoundByScanning() {
        Path out = dir.resolve("scan.ndpi");
        write(out, new NdpiWriter(8, ChromaSubsampling.S444, 85).withoutMcuStarts());
        try (Slide s = Slide.open(out)) {
            compareEveryLevel(out, s);
        }
    }

    @Test
    void wrongMcuStartsAreCheckedAndTheMarkersScanned() throws Exception {
        Path out = dir.resolve("wrong-starts.ndpi");
        Files.copy(written, out);
        // Shift every recorded start of level 0 by one byte: none lands after its marker any more.
        try (TiffFile f = TiffFile.open(out); RandomAccessFile raf = new RandomAccessFile(out.toFile(), "rw")) {
            var ifd = f.ifds().get(0);
            long[] starts = ifd.longs(NdpiOpener.MCU_STARTS);
            long at = tagValuesOffset(f, 0, NdpiOpener.MCU_STARTS);
            for (int i = 0; i < starts.length; i++) {
                raf.seek(at + 4L * i);
                raf.writeInt(Integer.reverseBytes((int) starts[i] + 1)); // little-endian
            }
        }
        try (Slide ours = Slide.open(out); Slide good = Slide.open(written)) {
            Raster a = ours.readRegion(ReadRequest.atLevel(0, 300, 1200, 700, 500));
            Raster b = good.readRegion(ReadRequest.atLevel(0, 300, 1200, 700, 500));
            assertThat(a.bytes()).isEqualTo(b.bytes());
        }
    }

    @Test
    void damagedRestartMarkersGiveOneLineNamingTheFile() throws Exception {
        Path out = dir.resolve("damaged.ndpi");
        Files.copy(written, out);
        long marker;
        try (TiffFile f = TiffFile.open(out)) {
            long start = f.ifds().get(0).longValue(273, 0);
            marker = start + f.ifds().get(0).longs(NdpiOpener.MCU_STARTS)[40] - 1; // RSTn after interval 39
        }
        try (RandomAccessFile raf = new RandomAccessFile(out.toFile(), "rw")) {
            raf.seek(marker);
            raf.write(0xD5); // RST5 where RST7 belongs
        }
        try (Slide s = Slide.open(out)) {
            assertThatThrownBy(() -> s.readRegion(ReadRequest.atLevel(0, 0, 0, 2176, 600)))
                    .isInstanceOf(CorruptSlideException.class)
                    .hasMessageStartingWith("damaged.ndpi: ")
                    .hasMessageContaining("restart marker")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void pastFourGigabytesTheOffsetsHaveTheirHighWords() {
        Path out = dir.resolve("big.ndpi");
        write(out, new NdpiWriter(8, ChromaSubsampling.S444, 85).gapBeforeData(4_400_000_000L));
        assertThat(out.toFile().length()).isGreaterThan(1L << 32);
        try (TiffFile f = TiffFile.open(out)) {
            assertThat(f.layout()).isEqualTo(OffsetLayout.NDPI);
            assertThat(f.ifds().get(0).offset()).isGreaterThan(1L << 32);
        }
        try (Slide s = Slide.open(out)) {
            assertThat(s.levelCount()).isEqualTo(8);
            List<Request> req = List.of(Request.region(0, 1000, 2000, 600, 500), Request.region(3, 0, 0, 512, 737));
            List<OpenSlideReference.Answer> ref = OpenSlideReference.read(out, req);
            for (OpenSlideReference.Answer a : ref) {
                Request r = a.request();
                Raster ours = s.readRegion(ReadRequest.atLevel(r.level(), r.x(), r.y(), r.width(), r.height()));
                Diff.of(ours, a.pixels(), 255).assertWithinCodecToleranceWhereDrawn("past 4 GiB, level " + r.level());
            }
        } finally {
            out.toFile().delete();
        }
    }

    @Test
    void focalPlanesAreZPlanesWithOpenSlidesPlaneFirst() {
        Path multi = dir.resolve("planes.ndpi");
        try (Slide s = Slide.open(SharedData.slide("cmu-1-small-region.svs"))) {
            TileSource a = new Downsampled(s, 2, 1088, 1472), b = new Downsampled(s, 1, 1088, 1472), c = shifted(b, 900, 1400);
            NdpiWriter w = new NdpiWriter(8, ChromaSubsampling.S444, 85);
            w.write(multi, List.of(new NdpiWriter.Level(b, 20f, -2), new NdpiWriter.Level(a, 20f, 0), new NdpiWriter.Level(c, 20f, 2)), null);
            for (var p : List.of(List.of("minus2", b), List.of("zero", a), List.of("plus2", c))) {
                w.write(dir.resolve(p.get(0) + ".ndpi"), List.of(new NdpiWriter.Level((TileSource) p.get(1), 20f)), null);
            }
        }
        try (Slide m = Slide.open(multi)) {
            assertThat(m.metadata().sizeZ()).isEqualTo(3);
            assertThat(m.metadata().properties()).containsEntry("hamamatsu.focal-plane[0]", "0")
                    .containsEntry("hamamatsu.focal-plane[1]", "-2").containsEntry("hamamatsu.focal-plane[2]", "2");
            String[] byZ = {"zero", "minus2", "plus2"};
            for (int z = 0; z < 3; z++) {
                try (Slide one = Slide.open(dir.resolve(byZ[z] + ".ndpi"))) {
                    ReadRequest r = ReadRequest.atLevel(0, 100, 200, 700, 900);
                    assertThat(m.readRegion(r.withZ(z)).bytes()).as("z %d", z).isEqualTo(one.readRegion(r).bytes());
                }
            }
            // OpenSlide shows focal plane 0
            Raster ref = OpenSlideReference.read(multi, List.of(Request.region(0, 0, 0, 1088, 1472))).get(0).pixels();
            Diff.of(m.readRegion(ReadRequest.atLevel(0, 0, 0, 1088, 1472)), ref, 255).assertWithinCodecToleranceWhereDrawn("plane 0");
        }
    }

    private static TileSource shifted(TileSource src, int dx, int dy) {
        return new TileSource() {
            @Override public org.slidestream.image.ImageInfo info() { return src.info(); }

            @Override public void read(int plane, org.slidestream.image.Region r, Raster dest) {
                src.read(plane, new org.slidestream.image.Region(r.x() + dx, r.y() + dy, r.width(), r.height()), dest);
            }
        };
    }

    /** Where tag {@code tag}'s values of directory {@code d} are (test-side reading of the raw entry). */
    private static long tagValuesOffset(TiffFile f, int d, int tag) throws Exception {
        long ifd = f.ifds().get(d).offset();
        try (RandomAccessFile raf = new RandomAccessFile(f.path().toFile(), "r")) {
            raf.seek(ifd);
            int n = Short.reverseBytes(raf.readShort()) & 0xFFFF;
            for (int i = 0; i < n; i++) {
                raf.seek(ifd + 2 + 12L * i);
                int t = Short.reverseBytes(raf.readShort()) & 0xFFFF;
                if (t == tag) {
                    raf.seek(ifd + 2 + 12L * i + 8);
                    return Integer.reverseBytes(raf.readInt()) & 0xFFFFFFFFL;
                }
            }
        }
        throw new IllegalStateException("no tag " + tag);
    }

    /** Whole small levels and corner, middle and edge regions of large ones, against OpenSlide. */
    static void compareEveryLevel(Path file, Slide s) {
        List<Request> req = new ArrayList<>();
        for (int l = 0; l < s.levelCount(); l++) {
            LevelInfo li = s.level(l);
            double ds = li.downsample();
            if ((long) li.width() * li.height() <= 600_000) {
                req.add(Request.region(l, 0, 0, li.width(), li.height()));
            } else {
                req.add(Request.region(l, 0, 0, 600, 400));
                req.add(Request.region(l, (int) (li.width() / 2 * ds), (int) (li.height() / 3 * ds), 500, 500));
                req.add(Request.region(l, (int) ((li.width() - 300) * ds), (int) ((li.height() - 200) * ds), 400, 300));
            }
        }
        List<OpenSlideReference.Answer> answers = OpenSlideReference.read(file, req);
        for (OpenSlideReference.Answer a : answers) {
            Request r = a.request();
            Raster ours = s.readRegion(ReadRequest.atLevel(r.level(), r.x(), r.y(), r.width(), r.height()));
            // OpenSlide 3.4 draws whole intervals only (tiles down = height / interval height): the last
            // rows of a level whose height is not a whole number of MCUs are transparent there.
            Diff d = Diff.of(ours, a.pixels(), (int) s.metadata().background());
            String what = file.getFileName() + " level " + r.level() + " at " + r.x() + "," + r.y();
            d.assertWithinCodecToleranceWhereDrawn(what); // extra levels too: both decode reduced in the DCT domain
        }
        Raster macro = s.readAssociated("macro");
        Raster refMacro = OpenSlideReference.read(file, List.of(Request.associated("macro"))).get(0).pixels();
        Diff.of(macro, refMacro, 255).assertWithinCodecTolerance(file.getFileName() + " macro");
    }
}
