package org.slidestream.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.codec.Codecs;

/**
 * The DICOM whole-slide model against references: frames against pydicom (Pillow's libjpeg for JPEG,
 * pydicom's own unpacking for native frames) for the shared files and for variants made with pydicom
 * (implicit VR, Basic and Extended Offset Tables, TILED_SPARSE with a gap, two optical paths), level 0
 * of an Orthanc pyramid (tiles copied from CMU-1) against OpenSlide reading the SVS, and damaged series.
 */
class WsiSeriesTest {
    @TempDir static Path dir;
    static Path orthanc;
    static Path fixtures;

    @BeforeAll
    static void make() throws IOException {
        SharedData.require();
        ReferenceTools.requireProgram("OrthancWSIDicomizer");
        ReferenceTools.requirePythonModules("pydicom", "numpy", "PIL", "openslide");
        orthanc = Files.createDirectories(dir.resolve("orthanc"));
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        // Four levels, at most 1 MB an instance: level 0 becomes a concatenation of two instances.
        ReferenceTools.run(List.of("OrthancWSIDicomizer", "--folder", orthanc.toString(), "--openslide",
                "/usr/lib/x86_64-linux-gnu/libopenslide.so.0", "--pyramid", "1", "--levels", "4", "--max-size", "1", svs.toString()), 300)
                .requireSuccess("OrthancWSIDicomizer");
        fixtures = Files.createDirectories(dir.resolve("fixtures"));
        String script = new String(WsiSeriesTest.class.getResourceAsStream("fixtures.py").readAllBytes());
        ReferenceTools.python(script, fixtures, SharedData.format("dicom-sm-image-grayscale.dcm"), orthanc).requireSuccess("pydicom fixtures");
        ReferenceTools.python("""
                import sys, numpy as np, openslide
                s = openslide.OpenSlide(sys.argv[1])
                np.save(sys.argv[2], np.asarray(s.read_region((0, 0), 0, s.dimensions).convert('RGB')))
                """, svs, dir.resolve("svs-level0.npy")).requireSuccess("OpenSlide level 0");
    }

    @AfterAll
    static void done() {}

    private static WsiSeries open(Path p) {
        return WsiSeries.open(p, Codecs.jpeg(true), Codecs.jpeg2000(true));
    }

    private static Raster ref(String name, int frame) throws IOException {
        try (NpyReader r = NpyReader.open(fixtures.resolve("ref-" + name + ".npy"))) {
            return r.readRaster(frame);
        }
    }

    /** Every frame of a file's single level against the reference dump, placed where the model says. */
    private static void framesMatch(Path file, String ref, int tolerance) throws IOException {
        try (WsiSeries s = open(file)) {
            WsiSeries.Level l = s.levels().get(0);
            assertThat(l.decoders()).hasSize(1);
            try (NpyReader r = NpyReader.open(fixtures.resolve("ref-" + ref + ".npy"))) {
                int frames = (int) r.shape()[0];
                for (int f = 0; f < frames; f++) {
                    Raster expected = r.readRaster(f);
                    Raster got = l.decoders().get(0).decode(f);
                    assertThat(maxDiff(got, expected)).as("frame %d of %s", f, file.getFileName()).isLessThanOrEqualTo(tolerance);
                }
            }
        }
    }

    static int maxDiff(Raster a, Raster b) {
        assertThat(a.width() * a.height() * a.bands()).isEqualTo(b.width() * b.height() * b.bands());
        int max = 0;
        for (int i = 0; i < a.sampleCount(); i++) {
            max = Math.max(max, Math.abs(sample(a, i) - sample(b, i)));
        }
        return max;
    }

    private static int sample(Raster r, int i) {
        return switch (r.type()) {
            case UINT8 -> r.bytes()[i] & 0xFF;
            case UINT16 -> r.shorts()[i] & 0xFFFF;
            default -> throw new IllegalArgumentException(r.type().toString());
        };
    }

    @Test
    void sharedFilesMatchPydicom() throws IOException {
        framesMatch(SharedData.format("dicom-sm-image-grayscale.dcm"), "formats-dicom-sm-image-grayscale.dcm", 0);
        try (WsiSeries s = open(SharedData.format("dicom-sm-image-grayscale.dcm"))) {
            assertThat(s.metadata().pixelType()).isEqualTo(PixelType.UINT16);
            assertThat(s.metadata().channelNames()).containsExactly("DAPI");
            assertThat(s.metadata().mppX()).isCloseTo(0.499, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(s.levels().get(0).info()).isEqualTo(new LevelInfo(50, 50, 1.0, 10, 10));
        }
        // the same file in implicit VR little endian
        framesMatch(fixtures.resolve("implicit/gray.dcm"), "formats-dicom-sm-image-grayscale.dcm", 0);
    }

    @Test
    void rgbNativeAndJpegWithThumbnail() throws IOException {
        try (WsiSeries s = open(SharedData.format("dicom-sm-image.dcm"))) {
            assertThat(s.metadata().sizeC()).isEqualTo(3);
            assertThat(s.metadata().brightfield()).isTrue();
            Raster t = s.decodeTile(0, 0, 1, 2);
            assertThat(t.width()).isEqualTo(10);
        }
        Path boxes = SharedData.format("dicom-boxes");
        for (Path p : List.of(boxes, boxes.resolve("boxes_0.dcm"), boxes.resolve("boxes_1.dcm"))) {
            try (WsiSeries s = open(p)) {
                assertThat(s.levels()).hasSize(1);
                assertThat(s.levels().get(0).info().width()).isEqualTo(16);
                assertThat(s.associatedNames()).containsExactly("thumbnail");
                assertThat(s.metadata().magnification()).isEqualTo(20.0);
                assertThat(s.readAssociated("thumbnail", 1 << 20).width()).isEqualTo(16);
            }
        }
    }

    @Test
    void offsetTablesSparseFramesAndOpticalPaths() throws IOException {
        framesMatch(fixtures.resolve("bot/level.dcm"), "bot-level.dcm", 0);
        framesMatch(fixtures.resolve("eot/level.dcm"), "bot-level.dcm", 0);
        // TILED_SPARSE with frame 2 (tile 1, 0) missing: that tile is background, the others in place
        try (WsiSeries s = open(fixtures.resolve("sparse/level.dcm"))) {
            assertThat(s.decodeTile(0, 0, 1, 0)).isNull();
            assertThat(maxDiff(s.decodeTile(0, 0, 0, 1), ref("sparse-level.dcm", 1))).isEqualTo(0);
        }
        try (WsiSeries s = open(fixtures.resolve("paths/fluo.dcm"))) {
            assertThat(s.metadata().channelNames()).containsExactly("DAPI", "FITC");
            assertThat(s.metadata().brightfield()).isFalse();
            Raster t = s.decodeTile(0, 0, 2, 1);
            Raster dapi = ref("paths-fluo.dcm", 7), fitc = ref("paths-fluo.dcm", 25 + 7);
            for (int p = 0; p < 100; p++) {
                assertThat(t.shorts()[2 * p]).isEqualTo(dapi.shorts()[p]);
                assertThat(t.shorts()[2 * p + 1]).isEqualTo(fitc.shorts()[p]);
            }
        }
    }

    @Test
    void orthancPyramidLevelsAndConcatenation() throws IOException {
        try (WsiSeries s = open(orthanc)) {
            assertThat(s.levels()).hasSize(4);
            assertThat(s.levels().get(0).info().width()).isEqualTo(2220);
            assertThat(s.levels().get(0).decoders()).hasSize(2); // a concatenation of two instances
            assertThat(s.levels().get(1).info().downsample()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
            // level 0 tiles are CMU-1's JPEG tiles: the same pixels as OpenSlide reading the SVS
            Raster expected;
            try (NpyReader r = NpyReader.open(dir.resolve("svs-level0.npy"))) {
                long[] shape = r.shape();
                byte[] all = (byte[]) r.read(new long[] {0, 0, 0}, new int[] {(int) shape[0], (int) shape[1], 3});
                expected = Raster.wrap(PixelType.UINT8, (int) shape[1], (int) shape[0], 3, all);
            }
            WsiSeries.Level l = s.levels().get(0);
            int worst = 0;
            for (int ty = 0; ty < l.tilesDown(); ty++) {
                for (int tx = 0; tx < l.tilesAcross(); tx++) {
                    Raster t = s.decodeTile(0, 0, tx, ty);
                    int w = Math.min(240, 2220 - tx * 240), h = Math.min(240, 2967 - ty * 240);
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            for (int b = 0; b < 3; b++) {
                                int a = t.bytes()[(y * 240 + x) * 3 + b] & 0xFF;
                                int e = expected.bytes()[((ty * 240 + y) * 2220 + tx * 240 + x) * 3 + b] & 0xFF;
                                worst = Math.max(worst, Math.abs(a - e));
                            }
                        }
                    }
                }
            }
            assertThat(worst).as("level 0 against OpenSlide").isLessThanOrEqualTo(2);
        }
        // re-encoded lower levels against Pillow frame by frame
        for (int i = 2; i <= 4; i++) {
            try (WsiSeries s = open(orthanc.resolve("wsi-00000" + i + ".dcm"))) {
                assertThat(s.levels()).hasSize(4);
            }
        }
    }

    @Test
    void damagedSeriesFailWithOneLine() throws IOException {
        // level 0 is a concatenation of two instances: the first one missing
        Path missing = Files.createDirectories(dir.resolve("missing"));
        for (String n : List.of("wsi-000001.dcm", "wsi-000002.dcm", "wsi-000003.dcm")) Files.copy(orthanc.resolve(n), missing.resolve(n));
        assertThatThrownBy(() -> open(missing.resolve("wsi-000002.dcm")))
                .isInstanceOf(CorruptSlideException.class)
                .hasMessageStartingWith("wsi-000001.dcm: instance 1 of 2 of concatenation")
                .hasMessageContaining("missing")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> open(fixtures.resolve("inconsistent")))
                .isInstanceOf(CorruptSlideException.class)
                .hasMessageStartingWith("wsi-000001.dcm: inconsistent frame sizes");
        assertThatThrownBy(() -> open(SharedData.format("dicom-sm-image-jpegls.dcm")))
                .isInstanceOf(UnsupportedSlideException.class)
                .hasMessage("dicom-sm-image-jpegls.dcm: unsupported transfer syntax 1.2.840.10008.1.2.4.80 (JPEG-LS lossless);"
                        + " this reader decodes uncompressed, JPEG baseline and JPEG 2000 frames");
        // truncated copies: every cut is a one-line error naming the file, or (cut in pixel data) a failed frame
        byte[] whole = Files.readAllBytes(orthanc.resolve("wsi-000004.dcm"));
        Path cutDir = Files.createDirectories(dir.resolve("cut"));
        for (int cut : new int[] {0, 100, 131, 200, 600, 1500, 3000, whole.length / 2, whole.length - 10}) {
            Path f = cutDir.resolve("cut.dcm");
            Files.write(f, java.util.Arrays.copyOf(whole, cut));
            assertThatThrownBy(() -> {
                try (WsiSeries s = open(f)) {
                    for (int ty = 0; ty < s.levels().get(0).tilesDown(); ty++) {
                        for (int tx = 0; tx < s.levels().get(0).tilesAcross(); tx++) s.decodeTile(0, 0, tx, ty);
                    }
                }
            }).as("cut at %d", cut).isInstanceOf(SlideException.class)
                    .satisfies(e -> assertThat(e.getMessage()).startsWith("cut.dcm: ").doesNotContain("\n"));
        }
    }
}
