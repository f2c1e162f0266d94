package org.slidestream.qptiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.register.RegisterJob;
import org.slidestream.register.RegistrationOptions;
import org.slidestream.register.Transforms;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.testing.SharedData;
import org.slidestream.testing.TiffBuilder;
import org.slidestream.tiff.OffsetLayout;
import org.slidestream.tiff.TiffFile;
import org.slidestream.tiff.writer.TiffWriteOptions;

/**
 * Registration of QPTIFF rounds on their DAPI channel: a second round is the real Vectra QPTIFF
 * shifted by a known offset, written as a QPTIFF (uncompressed strips, the same QPI descriptions);
 * {@code register --channel DAPI}'s job finds the shift (within 1.5 px: 8-bit DAPI, a black border).
 */
class QptiffRegisterTest {
    static final int DX = 37, DY = -21;
    @TempDir Path dir;

    @Test
    void dapiChannelsOfQptiffRoundsRegister() throws Exception {
        Path ref = SharedData.format("akoya-vectra.qptiff");
        Path moved = dir.resolve("round2.qptiff");
        List<String> descriptions = new ArrayList<>();
        try (TiffFile f = TiffFile.open(ref)) {
            for (int i = 0; i < 3; i++) descriptions.add(f.ifds().get(i).description());
        }
        try (Slide s = Slide.open(ref); TiffBuilder b = TiffBuilder.create(moved, OffsetLayout.CLASSIC)) {
            int w = s.level(0).width(), h = s.level(0).height();
            List<TiffBuilder.Dir> dirs = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                // round 2's pixel (x, y) shows round 1's (x + DX, y + DY)
                Raster plane = s.readRegion(ReadRequest.atLevel(0, DX, DY, w, h).withChannel(c));
                long at = b.append(plane.bytes());
                dirs.add(b.directory().longs(256, w).longs(257, h).shorts(258, 8).shorts(259, 1).shorts(262, 1).ascii(270, descriptions.get(c))
                        .longs(273, at).shorts(277, 1).longs(278, h).longs(279, (long) w * h).rational(282, 20140, 1).rational(283, 20140, 1)
                        .shorts(296, 3));
            }
            for (TiffBuilder.Dir d : dirs) b.write(d);
        }
        try (Slide m = Slide.open(moved)) {
            assertThat(m.metadata().format()).isEqualTo("qptiff");
            assertThat(m.metadata().channelNames()).containsExactly("DAPI", "FITC", "Cy3");
            assertThat(m.metadata().pixelType()).isEqualTo(PixelType.UINT8);
        }
        MemoryBudget budget = new MemoryBudget(512L << 20);
        Path out = dir.resolve("out");
        List<String> messages = new ArrayList<>();
        var job = new RegisterJob(new RegisterJob.Options("DAPI", RegistrationOptions.defaults(), false, 256, false, false,
                TiffWriteOptions.defaults(), 2), SlideOptions.forBudget(budget), messages::add);
        var status = job.run(ref, List.of(moved), out);
        assertThat(status).extracting(RegisterJob.RoundStatus::status).containsExactly("success");
        var t = Transforms.read(out.resolve("transforms.json")).round("round2").transform();
        double[] p = new double[2];
        t.toMoving(960, 720, p); // where the reference's centre is in round 2
        assertThat(p[0]).isCloseTo(960 - DX, org.assertj.core.data.Offset.offset(1.5));
        assertThat(p[1]).isCloseTo(720 - DY, org.assertj.core.data.Offset.offset(1.5));
    }
}
