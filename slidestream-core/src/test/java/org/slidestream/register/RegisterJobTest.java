package org.slidestream.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.tiff.writer.TiffWriteOptions;
import org.slidestream.tiff.writer.TiffWriter;
import org.slidestream.tiff.writer.WriteContext;
import org.slidestream.tiff.writer.WriteMetadata;

/** End to end on files: synthetic rounds written as OME-TIFF, read back by the reader, registered, written. */
class RegisterJobTest {
    private static final int SIZE = 768;
    private static final MemoryBudget BUDGET = new MemoryBudget(512L << 20);
    /** One set of slide options (one tile cache) for every job of the class, as in one run. */
    private static final SlideOptions SLIDES = SlideOptions.forBudget(BUDGET);
    private static final TiffWriteOptions TIFF = TiffWriteOptions.defaults().withMinLevelSide(256).withTileSize(256);
    @TempDir static Path dir;
    static ExecutorService pool;
    static SyntheticRounds rounds;
    static List<Path> files;

    @BeforeAll
    static void writeRounds() throws IOException {
        pool = Executors.newFixedThreadPool(2);
        rounds = new SyntheticRounds(SIZE, SIZE, 3, 3, 17, SyntheticRounds.Variation.rigid());
        files = rounds.write(dir.resolve("in"), "round", TIFF, ctx());
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    static WriteContext ctx() {
        return new WriteContext(BUDGET, pool, 2, null, false);
    }

    RegisterJob job(boolean merge, List<String> messages) {
        return new RegisterJob(new RegisterJob.Options("dapi", RegistrationOptions.defaults(), merge, 300, false, true, TIFF, 2),
                SLIDES, messages::add);
    }

    @Test
    void registersEveryRoundAndWritesOutputs() throws IOException {
        Path out = dir.resolve("out");
        List<String> messages = new ArrayList<>();
        List<RegisterJob.RoundStatus> st = job(false, messages).run(files.get(0), files.subList(1, 3), out);
        assertThat(st).extracting(RegisterJob.RoundStatus::status).containsExactly("success", "success");
        for (String r : List.of("round1", "round2")) {
            assertThat(out.resolve(r + ".qc.png")).exists();
            try (Slide s = Slide.open(out.resolve(r + ".registered.ome.tif"))) {
                assertThat(s.level(0).width()).isEqualTo(SIZE);
                assertThat(s.metadata().channelNames()).isEqualTo(rounds.channelNames(Integer.parseInt(r.substring(5))));
                assertThat(s.metadata().mppX()).isCloseTo(0.5, within(1e-9));
                assertThat(s.levelCount()).isGreaterThan(1);
            }
        }
        Transforms.Set t = Transforms.read(out.resolve("transforms.json"));
        assertThat(RegistrationTest.medianTre(rounds, 1, t.round("round1").transform())).isLessThanOrEqualTo(1.0);
        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertThat(metrics).hasSize(3);
        assertThat(metrics.get(0)).startsWith("round,status,ncc_before,ncc_after,dice_before,dice_after,tre_um");
        String[] row = metrics.get(1).split(",");
        assertThat(Double.parseDouble(row[3])).isGreaterThan(Double.parseDouble(row[2]));
        assertThat(Double.parseDouble(row[6])).isLessThan(0.5); // TRE in um (0.5 um pixels)
        assertThat(messages).anyMatch(m -> m.startsWith("round1: registered"));
        // the registered nuclear channel matches the reference's, pixel for pixel
        try (Slide ref = Slide.open(files.get(0)); Slide reg = Slide.open(out.resolve("round1.registered.ome.tif"))) {
            var req = org.slidestream.slide.ReadRequest.atLevel(0, 256, 256, 256, 256).withChannel(0);
            assertThat(QualityControl.ncc(gray(ref.readRegion(req)), gray(reg.readRegion(req)))).isGreaterThan(0.9);
        }
    }

    @Test
    void badRoundsFailAloneWithReasonsAndPixelSizesAreResampled() throws IOException {
        Path in = dir.resolve("bad");
        Files.createDirectories(in);
        // a round without the nuclear channel
        Path noDapi = in.resolve("nodapi.ome.tif");
        TiffWriter.write(rounds.round(1), noDapi, TIFF, WriteMetadata.channels(List.of("CD3", "CD8", "CD20"), 0.5, 0.5), ctx());
        // a round of other tissue: no overlap with the reference
        SyntheticRounds other = new SyntheticRounds(SIZE, SIZE, 3, 1, 99, SyntheticRounds.Variation.rigid());
        Path elsewhere = in.resolve("elsewhere.ome.tif");
        TiffWriter.write(other.round(0), elsewhere, TIFF, WriteMetadata.channels(other.channelNames(0), 0.5, 0.5), ctx());
        // round 2 imaged at 1 um per pixel
        Path coarse = in.resolve("coarse.ome.tif");
        TiffWriter.write(halved(rounds.round(2)), coarse, TIFF, WriteMetadata.channels(rounds.channelNames(2), 1.0, 1.0), ctx());
        Path missing = in.resolve("missing.ome.tif");

        List<String> messages = new ArrayList<>();
        List<RegisterJob.RoundStatus> st = job(false, messages).run(files.get(0), List.of(noDapi, elsewhere, coarse, missing, files.get(1)),
                dir.resolve("badout"));
        assertThat(st).extracting(RegisterJob.RoundStatus::status).containsExactly("failed", "failed", "success", "failed", "success");
        assertThat(st.get(0).reason()).contains("no nuclear channel 'dapi'").contains("CD3");
        assertThat(st.get(1).reason()).contains("no overlap");
        assertThat(st.get(3).reason()).contains("missing.ome.tif");
        assertThat(messages).anyMatch(m -> m.contains("coarse: pixel size 1.000 um differs from the reference's 0.5000 um; resampled using the physical size"));
        // the 1 um round: scale 0.5 from reference pixels to its pixels, still on the reference's 0.5 um grid when written
        Transforms.Round c = Transforms.read(dir.resolve("badout/transforms.json")).round("coarse");
        assertThat(c.transform().affine().meanScale()).isCloseTo(0.5, within(0.01));
        assertThat(st.get(2).metrics().diceAfter()).isGreaterThan(0.7);
        try (Slide s = Slide.open(dir.resolve("badout/coarse.registered.ome.tif"))) {
            assertThat(s.level(0).width()).isEqualTo(SIZE);
        }
        List<String> metrics = Files.readAllLines(dir.resolve("badout/metrics.csv"));
        assertThat(metrics).hasSize(6);
        assertThat(metrics.get(1)).startsWith("nodapi,failed,");
    }

    @Test
    void mergeWritesOneImageWithRoundPrefixedChannels() throws IOException {
        Path out = dir.resolve("merged");
        job(true, new ArrayList<>()).run(files.get(0), files.subList(1, 3), out);
        try (Slide s = Slide.open(out.resolve("registered.ome.tif"))) {
            assertThat(s.metadata().sizeC()).isEqualTo(9);
            assertThat(s.metadata().channelNames()).startsWith("round0_DAPI", "round0_R0_marker1", "round0_R0_marker2", "round1_DAPI");
        }
        assertThat(out.resolve("round1.registered.ome.tif")).doesNotExist();
    }

    @Test
    void aReferenceWithoutTheChannelStopsTheRun() {
        RegisterJob j = new RegisterJob(new RegisterJob.Options("Hoechst", RegistrationOptions.defaults(), false, 300, false, true, TIFF, 2),
                SLIDES, m -> { });
        assertThatThrownBy(() -> j.run(files.get(0), files.subList(1, 2), dir.resolve("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round0.ome.tif: no channel 'Hoechst'")
                .hasMessageContaining("0=DAPI");
    }

    private static Gray gray(Raster r) {
        Gray g = Gray.zeros(r.width(), r.height());
        for (int i = 0; i < r.width() * r.height(); i++) g.data()[i] = (float) r.getAt(i);
        return g;
    }

    /** 2x2 means: the same tissue at twice the pixel size. */
    private static TileSource halved(TileSource src) {
        ImageInfo in = src.info();
        ImageInfo info = new ImageInfo(in.width() / 2, in.height() / 2, in.bands(), in.pixelType(), 256, 256);
        return new TileSource() {
            @Override public ImageInfo info() { return info; }

            @Override public void read(int plane, Region region, Raster dest) {
                Raster full = src.read(new Region(region.x() * 2, region.y() * 2, region.width() * 2, region.height() * 2));
                for (int y = 0; y < region.height(); y++) {
                    for (int x = 0; x < region.width(); x++) {
                        for (int b = 0; b < info.bands(); b++) {
                            double s = full.get(2 * x, 2 * y, b) + full.get(2 * x + 1, 2 * y, b) + full.get(2 * x, 2 * y + 1, b) + full.get(2 * x + 1, 2 * y + 1, b);
                            dest.set(x, y, b, s / 4);
                        }
                    }
                }
            }
        };
    }
}
