package org.slidestream.ventana;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.testing.Downsampled;
import org.slidestream.testing.JpegTiles;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;
import org.slidestream.testing.TiffBuilder;
import org.slidestream.tiff.Diff;
import org.slidestream.tiff.OffsetLayout;
import org.slidestream.tiff.OpenSlideReference;
import org.slidestream.tiff.OpenSlideReference.Request;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.Codecs;

/**
 * Ventana BIF written as an iScan scanner writes it (a BigTIFF of camera tiles that overlap their
 * neighbours by 16 pixels, EncodeInfo with the tile joints in level 0's XMP, the iScan element in the
 * first directory's XMP, lower levels of 2 x 2 and 4 x 4 camera tiles per stored tile, a label image
 * and a thumbnail), read by us and OpenSlide 3.4.1; and the same tiles with DP 200's numbering and
 * LEFT/DOWN joints, which OpenSlide 3.4.1 refuses and we read as the same image.
 */
public class VentanaSlideTest {
    static final int TILE = 256, OVERLAP = 16, ADVANCE = TILE - OVERLAP, ACROSS = 9, DOWN = 12;
    @TempDir static Path dir;
    static Path bif;
    static Path dp200;

    @BeforeAll
    static void write() {
        bif = write(dir, false);
        dp200 = write(dir, true);
    }

    /** Writes {@code iscan.bif} or {@code dp200.bif} into {@code folder} from the shared H&E slide (also the fuzzer's seeds). */
    public static Path write(Path folder, boolean dp200) {
        Path out = folder.resolve(dp200 ? "dp200.bif" : "iscan.bif");
        try (Slide s = Slide.open(SharedData.slide("cmu-1-small-region.svs"))) {
            write(s, out, dp200);
        }
        return out;
    }

    /** The stored tiles of a level: each holds {@code d x d} camera tiles, each downsampled by d. */
    record CameraTiles(Slide slide, int d) implements TileSource {
        @Override public ImageInfo info() {
            return new ImageInfo(Math.ceilDiv(ACROSS, d) * TILE, Math.ceilDiv(DOWN, d) * TILE, 3, PixelType.UINT8, TILE, TILE);
        }

        @Override public void read(int plane, Region r, Raster dest) {
            dest.fill(255);
            int sub = TILE / d;
            for (int y = r.y() / sub; y * sub < r.bottom(); y++) {
                for (int x = r.x() / sub; x * sub < r.right(); x++) {
                    if (x >= ACROSS || y >= DOWN) continue;
                    Raster cam = Raster.create(PixelType.UINT8, sub, sub, 3);
                    slide.readRegion(ReadRequest.atDownsample(d, x * ADVANCE, y * ADVANCE, sub, sub), cam);
                    Region place = new Region(x * sub, y * sub, sub, sub).intersect(r);
                    dest.copyFrom(cam, place.x() - x * sub, place.y() - y * sub, place.x() - r.x(), place.y() - r.y(), place.width(), place.height());
                }
            }
        }
    }

    private static void write(Slide s, Path out, boolean dp200) {
        try (TiffBuilder b = TiffBuilder.create(out, OffsetLayout.BIG)) {
            Raster label = s.readAssociated("macro");
            byte[] labelJpeg = Codecs.jpeg(true).encode(label, 90, ChromaSubsampling.S420);
            String iscan = "<?xml version=\"1.0\" encoding=\"utf-8\"?><iScan BuildDate=\"2024-01-01\" BuildVersion=\"3.3.1.1\" Magnification=\"20\""
                    + " ScanRes=\"0.5\" UnitNumber=\"BI10N0000\" SlideAnnotation=\"\" ScannerModel=\"" + (dp200 ? "VENTANA DP 200" : "iScan HT") + "\"/>";
            long at = b.append(labelJpeg);
            b.write(strip(b, label, at, labelJpeg.length, "Label Image").bytes(700, 1, iscan.getBytes(StandardCharsets.UTF_8)));
            Raster thumb = s.readRegion(ReadRequest.atDownsample(16, 0, 0, 136, 181));
            byte[] thumbJpeg = Codecs.jpeg(true).encode(thumb, 90, ChromaSubsampling.S420);
            at = b.append(thumbJpeg);
            b.write(strip(b, thumb, at, thumbJpeg.length, "Thumbnail"));
            JpegTiles tiles = new JpegTiles(TILE, 90, ChromaSubsampling.S420);
            for (int level = 0, d = 1; level < 3; level++, d *= 2) {
                TiffBuilder.Dir dd = tiles.write(b, new CameraTiles(s, d)).ascii(270, "level=" + level + " mag=" + (20 / d) + " quality=90");
                if (level == 0) dd.bytes(700, 1, encodeInfo(dp200).getBytes(StandardCharsets.UTF_8));
                b.write(dd);
            }
        }
    }

    private static TiffBuilder.Dir strip(TiffBuilder b, Raster r, long at, int bytes, String description) {
        return b.directory().longs(256, r.width()).longs(257, r.height()).shorts(258, 8, 8, 8).shorts(259, 7).shorts(262, 6)
                .ascii(270, description).longs(273, at).shorts(277, 3).longs(278, r.height()).longs(279, bytes).shorts(530, 2, 2);
    }

    /** The tile's 1-based number: rows from the bottom, serpentine, iScan from the left, DP 200 from the right. */
    static int number(int col, int rowFromTop, boolean dp200) {
        int rb = DOWN - 1 - rowFromTop;
        int c = (rb % 2 == 1) != dp200 ? ACROSS - 1 - col : col;
        return rb * ACROSS + c + 1;
    }

    private static String encodeInfo(boolean dp200) {
        StringBuilder joints = new StringBuilder();
        for (int r = 0; r < DOWN; r++) {
            for (int c = 0; c < ACROSS; c++) {
                if (c + 1 < ACROSS) {
                    int left = number(c, r, dp200), right = number(c + 1, r, dp200);
                    joints.append(dp200 ? joint("LEFT", right, left, OVERLAP, 0) : joint("RIGHT", left, right, OVERLAP, 0));
                }
                if (r + 1 < DOWN) {
                    int upper = number(c, r, dp200), lower = number(c, r + 1, dp200);
                    joints.append(dp200 ? joint("DOWN", upper, lower, 0, OVERLAP) : joint("UP", lower, upper, 0, OVERLAP));
                }
            }
        }
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><EncodeInfo Ver=\"2\"><SlideInfo/>"
                + "<AoiOrigin><AOI0 OriginX=\"0\" OriginY=\"0\"/></AoiOrigin><SlideStitchInfo>"
                + "<ImageInfo AOIScanned=\"1\" AOIIndex=\"0\" Width=\"" + TILE + "\" Height=\"" + TILE + "\" NumRows=\"" + DOWN
                + "\" NumCols=\"" + ACROSS + "\" Pos-X=\"0\" Pos-Y=\"0\">" + joints + "</ImageInfo></SlideStitchInfo></EncodeInfo>";
    }

    private static String joint(String direction, int t1, int t2, int ox, int oy) {
        return "<TileJointInfo FlagJoined=\"1\" Confidence=\"100\" Direction=\"" + direction + "\" Tile1=\"" + t1 + "\" Tile2=\"" + t2
                + "\" OverlapX=\"" + ox + "\" OverlapY=\"" + oy + "\"/>";
    }

    @Test
    void iscanBifMatchesOpenSlideAtEveryLevel() throws Exception {
        OpenSlideReference.Description ref = OpenSlideReference.describe(bif);
        try (Slide s = Slide.open(bif)) {
            assertThat(s.metadata().format()).isEqualTo("ventana");
            assertThat(s.level(0).width()).isEqualTo((ACROSS - 1) * ADVANCE + TILE);
            OpenSlideReference.assertSameLevels(ref, s);
            assertThat(s.associatedImages()).containsExactlyInAnyOrder("macro", "thumbnail");
            assertThat(OpenSlideReference.propertyDifferences(ref, s.metadata().properties())).isEmpty();
            assertThat(s.metadata().magnification()).isEqualTo(20.0);
            assertThat(s.metadata().mppX()).isEqualTo(0.5);
            List<Request> req = new ArrayList<>();
            for (int l = 0; l < 3; l++) {
                LevelInfo li = s.level(l);
                req.add(Request.region(l, 0, 0, li.width(), li.height()));
            }
            req.add(Request.associated("macro"));
            req.add(Request.associated("thumbnail"));
            for (OpenSlideReference.Answer a : OpenSlideReference.read(bif, req)) {
                Request r = a.request();
                Raster ours1 = r.name() != null ? s.readAssociated(r.name()) : s.readRegion(ReadRequest.atLevel(r.level(), r.x(), r.y(), r.width(), r.height()));
                Diff.of(ours1, a.pixels(), 255).assertWithinCodecTolerance("BIF level " + r.level() + " " + r.name());
            }
        }
    }

    @Test
    void dp200NumberingAndJointsGiveTheSameImage() {
        ReferenceTools.requirePythonModules("openslide");
        ReferenceTools.Result refused = ReferenceTools.python("import sys, openslide; openslide.OpenSlide(sys.argv[1])", dp200);
        assertThat(refused.exitCode()).as("OpenSlide 3.4.1 refuses LEFT joints").isNotZero();
        assertThat(refused.stderr()).contains("Bad direction attribute");
        try (Slide a = Slide.open(bif); Slide b = Slide.open(dp200)) {
            assertThat(b.levels()).isEqualTo(a.levels());
            for (int l = 0; l < 3; l++) {
                LevelInfo li = a.level(l);
                assertThat(b.readRegion(ReadRequest.atLevel(l, 0, 0, li.width(), li.height())).bytes())
                        .isEqualTo(a.readRegion(ReadRequest.atLevel(l, 0, 0, li.width(), li.height())).bytes());
            }
            assertThat(b.metadata().properties()).containsEntry("ventana.ScannerModel", "VENTANA DP 200");
        }
    }
}
