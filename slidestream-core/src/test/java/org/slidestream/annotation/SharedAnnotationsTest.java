package org.slidestream.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.util.PolygonExtracter;
import org.locationtech.jts.operation.union.UnaryUnionOp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * The shared annotation files: the same regions as ASAP XML (holes in an Exclusion group), Aperio
 * XML (holes as negative regions) and QuPath GeoJSON (polygon holes) give the same model and the
 * same masks, and each mask agrees with OpenCV's fillPoly of the same polygons at the same level.
 */
class SharedAnnotationsTest {
    private static final String LABELS = "Tissue=1,Tumor=2,Necrosis=3";

    @TempDir Path tmp;

    /** Level sizes of a slide as OpenSlide reports them. */
    static List<int[]> levels(Path slide) {
        ReferenceTools.requirePythonModules("openslide");
        String out = ReferenceTools.python("import openslide, sys\nfor w, h in openslide.OpenSlide(sys.argv[1]).level_dimensions: print(w, h)", slide)
                .requireSuccess("openslide").stdout();
        List<int[]> levels = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            String[] p = line.strip().split(" ");
            levels.add(new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])});
        }
        return levels;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cmu-1-small-region", "tcga-cr-7395-01a-01-ts1"})
    void threeFormatsGiveOneMaskThatOpenCvAgreesWith(String name) throws IOException {
        Path slide = SharedData.slide(name + ".svs");
        List<int[]> levels = levels(slide);
        int w = levels.get(0)[0], h = levels.get(0)[1];
        List<AnnotationSet> sets = new ArrayList<>();
        for (String ext : List.of(".asap.xml", ".aperio.xml", ".geojson")) {
            AnnotationSet s = Annotations.read(SharedData.annotation(name + ext)).clip(w, h);
            assertThat(s.areaClasses()).as(ext).containsExactlyInAnyOrder("Tissue", "Tumor", "Necrosis");
            sets.add(s);
        }
        assertThat(sets.get(0).format()).isEqualTo(AnnotationFormat.ASAP);
        assertThat(sets.get(1).format()).isEqualTo(AnnotationFormat.APERIO);
        assertThat(sets.get(2).format()).isEqualTo(AnnotationFormat.GEOJSON);
        // ASAP's convention: an Exclusion region is a hole in every region it overlaps, so the
        // GeoJSON's Tissue holes come out of Tumor and Necrosis too. Aperio's negative regions, like
        // GeoJSON holes, belong to their own layer.
        AnnotationSet asapConvention = holesEverywhere(sets.get(2));
        sets.add(asapConvention);
        // The same regions: areas per class agree to a fraction of a pixel.
        for (String cls : List.of("Tissue", "Tumor", "Necrosis")) {
            double a = area(sets.get(2), cls);
            assertThat(a).isGreaterThan(1000);
            assertThat(area(sets.get(0), cls)).as("ASAP %s", cls).isCloseTo(area(asapConvention, cls), offset(a));
            assertThat(area(sets.get(1), cls)).as("Aperio %s", cls).isCloseTo(a, offset(a));
        }
        assertThat(area(sets.get(0), "Tumor")).as("Exclusion regions inside the tumour are holes in it").isLessThan(area(sets.get(2), "Tumor") - 1000);
        List<MaskResolution> resolutions = new ArrayList<>();
        for (int[] l : levels) resolutions.add(MaskResolution.ofLevel(w, h, l[0], l[1]));
        resolutions.add(MaskResolution.downsample(w, h, 8));
        // masks.get(set).get(resolution)
        List<List<byte[]>> masks = new ArrayList<>();
        for (AnnotationSet s : sets) {
            LabelMap labels = LabelMap.parse(LABELS, null, s.areaClasses());
            List<byte[]> m = new ArrayList<>();
            for (MaskResolution res : resolutions) m.add(LabelMaskTest.tiled(new LabelMask(s, labels, res, 512), 512, 512));
            masks.add(m);
        }
        for (int r = 0; r < resolutions.size(); r++) {
            MaskResolution res = resolutions.get(r);
            assertThat(LabelMaskTest.nonZero(masks.get(2).get(r))).isPositive();
            for (int v = 1; v <= 3; v++) {
                assertThat(OpenCvReference.iou(masks.get(0).get(r), masks.get(3).get(r), v)).as("ASAP vs GeoJSON, label %d, %s", v, res)
                        .isGreaterThanOrEqualTo(0.999);
                assertThat(OpenCvReference.iou(masks.get(1).get(r), masks.get(2).get(r), v)).as("Aperio vs GeoJSON, label %d, %s", v, res)
                        .isGreaterThanOrEqualTo(0.999);
            }
        }
        for (int i = 0; i < 3; i++) {
            LabelMap labels = LabelMap.parse(LABELS, null, sets.get(i).areaClasses());
            List<byte[]> cv = OpenCvReference.masks(sets.get(i), labels, resolutions, tmp);
            for (int r = 0; r < resolutions.size(); r++) {
                for (int v = 1; v <= 3; v++) {
                    assertThat(OpenCvReference.iou(masks.get(i).get(r), cv.get(r), v)).as("%s vs OpenCV, label %d, %s", sets.get(i).format(), v, resolutions.get(r))
                            .isGreaterThanOrEqualTo(0.999);
                }
            }
        }
    }

    private static org.assertj.core.data.Offset<Double> offset(double a) {
        return org.assertj.core.data.Offset.offset(1e-4 * a);
    }

    /** Every region minus every polygon hole of the set, as an ASAP file with the holes in an Exclusion group means. */
    static AnnotationSet holesEverywhere(AnnotationSet s) {
        List<Geometry> holes = new ArrayList<>();
        for (Annotation a : s.annotations()) {
            for (Object o : PolygonExtracter.getPolygons(a.geometry())) {
                Polygon p = (Polygon) o;
                for (int i = 0; i < p.getNumInteriorRing(); i++) holes.add(Annotations.GEOMETRIES.createPolygon(p.getInteriorRingN(i).getCoordinates()));
            }
        }
        Geometry cut = UnaryUnionOp.union(holes);
        List<Annotation> out = new ArrayList<>();
        for (Annotation a : s.annotations()) out.add(a.withGeometry(a.geometry().difference(cut)));
        return new AnnotationSet(s.source(), s.format(), out, s.mpp(), List.of());
    }

    private static double area(AnnotationSet s, String cls) {
        return s.annotations().stream().filter(a -> a.className().equals(cls)).mapToDouble(a -> a.geometry().getArea()).sum();
    }
}
