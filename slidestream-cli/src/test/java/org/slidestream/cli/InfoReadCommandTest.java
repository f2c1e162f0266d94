package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.npy.NpyReader;
import org.slidestream.image.Raster;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

class InfoReadCommandTest {
    @TempDir Path tmp;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cmu-1-small-region.svs", "tcga-cr-7395-01a-01-ts1.svs"})
    void infoJsonHasTheDocumentedKeysAndAgreesWithOpenSlide(String name) throws Exception {
        Path svs = SharedData.slide(name);
        Cli r = Cli.run("info", svs.toString(), "--json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.fieldNames()).toIterable().containsSubsequence("format", "width", "height", "levels", "mpp",
                "magnification", "pixelType", "sizeC", "sizeZ", "channels", "associated");
        ReferenceTools.requirePythonModules("openslide");
        String ref = ReferenceTools.python("""
                import sys, openslide
                s = openslide.OpenSlide(sys.argv[1])
                print(s.level_count)
                for (w, h), d in zip(s.level_dimensions, s.level_downsamples): print(w, h, repr(d))
                print(s.properties.get('openslide.mpp-x'), s.properties.get('openslide.objective-power'))
                print(' '.join(sorted(s.associated_images)))
                """, svs).requireSuccess("openslide").stdout();
        String[] lines = ref.strip().split("\n");
        int levels = Integer.parseInt(lines[0]);
        assertThat(j.get("levels")).hasSize(levels);
        for (int i = 0; i < levels; i++) {
            String[] p = lines[1 + i].split(" ");
            JsonNode l = j.get("levels").get(i);
            assertThat(l.get("width").asInt()).isEqualTo(Integer.parseInt(p[0]));
            assertThat(l.get("height").asInt()).isEqualTo(Integer.parseInt(p[1]));
            assertThat(l.get("downsample").asDouble()).isCloseTo(Double.parseDouble(p[2]), org.assertj.core.data.Offset.offset(1e-6));
        }
        String[] mppMag = lines[1 + levels].split(" ");
        if (mppMag[0].equals("None")) {
            assertThat(j.get("mpp").isNull()).isTrue();
        } else {
            assertThat(j.get("mpp").get(0).asDouble()).isCloseTo(Double.parseDouble(mppMag[0]), org.assertj.core.data.Offset.offset(1e-9));
        }
        if (mppMag[1].equals("None")) {
            assertThat(j.get("magnification").isNull()).isTrue();
        } else {
            assertThat(j.get("magnification").asDouble()).isEqualTo(Double.parseDouble(mppMag[1]));
        }
        assertThat(j.get("pixelType").asText()).isEqualTo("uint8");
        assertThat(j.get("sizeC").asInt()).isEqualTo(3);
        String assoc = lines.length > 2 + levels ? lines[2 + levels].strip() : "";
        assertThat(j.get("associated")).extracting(JsonNode::asText).containsExactlyInAnyOrder(assoc.isEmpty() ? new String[0] : assoc.split(" "));
    }

    @Test
    void infoTextNamesLevels() {
        Cli r = Cli.run("info", SharedData.slide("cmu-1-small-region.svs").toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("2220 x 2967").contains("levels:").contains("associated:");
    }

    @Test
    void infoCodecsSaysWhichCodecEachCompressionUsesAndWhy() throws Exception {
        Cli r = Cli.run("info", "--codecs");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("JPEG:").contains("JPEG 2000:").contains("Deflate (compression):").contains("zstd:");
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertThat(r.out()).contains("libjpeg-turbo 3.").contains("OpenJPEG 2.").contains("(bundled)").contains("leptonica-");
        }
        JsonNode json = new ObjectMapper().readTree(Cli.run("info", "--codecs", "--json", "--no-natives").out());
        assertThat(json).isNotEmpty().allSatisfy(c -> assertThat(c.has("origin") && c.has("reason") && c.has("location")).isTrue());
        assertThat(json.get(0).get("codec").asText()).startsWith("JDK ImageIO");
        assertThat(json.get(0).get("reason").asText()).isEqualTo("--no-natives");
        Cli none = Cli.run("info");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("SLIDE").contains("--codecs");
    }

    @Test
    void readWritesTheRegionTheApiReads() throws Exception {
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        Path png = tmp.resolve("region.png");
        Cli r = Cli.run("read", svs.toString(), "--location", "2100,2900", "--size", "200,100", "--level", "0", "-o", png.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("peak memory");
        Raster written = ImageFiles.read(png);
        try (Slide s = Slide.open(svs)) {
            Raster expected = s.readRegion(ReadRequest.atLevel(0, 2100, 2900, 200, 100));
            assertThat(written.contentEquals(expected)).isTrue();
            // beyond the right and bottom edges the slide is white
            assertThat(written.get(199, 99, 0)).isEqualTo(255);
        }
    }

    @Test
    void readAtADownsampleToNpyAndAnAssociatedImage() throws Exception {
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        Path npy = tmp.resolve("region.npy");
        Cli r = Cli.run("read", svs.toString(), "--downsample", "3.5", "--size", "64,48", "-o", npy.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        try (NpyReader reader = NpyReader.open(npy); Slide s = Slide.open(svs)) {
            assertThat(reader.shape()).containsExactly(48L, 64L, 3L);
            Raster expected = s.readRegion(ReadRequest.atDownsample(3.5, 0, 0, 64, 48));
            assertThat((byte[]) reader.readRows(0, 48)).isEqualTo(expected.bytes());
            String name = s.associatedImages().get(0);
            Path assoc = tmp.resolve("assoc.png");
            assertThat(Cli.run("read", svs.toString(), "--associated", name, "-o", assoc.toString()).exitCode()).isZero();
            assertThat(ImageFiles.read(assoc).contentEquals(s.readAssociated(name))).isTrue();
        }
    }

    @Test
    void badInputIsOneLineAndExitCodeOne() throws Exception {
        Cli broken = Cli.run("info", SharedData.slide("broken.svs").toString());
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err().strip().lines()).hasSize(1);
        assertThat(broken.err()).contains("broken.svs");
        Path empty = Files.createFile(tmp.resolve("empty.svs"));
        Cli e = Cli.run("info", empty.toString());
        assertThat(e.exitCode()).isEqualTo(1);
        assertThat(e.err()).contains("empty.svs").contains("empty");
        Cli usage = Cli.run("read", SharedData.slide("cmu-1-small-region.svs").toString(), "-o", tmp.resolve("x.bmp").toString());
        assertThat(usage.exitCode()).isEqualTo(2);
        Cli noLevel = Cli.run("read", SharedData.slide("cmu-1-small-region.svs").toString(), "--level", "7", "-o", tmp.resolve("x.png").toString());
        assertThat(noLevel.exitCode()).isEqualTo(2);
        assertThat(noLevel.err()).contains("no level 7");
    }

    @Test
    void aRegionLargerThanTheBudgetFailsAtOnceSayingHowMuchItNeeds() {
        Cli r = Cli.run("read", SharedData.slide("cmu-1-small-region.svs").toString(), "--size", "20000,20000",
                "--max-memory", "64m", "-o", tmp.resolve("big.png").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("needs").contains("budget");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aRegionThatFitsTheBudgetOnlyWithoutTheTileCacheFailsAtOnceInsteadOfWaiting() {
        // 18.8 MiB region, 24 MiB budget of which the tile cache holds 6 MiB
        Cli r = Cli.run("read", SharedData.slide("cmu-1-small-region.svs").toString(),
                "--max-memory", "24m", "-o", tmp.resolve("whole.npy").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cmu-1-small-region.svs").contains("needs").contains("free");
    }

    @Test
    void aRegionBeyondOneJavaArrayIsRefusedByTheBudgetNamingTheSlide() {
        Cli r = Cli.run("read", SharedData.slide("cmu-1-small-region.svs").toString(), "--size", "100000,100000",
                "--max-memory", "64m", "-o", tmp.resolve("huge.png").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cmu-1-small-region.svs").contains("needs 27.9 GiB").contains("budget");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void readOneChannelOfTheOmeTiffToTiffAsTifffileSeesIt() throws Exception {
        Path ome = SharedData.slide("multi-channel-z-series.ome.tif");
        Path tif = tmp.resolve("plane.tif");
        Cli r = Cli.run("read", ome.toString(), "--channel", "1", "--z", "3", "-o", tif.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        ReferenceTools.requirePythonModules("tifffile", "numpy");
        String out = ReferenceTools.python("""
                import sys, tifffile, numpy as np
                a = tifffile.imread(sys.argv[1])
                ref = tifffile.imread(sys.argv[2])
                print(a.shape, a.dtype, ref.shape)
                # the shared file is CZYX; channel 1, z 3
                plane = ref.reshape((-1,) + ref.shape[-2:])[1 * 5 + 3] if ref.ndim == 4 else None
                print(bool(np.array_equal(np.squeeze(a), plane)))
                """, tif, ome).requireSuccess("tifffile").stdout();
        assertThat(out).contains("int8").contains("True");
    }
}
