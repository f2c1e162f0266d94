package org.slidestream.scn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.testing.Downsampled;
import org.slidestream.testing.JpegTiles;
import org.slidestream.testing.SharedData;
import org.slidestream.testing.TiffBuilder;
import org.slidestream.tiff.Diff;
import org.slidestream.tiff.OffsetLayout;
import org.slidestream.tiff.OpenSlideReference;
import org.slidestream.tiff.OpenSlideReference.Request;
import org.slidestream.tiff.codec.ChromaSubsampling;

/**
 * Leica SCN written as the SCN400 writes it (a tiled BigTIFF, the scn XML in the first
 * ImageDescription, a macro image covering the glass and two regions of the main image, each a
 * pyramid of directories) from the shared H&E slide, read by us and by OpenSlide 3.4.1.
 */
public class ScnSlideTest {
    @TempDir static Path dir;
    static Path scn;

    /** A crop of a source. */
    record Crop(TileSource src, int x, int y, int w, int h) implements TileSource {
        @Override public ImageInfo info() { return new ImageInfo(w, h, 3, src.info().pixelType(), 256, 256); }

        @Override public void read(int plane, Region r, Raster dest) { src.read(plane, new Region(x + r.x(), y + r.y(), r.width(), r.height()), dest); }
    }

    @BeforeAll
    static void write() {
        scn = write(dir);
    }

    /** Writes {@code two-regions.scn} into {@code folder} from the shared H&E slide (also the fuzzer's seed). */
    public static Path write(Path folder) {
        Path scn = folder.resolve("two-regions.scn");
        try (Slide s = Slide.open(SharedData.slide("cmu-1-small-region.svs")); TiffBuilder b = TiffBuilder.create(scn, OffsetLayout.BIG)) {
            JpegTiles tiles = new JpegTiles(256, 85, ChromaSubsampling.S420);
            // region A: 1200 x 896 from (100, 100) at (250, 300) um; region B: 896 x 1008 from (1000, 1800) at (1800, 700) um
            int[][] regions = {{100, 100, 1200, 896, 250_000, 300_000}, {1000, 1800, 896, 1008, 1_800_000, 700_000}};
            StringBuilder images = new StringBuilder();
            int ifd = 0;
            // the macro: the whole glass (3 x 2 mm) at 10 um per pixel
            TiffBuilder.Dir macro = tiles.write(b, new Downsampled(s, 8, 300, 200));
            macro.ascii(270, "XML-PLACEHOLDER");
            List<TiffBuilder.Dir> dirs = new ArrayList<>(List.of(macro));
            images.append(image("macro", 0, 0, 3_000_000, 2_000_000, "<dimension sizeX=\"300\" sizeY=\"200\" r=\"0\" ifd=\"0\"/>"));
            ifd++;
            for (int[] r : regions) {
                StringBuilder dims = new StringBuilder();
                for (int level = 0, f = 1; level < 3; level++, f *= 4) {
                    Crop crop = new Crop(new Downsampled(s, f, 2220 / f, 2967 / f), r[0] / f, r[1] / f, r[2] / f, r[3] / f);
                    TiffBuilder.Dir d = tiles.write(b, crop).rational(282, 10_000_000 / (500L * f), 1).rational(283, 10_000_000 / (500L * f), 1)
                            .shorts(296, 3).ascii(305, "Leica SCN400");
                    if (level > 0) d.longs(254, 1);
                    dirs.add(d);
                    dims.append("<dimension sizeX=\"").append(r[2] / f).append("\" sizeY=\"").append(r[3] / f)
                            .append("\" r=\"").append(level).append("\" ifd=\"").append(ifd++).append("\"/>");
                }
                images.append(image("main", r[4], r[5], r[2] * 500L, r[3] * 500L, dims.toString()));
            }
            String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<scn xmlns=\"" + ScnOpener.NS2 + "\">\n"
                    + "  <collection name=\"two-regions\" uuid=\"1\" sizeX=\"3000000\" sizeY=\"2000000\">\n"
                    + "    <barcode>" + Base64.getEncoder().encodeToString("SS-1234".getBytes(StandardCharsets.UTF_8)) + "</barcode>\n"
                    + images + "  </collection>\n</scn>\n";
            dirs.get(0).ascii(270, xml);
            for (TiffBuilder.Dir d : dirs) b.write(d);
        }
        return scn;
    }

    private static String image(String name, long ox, long oy, long w, long h, String dims) {
        return "    <image name=\"" + name + "\" uuid=\"" + name + ox + "\">\n"
                + "      <creationDate>2024-01-02T03:04:05.06Z</creationDate>\n"
                + "      <device model=\"Leica SCN400;Leica SCN\" version=\"1.5.1.10804 2012/05/10 13:29:07;1.5.1.10864\"/>\n"
                + "      <pixels sizeX=\"" + w / 500 + "\" sizeY=\"" + h / 500 + "\">" + dims + "</pixels>\n"
                + "      <view sizeX=\"" + w + "\" sizeY=\"" + h + "\" offsetX=\"" + ox + "\" offsetY=\"" + oy + "\" spacingZ=\"0\"/>\n"
                + "      <scanSettings><objectiveSettings><objective>20</objective></objectiveSettings>\n"
                + "        <illuminationSettings><numericalAperture>0.7</numericalAperture><illuminationSource>brightfield</illuminationSource></illuminationSettings>\n"
                + "      </scanSettings>\n    </image>\n";
    }

    @Test
    void levelsPixelsAndPropertiesAreOpenSlides() throws Exception {
        OpenSlideReference.Description ref = OpenSlideReference.describe(scn);
        try (Slide s = Slide.open(scn)) {
            assertThat(s.metadata().format()).isEqualTo("leica-scn");
            OpenSlideReference.assertSameLevels(ref, s);
            assertThat(s.associatedImages()).containsExactly("macro");
            Map<String, String> ours = s.metadata().properties();
            assertThat(OpenSlideReference.propertyDifferences(ref, ours)).isEmpty();
            assertThat(ours).containsEntry("leica.barcode", "SS-1234").containsEntry("openslide.region[1].x", "3600");
            assertThat(s.metadata().magnification()).isEqualTo(20.0);
            // both regions, the glass between them and the edges, at every level; locations are multiples
            // of every downsample (OpenSlide interpolates at fractional level coordinates)
            List<Request> req = new ArrayList<>();
            for (int l = 0; l < s.levelCount(); l++) {
                LevelInfo li = s.level(l);
                int ds = (int) Math.round(li.downsample());
                req.add(Request.region(l, 400, 512, Math.min(1500 / ds, li.width()), Math.min(1200 / ds, li.height())));
                req.add(Request.region(l, 3392, 1296, Math.min(1400 / ds, li.width()), Math.min(1400 / ds, li.height())));
                req.add(Request.region(l, (li.width() - 100 / ds - 1) * ds, 0, 200 / ds + 1, 100));
            }
            req.add(Request.associated("macro"));
            for (OpenSlideReference.Answer a : OpenSlideReference.read(scn, req)) {
                Request r = a.request();
                Raster ours1 = r.name() != null ? s.readAssociated(r.name()) : s.readRegion(ReadRequest.atLevel(r.level(), r.x(), r.y(), r.width(), r.height()));
                Diff.of(ours1, a.pixels(), 255).assertWithinCodecTolerance("SCN level " + r.level() + " at " + r.x() + "," + r.y() + " " + r.name());
            }
        }
    }
}
