package org.slidestream.philips;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.Raster;
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
import org.slidestream.tiff.codec.Codecs;

/**
 * Philips TIFF written as IntelliSite exports it (libtiff's JPEG tiles with shared JPEGTables, levels
 * padded to whole tiles, tiles outside the scanned area left out, the label as a base64 JPEG in the
 * XML and the macro as a stripped directory) from the shared H&E slide, read by us and OpenSlide.
 */
public class PhilipsSlideTest {
    @TempDir static Path dir;
    static Path tiff;

    @BeforeAll
    static void write() {
        tiff = write(dir);
    }

    /** Writes {@code philips.tiff} into {@code folder} from the shared H&E slide (also the fuzzer's seed). */
    public static Path write(Path folder) {
        Path tiff = folder.resolve("philips.tiff");
        try (Slide s = Slide.open(SharedData.slide("cmu-1-small-region.svs")); TiffBuilder b = TiffBuilder.create(tiff, OffsetLayout.CLASSIC)) {
            List<TiffBuilder.Dir> dirs = new ArrayList<>();
            StringBuilder reps = new StringBuilder();
            for (int level = 0, f = 1; level < 3; level++, f *= 2) {
                // levels after the first are stored padded to whole tiles, as Philips writes them
                int w = level == 0 ? 2220 : Math.ceilDiv(2220 / f, 256) * 256, h = level == 0 ? 2967 : Math.ceilDiv(2967 / f, 256) * 256;
                final int lv = level;
                JpegTiles tiles = new JpegTiles(256, 85, ChromaSubsampling.S420).sharedTables()
                        .missing((tx, ty) -> (tx + 2 * ty + lv) % 5 == 0); // sparse: tiles outside the scanned areas
                TiffBuilder.Dir d = tiles.write(b, new Downsampled(s, f, w, h)).ascii(305, "Philips DP v1.0");
                if (level > 0) d.longs(254, 1);
                dirs.add(d);
                String sp = String.format("&quot;%.6f&quot; &quot;%.6f&quot;", 0.0005 * f, 0.0005 * f);
                reps.append("<DataObject ObjectType=\"PixelDataRepresentation\">")
                        .append("<Attribute Name=\"DICOM_PIXEL_SPACING\" Group=\"0x0028\" Element=\"0x0030\" PMSVR=\"IDoubleArray\">").append(sp).append("</Attribute>")
                        .append("<Attribute Name=\"PIIM_PIXEL_DATA_REPRESENTATION_NUMBER\" Group=\"0x101D\" Element=\"0x1009\" PMSVR=\"IUInt16\">").append(level).append("</Attribute>")
                        .append("</DataObject>\n");
            }
            Raster label = s.readAssociated("label");
            String labelJpeg = Base64.getEncoder().encodeToString(Codecs.jpeg(true).encode(label, 90, ChromaSubsampling.S420));
            String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<DataObject ObjectType=\"DPUfsImport\">\n"
                    + "<Attribute Name=\"DICOM_MANUFACTURER\" Group=\"0x0008\" Element=\"0x0070\" PMSVR=\"IString\">PHILIPS</Attribute>\n"
                    + "<Attribute Name=\"DICOM_SOFTWARE_VERSIONS\" Group=\"0x0018\" Element=\"0x1020\" PMSVR=\"IStringArray\">&quot;1.6.5505&quot;</Attribute>\n"
                    + "<Attribute Name=\"PIM_DP_SCANNED_IMAGES\" Group=\"0x301D\" Element=\"0x1003\" PMSVR=\"IDataObjectArray\"><Array>\n"
                    + "<DataObject ObjectType=\"DPScannedImage\">\n"
                    + "<Attribute Name=\"DICOM_PIXEL_SPACING\" Group=\"0x0028\" Element=\"0x0030\" PMSVR=\"IDoubleArray\">&quot;0.000500&quot; &quot;0.000500&quot;</Attribute>\n"
                    + "<Attribute Name=\"PIM_DP_IMAGE_TYPE\" Group=\"0x301D\" Element=\"0x1004\" PMSVR=\"IString\">WSI</Attribute>\n"
                    + "<Attribute Name=\"PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE\" Group=\"0x1001\" Element=\"0x8B01\" PMSVR=\"IDataObjectArray\"><Array>\n"
                    + reps + "</Array></Attribute>\n</DataObject>\n"
                    + "<DataObject ObjectType=\"DPScannedImage\">\n"
                    + "<Attribute Name=\"PIM_DP_IMAGE_TYPE\" Group=\"0x301D\" Element=\"0x1004\" PMSVR=\"IString\">LABELIMAGE</Attribute>\n"
                    + "<Attribute Name=\"PIM_DP_IMAGE_DATA\" Group=\"0x301D\" Element=\"0x1005\" PMSVR=\"IString\">" + labelJpeg + "</Attribute>\n"
                    + "</DataObject>\n</Array></Attribute>\n</DataObject>\n";
            dirs.get(0).ascii(270, xml);
            for (TiffBuilder.Dir d : dirs) b.write(d);
            Raster macro = s.readAssociated("macro");
            byte[] jpeg = Codecs.jpeg(true).encode(macro, 90, ChromaSubsampling.S420);
            long at = b.append(jpeg);
            b.write(b.directory().longs(256, macro.width()).longs(257, macro.height()).shorts(258, 8, 8, 8).shorts(259, 7).shorts(262, 6)
                    .ascii(270, "Macro").longs(273, at).shorts(277, 3).longs(278, macro.height()).longs(279, jpeg.length).shorts(530, 2, 2)
                    .ascii(305, "Philips DP v1.0"));
        }
        return tiff;
    }

    @Test
    void levelsPixelsAndPropertiesAreOpenSlides() throws Exception {
        OpenSlideReference.Description ref = OpenSlideReference.describe(tiff);
        try (Slide s = Slide.open(tiff)) {
            assertThat(s.metadata().format()).isEqualTo("philips-tiff");
            assertThat(s.levelCount()).isEqualTo(3);
            OpenSlideReference.assertSameLevels(ref, s);
            assertThat(s.associatedImages()).containsExactlyInAnyOrder("label", "macro");
            assertThat(OpenSlideReference.propertyDifferences(ref, s.metadata().properties())).isEmpty();
            assertThat(s.metadata().mppX()).isEqualTo(0.5);
            List<Request> req = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                LevelInfo li = s.level(l);
                req.add(Request.region(l, 0, 0, li.width(), li.height()));
            }
            req.add(Request.associated("label"));
            req.add(Request.associated("macro"));
            for (OpenSlideReference.Answer a : OpenSlideReference.read(tiff, req)) {
                Request r = a.request();
                Raster ours1 = r.name() != null ? s.readAssociated(r.name()) : s.readRegion(ReadRequest.atLevel(r.level(), r.x(), r.y(), r.width(), r.height()));
                Diff.of(ours1, a.pixels(), 255).assertWithinCodecTolerance("Philips level " + r.level() + " " + r.name());
            }
        }
    }
}
