package org.slidestream.tiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.OpenSlideReference.Answer;
import org.slidestream.tiff.OpenSlideReference.Request;
import org.slidestream.tiff.codec.Codecs;

/**
 * Both Aperio slides against OpenSlide: metadata, every level whole, random regions (edges and
 * regions partly or wholly outside the image included) and the associated images, with the
 * pure-Java codecs and with the native ones.
 */
class AperioSlideTest {
    static final String CMU = "cmu-1-small-region.svs";
    static final String TCGA = "tcga-cr-7395-01a-01-ts1.svs";
    private static final Map<String, List<Answer>> REFERENCE = new HashMap<>();

    static SlideOptions options(boolean natives) {
        return SlideOptions.forBudget(new MemoryBudget(512L << 20)).withNatives(natives);
    }

    static Slide open(String name, boolean natives) {
        return Slide.open(SharedData.slide(name), options(natives));
    }

    /** The requests for one slide: every level whole, random regions, associated images. */
    private static List<Request> requests(String name) {
        List<Request> out = new ArrayList<>();
        Path path = SharedData.slide(name);
        try (Slide s = Slide.open(path)) {
            Random rnd = new Random(name.hashCode());
            for (int l = 0; l < s.levelCount(); l++) {
                LevelInfo li = s.level(l);
                out.add(Request.region(l, 0, 0, li.width(), li.height()));
            }
            LevelInfo l0 = s.level(0);
            int w0 = l0.width(), h0 = l0.height();
            out.add(Request.region(0, w0 - 100, h0 - 90, 256, 256));
            out.add(Request.region(0, -50, -70, 200, 230));
            out.add(Request.region(0, w0 + 10, 5, 40, 40));
            out.add(Request.region(0, 0, 0, 1, 1));
            for (int i = 0; i < 16; i++) {
                int w = 1 + rnd.nextInt(400), h = 1 + rnd.nextInt(400);
                out.add(Request.region(0, rnd.nextInt(w0 + 200) - 150, rnd.nextInt(h0 + 200) - 150, w, h));
            }
            for (int l = 1; l < s.levelCount(); l++) {
                // OpenSlide shifts a level by the fraction of a pixel that x / downsample leaves (bilinear):
                // compare where that fraction is below 0.02 pixel, which our nearest-pixel rule reads alike.
                double ds = s.level(l).downsample();
                int found = 0;
                for (int tries = 0; found < 8 && tries < 100_000; tries++) {
                    int lx = rnd.nextInt(s.level(l).width() + 60) - 30, ly = rnd.nextInt(s.level(l).height() + 60) - 30;
                    int x = (int) Math.round(lx * ds), y = (int) Math.round(ly * ds);
                    if (Math.abs(x / ds - lx) > 0.02 || Math.abs(y / ds - ly) > 0.02) continue;
                    out.add(Request.region(l, x, y, 1 + rnd.nextInt(300), 1 + rnd.nextInt(300)));
                    found++;
                }
            }
            for (String a : s.associatedImages()) out.add(Request.associated(a));
        }
        return out;
    }

    private static synchronized List<Answer> reference(String name) {
        return REFERENCE.computeIfAbsent(name, n -> OpenSlideReference.read(SharedData.slide(n), requests(n)));
    }

    static List<Arguments> cases() {
        return List.of(Arguments.of(CMU, false), Arguments.of(CMU, true), Arguments.of(TCGA, false), Arguments.of(TCGA, true));
    }

    @ParameterizedTest(name = "{0} natives={1}")
    @MethodSource("cases")
    void pixelsMatchOpenSlide(String name, boolean natives) {
        try (Slide s = open(name, natives)) {
            for (Answer a : reference(name)) {
                Request r = a.request();
                if (!natives && name.equals(TCGA) && r.name() == null && r.x() == 0 && r.y() == 0 && r.width() == s.level(r.level()).width()) {
                    continue; // JJ2000 is slow: with pure Java the regions only (the natives read every level whole)
                }
                if (r.name() != null) {
                    Raster ours = s.readAssociated(r.name());
                    assertThat(ours.width()).isEqualTo(a.pixels().width());
                    assertThat(ours.height()).isEqualTo(a.pixels().height());
                    Diff d = Diff.of(ours, a.pixels(), 255).assertWithinCodecTolerance(name + " associated " + r.name());
                    if (r.name().equals("label")) d.assertExact(name + " label (LZW)");
                    continue;
                }
                Raster ours = s.readRegion(ReadRequest.atLevel(r.level(), r.x(), r.y(), r.width(), r.height()));
                String what = name + " level " + r.level() + " " + r.width() + "x" + r.height() + "+" + r.x() + "+" + r.y();
                Diff d = Diff.of(ours, a.pixels(), 255).assertWithinCodecTolerance(what);
                if (name.equals(CMU)) d.assertExact(what); // libjpeg arithmetic, no colour transform: identical
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {CMU, TCGA})
    void propertiesAsOpenSlide(String name) throws Exception {
        org.slidestream.testing.ReferenceTools.requirePythonModules("openslide");
        String json = org.slidestream.testing.ReferenceTools.python(
                "import sys, json, openslide; print(json.dumps(dict(openslide.OpenSlide(sys.argv[1]).properties)))",
                SharedData.slide(name)).requireSuccess("OpenSlide properties").stdout();
        Map<String, String> expected = new java.util.TreeMap<>(new com.fasterxml.jackson.databind.ObjectMapper().readValue(json,
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {}));
        expected.remove("openslide.quickhash-1"); // a hash of OpenSlide's own choosing of tiles
        try (Slide s = open(name, false)) {
            assertThat(new java.util.TreeMap<>(s.metadata().properties())).isEqualTo(expected);
        }
    }

    @Test
    void nativeCodecsAreThereWhereInstalled() {
        // The natives comparison above means something only when the libraries load (CI installs them).
        if (SharedData.onCi()) {
            assertThat(Codecs.nativeJpegAvailable()).isTrue();
            assertThat(Codecs.nativeJpeg2000Available()).isTrue();
        }
    }

    @Test
    void cmuMetadataAsOpenSlide() {
        try (Slide s = open(CMU, false)) {
            assertThat(s.metadata().format()).isEqualTo("aperio");
            assertThat(s.levels()).containsExactly(new LevelInfo(2220, 2967, 1.0, 240, 240));
            assertThat(s.metadata().mppX()).isEqualTo(0.499);
            assertThat(s.metadata().mppY()).isEqualTo(0.499);
            assertThat(s.metadata().magnification()).isEqualTo(20.0);
            assertThat(s.metadata().sizeC()).isEqualTo(3);
            assertThat(s.metadata().brightfield()).isTrue();
            assertThat(s.associatedImages()).containsExactlyInAnyOrder("thumbnail", "label", "macro");
            Map<String, String> p = s.metadata().properties();
            assertThat(p).containsEntry("aperio.MPP", "0.4990").containsEntry("aperio.AppMag", "20")
                    .containsEntry("openslide.mpp-x", "0.499").containsEntry("openslide.mpp-y", "0.499")
                    .containsEntry("openslide.objective-power", "20").containsEntry("openslide.vendor", "aperio")
                    .containsEntry("aperio.OriginalWidth", "46000").containsEntry("aperio.ScanScope ID", "CPAPERIOCS")
                    .containsEntry("tiff.ResolutionUnit", "inch").containsEntry("openslide.level[0].tile-width", "240");
            assertThat(s.readAssociated("label").width()).isEqualTo(387);
            assertThat(s.readAssociated("macro").width()).isEqualTo(1280);
        }
    }

    @Test
    void tcgaLevelsWithOpenSlidesDownsample() {
        try (Slide s = open(TCGA, false)) {
            assertThat(s.levelCount()).isEqualTo(2);
            assertThat(s.level(1).width()).isEqualTo(2221);
            assertThat(s.level(1).height()).isEqualTo(1783);
            assertThat(s.level(1).downsample()).isCloseTo(2.0005055500659967, within(1e-12));
            assertThat(s.level(1).tileWidth()).isEqualTo(256);
            assertThat(s.associatedImages()).containsExactly("thumbnail");
            assertThat(s.metadata().mppX()).isNull();
            assertThat(s.bestLevelForDownsample(2.001)).isEqualTo(1);
            assertThat(s.bestLevelForDownsample(1.99)).isEqualTo(0);
        }
    }

    @Test
    void aDownsampleOnALevelsGridReadsThatLevelAsStored() {
        try (Slide s = open(TCGA, false)) {
            Raster level1 = s.readRegion(ReadRequest.atLevel(1, 1000, 1000, 300, 200));
            // the downsample info prints (2.0005) and the round one: within half a pixel over 300 pixels
            assertThat(s.readRegion(ReadRequest.atDownsample(2.0005, 1000, 1000, 300, 200)).contentEquals(level1)).isTrue();
            assertThat(s.readRegion(ReadRequest.atDownsample(2.0, 1000, 1000, 300, 200)).contentEquals(level1)).isTrue();
            // over 2200 pixels the grids drift apart by more than half a pixel: resampled from level 0
            assertThat(s.readRegion(ReadRequest.atDownsample(2.0, 0, 0, 2200, 1)).contentEquals(
                    s.readRegion(ReadRequest.atLevel(1, 0, 0, 2200, 1)))).isFalse();
        }
    }
}
