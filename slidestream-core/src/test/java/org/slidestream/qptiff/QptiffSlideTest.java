package org.slidestream.qptiff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideDescription;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/** The real Vectra QPTIFF against tifffile: channels with their names, pixels, associated images, metadata. */
class QptiffSlideTest {
    @TempDir Path dir;

    /** tifffile for the structure; the pixels through Pillow (libtiff), as tifffile needs imagecodecs (not in Debian) for LZW. */
    private static final String DUMP = """
            import sys, numpy as np, tifffile
            from PIL import Image
            t = tifffile.TiffFile(sys.argv[1])
            s = t.series[0]
            im = Image.open(sys.argv[1])
            with open(sys.argv[2] + '/channels.raw', 'wb') as f:
                for i, p in enumerate(s.pages):
                    im.seek(p.index); f.write(np.asarray(im).tobytes())
            for i, p in enumerate(t.pages):
                if p.samplesperpixel == 3:
                    im.seek(i); np.asarray(im.convert('RGB')).tofile(sys.argv[2] + '/page%d.raw' % i)
            print(s.axes, ' '.join(str(x) for x in s.shape), s.dtype)
            """;

    @Test
    void channelsPixelsAndAssociatedImagesAreTifffiles() throws Exception {
        Path file = SharedData.format("akoya-vectra.qptiff");
        ReferenceTools.requirePythonModules("tifffile", "numpy", "PIL");
        String out = ReferenceTools.python(DUMP, file, dir).requireSuccess("tifffile").stdout().strip();
        assertThat(out).isEqualTo("CYX 3 1440 1920 uint8");
        byte[] ref = Files.readAllBytes(dir.resolve("channels.raw"));
        try (Slide s = Slide.open(file)) {
            assertThat(s.metadata().format()).isEqualTo("qptiff");
            assertThat(s.metadata().channelNames()).containsExactly("DAPI", "FITC", "Cy3");
            assertThat(s.metadata().pixelType()).isEqualTo(PixelType.UINT8);
            assertThat(s.metadata().brightfield()).isFalse();
            assertThat(s.metadata().background()).isZero();
            assertThat(s.level(0).width()).isEqualTo(1920);
            assertThat(s.level(0).height()).isEqualTo(1440);
            for (int c = 0; c < 3; c++) {
                Raster r = s.readRegion(ReadRequest.atLevel(0, 0, 0, 1920, 1440).withChannel(c));
                byte[] plane = java.util.Arrays.copyOfRange(ref, c * 1920 * 1440, (c + 1) * 1920 * 1440);
                assertThat(r.bytes()).as("channel %d", c).isEqualTo(plane);
            }
            // all channels at once are the same planes interleaved
            Raster all = s.readRegion(ReadRequest.atLevel(0, 700, 300, 64, 32));
            assertThat(all.bands()).isEqualTo(3);
            for (int c = 0; c < 3; c++) assertThat(all.get(5, 7, c)).isEqualTo(ref[c * 1920 * 1440 + 307 * 1920 + 705] & 0xFF);
            assertThat(s.associatedImages()).containsExactly("thumbnail", "macro", "label");
            int[] pages = {3, 4, 5};
            List<String> names = List.of("thumbnail", "macro", "label");
            for (int i = 0; i < 3; i++) {
                Raster a = s.readAssociated(names.get(i));
                assertThat(a.bytes()).as(names.get(i)).isEqualTo(Files.readAllBytes(dir.resolve("page" + pages[i] + ".raw")));
            }
            Map<String, Object> info = SlideDescription.of(s, true);
            assertThat(info.get("sizeC")).isEqualTo(3);
            assertThat(info.get("channels")).isEqualTo(List.of("DAPI", "FITC", "Cy3"));
            assertThat(info.get("magnification")).isEqualTo(20.0);
            @SuppressWarnings("unchecked") List<Double> mpp = (List<Double>) info.get("mpp");
            assertThat(mpp.get(0)).isCloseTo(10_000 / (4294967295.0 / 213260), within(1e-9));
            @SuppressWarnings("unchecked") Map<String, String> props = (Map<String, String>) info.get("properties");
            assertThat(props).containsEntry("qptiff.channel[0].ExposureTime", "2630")
                    .containsEntry("qptiff.channel[2].Name", "Cy3")
                    .containsEntry("qptiff.channel[1].Color", "0,255,0")
                    .containsEntry("qptiff.SlideID", "RTM61_1")
                    .containsEntry("qptiff.Objective", "10x");
        }
    }

    @Test
    void objectiveNamesGiveTheirPower() {
        assertThat(QptiffOpener.objectivePower("10x")).isEqualTo(10.0);
        assertThat(QptiffOpener.objectivePower("40X Plan Apo")).isEqualTo(40.0);
        assertThat(QptiffOpener.objectivePower("WideFOV")).isNull();
    }
}
