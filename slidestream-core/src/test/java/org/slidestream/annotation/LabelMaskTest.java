package org.slidestream.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

class LabelMaskTest {
    private static final GeometryFactory GF = Annotations.GEOMETRIES;

    @TempDir Path tmp;

    static byte[] whole(LabelMask m) {
        return m.read(m.info().bounds()).bytes();
    }

    /** Draws the mask tile by tile (tiles cut at the edge) into one array. */
    static byte[] tiled(LabelMask m, int tw, int th) {
        int w = m.info().width(), h = m.info().height();
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y += th) {
            for (int x = 0; x < w; x += tw) {
                Region r = new Region(x, y, Math.min(tw, w - x), Math.min(th, h - y));
                Raster t = m.read(r);
                for (int j = 0; j < r.height(); j++) System.arraycopy(t.bytes(), j * r.width(), out, (y + j) * w + x, r.width());
            }
        }
        return out;
    }

    /** Random star-shaped and self-intersecting polygons with holes, some reaching past the image. */
    static AnnotationSet randomSet(long seed, int w, int h, int count) {
        return randomSet(seed, w, h, count, false);
    }

    static AnnotationSet randomSet(long seed, int w, int h, int count, boolean inside) {
        Random rnd = new Random(seed);
        List<Annotation> list = new ArrayList<>();
        String[] classes = {"Tissue", "Tumor", "Necrosis"};
        for (int i = 0; i < count; i++) {
            double cx = rnd.nextDouble() * w, cy = rnd.nextDouble() * h, r = 3 + rnd.nextDouble() * w / 4;
            if (inside) {
                r = Math.min(r, Math.min(Math.min(cx, w - cx), Math.min(cy, h - cy)) - 2);
                if (r < 1) continue;
            }
            int n = 3 + rnd.nextInt(40);
            Coordinate[] shell = new Coordinate[n + 1];
            for (int k = 0; k < n; k++) {
                double a = 2 * Math.PI * k / n, rr = r * (0.3 + 0.7 * rnd.nextDouble());
                shell[k] = new Coordinate(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
            }
            shell[n] = shell[0].copy();
            LinearRing[] holes = new LinearRing[0];
            if (rnd.nextBoolean()) {
                double hr = r * 0.2;
                holes = new LinearRing[] {GF.createLinearRing(new Coordinate[] {new Coordinate(cx - hr, cy - hr), new Coordinate(cx + hr, cy - hr),
                        new Coordinate(cx + hr, cy + hr * 0.7), new Coordinate(cx - hr, cy + hr), new Coordinate(cx - hr, cy - hr)})};
            }
            Geometry g = GF.createPolygon(GF.createLinearRing(shell), holes);
            list.add(new Annotation(g, classes[rnd.nextInt(classes.length)], "p" + i, null));
        }
        return new AnnotationSet(null, AnnotationFormat.GEOJSON, list, null, List.of());
    }

    @Test
    void anyTilingGivesTheWholeImagePixels() {
        AnnotationSet set = randomSet(7, 300, 220, 40);
        LabelMap labels = LabelMap.parse(null, null, set.areaClasses());
        for (MaskResolution res : List.of(MaskResolution.level0(300, 220), MaskResolution.downsample(300, 220, 2.7))) {
            LabelMask m = new LabelMask(set, labels, res, 64);
            byte[] one = whole(m);
            assertThat(nonZero(one)).isGreaterThan(one.length / 10);
            for (int[] t : new int[][] {{64, 64}, {1, 300}, {17, 5}, {128, 33}, {512, 512}}) {
                assertThat(tiled(m, t[0], t[1])).as("tiles %dx%d at %s", t[0], t[1], res).isEqualTo(one);
            }
        }
    }

    @Test
    void manyEdgesUseTheEdgeIndexAndStillEqualWholeDraw() {
        // A 400-gon (indexed edges) with a 200-gon hole.
        Coordinate[] shell = new Coordinate[401], hole = new Coordinate[201];
        for (int k = 0; k < 400; k++) {
            double a = 2 * Math.PI * k / 400, r = 90 + 20 * Math.sin(7 * a);
            shell[k] = new Coordinate(128 + r * Math.cos(a), 128 + r * Math.sin(a));
        }
        shell[400] = shell[0];
        for (int k = 0; k < 200; k++) {
            double a = -2 * Math.PI * k / 200;
            hole[k] = new Coordinate(120 + 30 * Math.cos(a), 130 + 25 * Math.sin(a));
        }
        hole[200] = hole[0];
        Geometry g = GF.createPolygon(GF.createLinearRing(shell), new LinearRing[] {GF.createLinearRing(hole)});
        AnnotationSet set = new AnnotationSet(null, AnnotationFormat.GEOJSON, List.of(new Annotation(g, "Tumor", null, null)), null, List.of());
        LabelMask m = new LabelMask(set, LabelMap.parse(null, null, set.areaClasses()), MaskResolution.level0(256, 256), 32);
        byte[] one = whole(m);
        assertThat(tiled(m, 32, 32)).isEqualTo(one);
        assertThat(tiled(m, 7, 19)).isEqualTo(one);
        assertThat(one[130 * 256 + 120]).as("inside the hole").isEqualTo((byte) 0);
        assertThat(one[128 * 256 + 200]).as("inside the shell").isEqualTo((byte) 1);
    }

    @Test
    void equalsOpenCvFillPolyPixelForPixel() throws IOException {
        AnnotationSet set = randomSet(11, 257, 190, 80, true);
        LabelMap labels = LabelMap.parse("Tissue=1,Tumor=2,Necrosis=3", null, set.areaClasses());
        for (MaskResolution res : List.of(MaskResolution.level0(257, 190), MaskResolution.downsample(257, 190, 3.3),
                MaskResolution.ofLevel(257, 190, 128, 95))) {
            LabelMask m = new LabelMask(set, labels, res, 50);
            byte[] ours = tiled(m, 50, 50);
            byte[] cv = OpenCvReference.mask(set, labels, res, tmp);
            if (System.getenv("MASK_DEBUG") != null) {
                writeRaw(Path.of("/tmp/ours-" + res.width() + ".raw"), ours);
                writeRaw(Path.of("/tmp/cv-" + res.width() + ".raw"), cv);
            }
            assertThat(OpenCvReference.differing(ours, cv)).as("pixels differing from OpenCV at %s", res).isZero();
        }
    }

    @Test
    void agreesWithOpenCvWherePolygonsCrossTheBorder() throws IOException {
        // OpenCV clips such edges itself, differently between releases; only the border pixels may differ.
        AnnotationSet set = randomSet(12, 240, 200, 60).clip(240, 200);
        LabelMap labels = LabelMap.parse("Tissue=1,Tumor=2,Necrosis=3", null, set.areaClasses());
        for (MaskResolution res : List.of(MaskResolution.level0(240, 200), MaskResolution.downsample(240, 200, 2.5))) {
            byte[] ours = whole(new LabelMask(set, labels, res, 64));
            byte[] cv = OpenCvReference.mask(set, labels, res, tmp);
            for (int v = 1; v <= 3; v++) assertThat(OpenCvReference.iou(ours, cv, v)).as("IoU of label %d at %s", v, res).isGreaterThanOrEqualTo(0.999);
        }
    }

    @Test
    void priorityDecidesOverlaps() {
        Geometry big = GF.toGeometry(new org.locationtech.jts.geom.Envelope(10, 90, 10, 90));
        Geometry small = GF.toGeometry(new org.locationtech.jts.geom.Envelope(40, 60, 40, 60));
        AnnotationSet set = new AnnotationSet(null, AnnotationFormat.GEOJSON,
                List.of(new Annotation(small, "Tumor", null, null), new Annotation(big, "Tissue", null, null)), null, List.of());
        MaskResolution res = MaskResolution.level0(100, 100);
        // Default: numbered by first appearance (Tumor=1, Tissue=2); the larger label wins.
        LabelMap byDefault = LabelMap.parse(null, null, set.areaClasses());
        assertThat(byDefault.labels()).isEqualTo(Map.of("Tumor", 1, "Tissue", 2));
        assertThat(whole(new LabelMask(set, byDefault, res, 64))[50 * 100 + 50]).isEqualTo((byte) 2);
        LabelMap tumorFirst = LabelMap.parse("Tissue=1,Tumor=2", "Tumor,Tissue", set.areaClasses());
        byte[] m = whole(new LabelMask(set, tumorFirst, res, 64));
        assertThat(m[50 * 100 + 50]).isEqualTo((byte) 2);
        assertThat(m[20 * 100 + 20]).isEqualTo((byte) 1);
        LabelMap tissueFirst = LabelMap.parse("Tissue=1,Tumor=2", "Tissue", set.areaClasses());
        assertThat(tissueFirst.priority()).containsExactly("Tissue", "Tumor");
        assertThat(whole(new LabelMask(set, tissueFirst, res, 64))[50 * 100 + 50]).isEqualTo((byte) 1);
        // A class left out of --labels is not drawn.
        LabelMap onlyTumor = LabelMap.parse("Tumor=5", null, set.areaClasses());
        byte[] t = whole(new LabelMask(set, onlyTumor, res, 64));
        assertThat(t[50 * 100 + 50]).isEqualTo((byte) 5);
        assertThat(t[20 * 100 + 20]).isEqualTo((byte) 0);
    }

    @Test
    void regionsOutsideTheMaskAreBackground() {
        AnnotationSet set = randomSet(3, 100, 80, 10);
        LabelMask m = new LabelMask(set, LabelMap.parse(null, null, set.areaClasses()), MaskResolution.level0(100, 80), 64);
        byte[] one = whole(m);
        Raster r = Raster.create(PixelType.UINT8, 60, 60, 1);
        r.fill(9);
        m.read(0, new Region(70, 50, 60, 60), r);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 60; x++) {
                int gx = 70 + x, gy = 50 + y;
                int want = gx < 100 && gy < 80 ? one[gy * 100 + gx] & 0xFF : 0;
                assertThat((int) r.get(x, y, 0)).as("(%d,%d)", gx, gy).isEqualTo(want);
            }
        }
    }

    static long nonZero(byte[] b) {
        long n = 0;
        for (byte v : b) if (v != 0) n++;
        return n;
    }

    static void writeRaw(Path p, byte[] b) throws IOException {
        Files.write(p, b);
    }
}
