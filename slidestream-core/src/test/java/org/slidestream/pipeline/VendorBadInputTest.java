package org.slidestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
import org.slidestream.testing.SharedData;
import org.slidestream.tiff.TiffFile;
import org.slidestream.ventana.VentanaSlideTest;

/**
 * A cohort folder with one slide of each TIFF-based vendor format and damaged copies of them
 * (truncated at a quarter and at 90 %, an NDPI whose restart markers are damaged): the good ones
 * succeed, each damaged one is a failed row whose reason is one line naming its file.
 */
class VendorBadInputTest {
    @TempDir Path dir;

    /** Opens the slide and reads the middle and the corner of every level. */
    static final class ReadEveryLevel implements SlideTask {
        @Override public String name() { return "read"; }

        @Override public String countColumn() { return "levels"; }

        @Override public Done completed(CohortSlide s, Path out) { return null; }

        @Override public long process(CohortSlide s, Path out, SlideContext ctx) {
            try (Slide slide = Slide.open(s.path(), ctx.slideOptions())) {
                for (int l = 0; l < slide.levelCount(); l++) {
                    var li = slide.level(l);
                    Raster r = Raster.create(slide.metadata().pixelType(), 256, 256, slide.metadata().sizeC());
                    slide.readLevelRegion(l, new Region(li.width() / 2, li.height() / 2, 256, 256), Plane.FIRST, r);
                    slide.readLevelRegion(l, new Region(li.width() - 100, li.height() - 100, 256, 256), Plane.FIRST, r);
                }
                for (String a : slide.associatedImages()) slide.readAssociated(a);
                return slide.levelCount();
            }
        }
    }

    @Test
    void damagedSlidesAreFailedRowsWithOneLineNamingTheFile() throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Path scn = ScnSlideTest.write(in), philips = PhilipsSlideTest.write(in), bif = VentanaSlideTest.write(in, false);
        Path ndpi = Files.copy(SharedData.format("hamamatsu-tritc.ndpi"), in.resolve("tritc.ndpi"));
        Path qptiff = Files.copy(SharedData.format("akoya-vectra.qptiff"), in.resolve("vectra.qptiff"));
        for (Path p : List.of(scn, philips, bif, ndpi, qptiff)) {
            byte[] b = Files.readAllBytes(p);
            String name = p.getFileName().toString(), ext = name.substring(name.indexOf('.'));
            Files.write(in.resolve("cut25-" + name.substring(0, name.indexOf('.')) + ext), java.util.Arrays.copyOf(b, b.length / 4));
            Files.write(in.resolve("cut90-" + name.substring(0, name.indexOf('.')) + ext), java.util.Arrays.copyOf(b, b.length * 9 / 10));
        }
        // an NDPI whose level 0 lost a restart marker (RST3 becomes a stuffed zero byte)
        Path markers = Files.copy(ndpi, in.resolve("markers-tritc.ndpi"));
        try (TiffFile f = TiffFile.open(markers); RandomAccessFile raf = new RandomAccessFile(markers.toFile(), "rw")) {
            long start = f.ifds().get(0).longValue(273, 0), at = start + f.ifds().get(0).longs(65426)[310] - 1; // inside the middle read
            raf.seek(at);
            raf.write(0x00);
        }
        MemoryBudget budget = new MemoryBudget(256L << 20);
        RunReport r;
        try (CohortRunner runner = new CohortRunner(2, 2, budget, SlideOptions.forBudget(budget))) {
            r = runner.run(CohortInputs.resolve(List.of(in)), new ReadEveryLevel(), dir.resolve("out"), false, ProgressListener.NONE);
        }
        Map<String, SlideStatus> byId = r.slides().stream().collect(Collectors.toMap(SlideStatus::slide, s -> s));
        assertThat(byId).hasSize(16);
        for (String good : List.of("two-regions", "philips", "iscan", "tritc", "vectra")) {
            assertThat(byId.get(good).state()).as(good + ": " + byId.get(good).reason()).isEqualTo(SlideState.SUCCESS);
        }
        for (SlideStatus s : r.slides()) {
            if (!s.slide().startsWith("cut") && !s.slide().startsWith("markers")) continue;
            assertThat(s.state()).as(s.slide()).isEqualTo(SlideState.FAILED);
            assertThat(s.reason()).as(s.slide()).doesNotContain("\n").contains(s.slide());
        }
        assertThat(byId.get("markers-tritc").reason()).contains("restart");
        List<String> csv = Files.readAllLines(dir.resolve("out").resolve(CohortRunner.STATUS_FILE));
        assertThat(csv).hasSize(17);
    }
}
