package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.annotation.AnnotationSet;
import org.slidestream.annotation.Annotations;
import org.slidestream.annotation.LabelMap;
import org.slidestream.annotation.LabelMask;
import org.slidestream.annotation.MaskResolution;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

class MaskCommandTest {
    @TempDir Path dir;

    static SynthCommandTest.Run run(String... args) {
        return SynthCommandTest.run(args);
    }

    @Test
    void pyramidalOmeTiffOfTheSlidesLevelReadByTifffile() throws Exception {
        Path svs = SharedData.slide("tcga-cr-7395-01a-01-ts1.svs");
        Path ann = SharedData.annotation("tcga-cr-7395-01a-01-ts1.asap.xml");
        Path out = dir.resolve("mask.ome.tif");
        var r = run("mask", svs.toString(), "--annotations", ann.toString(), "-o", out.toString(), "--level", "1",
                "--labels", "Tissue=1,Tumor=2,Necrosis=3", "--tile", "256", "--min-level-side", "300", "--threads", "2", "--max-memory", "256m");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mask.ome.tif: 2221x1783, 4 levels, ome deflate")
                .contains("labels Tissue=1, Tumor=2, Necrosis=3 (priority Necrosis > Tumor > Tissue)");
        assertThat(r.err()).contains("peak memory");
        // The same pixels as the mask drawn in one piece; lower levels pick every other pixel (no mixed labels).
        AnnotationSet set = Annotations.read(ann).clip(4443, 3567);
        LabelMask m = new LabelMask(set, LabelMap.parse("Tissue=1,Tumor=2,Necrosis=3", null, set.areaClasses()),
                MaskResolution.ofLevel(4443, 3567, 2221, 1783), 512);
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, m.read(m.info().bounds()).bytes());
        ReferenceTools.requirePythonModules("tifffile", "numpy");
        ReferenceTools.python("""
                import sys, tifffile, numpy as np
                want = np.fromfile(sys.argv[2], np.uint8).reshape(1783, 2221)
                with tifffile.TiffFile(sys.argv[1]) as t:
                    s = t.series[0]
                    assert t.is_ome and len(s.levels) == 4, len(s.levels)
                    l0 = s.levels[0].asarray()
                    assert l0.dtype == np.uint8 and l0.shape == want.shape, (l0.dtype, l0.shape)
                    assert (l0 == want).all(), int((l0 != want).sum())
                    assert set(np.unique(l0)) == {0, 1, 2, 3}, np.unique(l0)
                    prev = l0
                    for lv in s.levels[1:]:
                        a = lv.asarray()
                        assert (a == prev[::2, ::2]).all(), lv.shape
                        prev = a
                """, out, raw).requireSuccess("tifffile read of the mask");
    }

    @Test
    void pngWithoutASlideAtADownsample() throws Exception {
        Path ann = dir.resolve("a.geojson");
        Files.writeString(ann, """
                {"type": "FeatureCollection", "features": [
                 {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[100, 100], [900, 100], [900, 700], [100, 700], [100, 100]],
                   [[300, 300], [500, 300], [500, 500], [300, 500], [300, 300]]]},
                  "properties": {"objectType": "annotation", "classification": {"name": "Tissue"}}},
                 {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[600, 200], [1400, 200], [1400, 400], [600, 400], [600, 200]]]},
                  "properties": {"objectType": "annotation", "classification": {"name": "Tumor"}}},
                 {"type": "Feature", "geometry": {"type": "Point", "coordinates": [50, 50]},
                  "properties": {"objectType": "annotation", "classification": {"name": "Tumor"}}}
                ]}""");
        Path png = dir.resolve("mask.png");
        Path gj = dir.resolve("read.geojson");
        var r = run("mask", "--annotations", ann.toString(), "-o", png.toString(), "--width", "1000", "--height", "800",
                "--downsample", "4", "--labels", "Tissue=1,Tumor=2", "--priority", "Tissue,Tumor", "--geojson", gj.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("extend beyond the slide (1000x800 pixels) and were clipped")
                .contains("1 annotation without an area (points, lines) are not in the mask");
        Raster got = ImageFiles.read(png);
        assertThat(got.width()).isEqualTo(250);
        assertThat(got.height()).isEqualTo(200);
        AnnotationSet set = Annotations.read(ann).clip(1000, 800);
        LabelMask m = new LabelMask(set, LabelMap.parse("Tissue=1,Tumor=2", "Tissue,Tumor", set.areaClasses()), MaskResolution.downsample(1000, 800, 4), 512);
        assertThat(got.contentEquals(m.read(m.info().bounds()))).isTrue();
        assertThat(got.get(150, 75, 0)).as("Tissue wins the overlap").isEqualTo(1);
        assertThat(got.get(230, 75, 0)).isEqualTo(2);
        assertThat(got.get(100, 100, 0)).as("hole").isEqualTo(0);
        // The GeoJSON written back is the clipped model.
        AnnotationSet back = Annotations.read(gj);
        assertThat(back.classes()).containsExactly("Tissue", "Tumor");
        assertThat(back.bounds().getMaxX()).isEqualTo(1000);
    }

    @Test
    void refusesAPngLargerThanTheBudget() {
        Path ann = SharedData.annotation("cmu-1-small-region.geojson");
        var r = run("mask", "--annotations", ann.toString(), "-o", dir.resolve("m.png").toString(), "--width", "100000", "--height", "100000",
                "--max-memory", "64m");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("a 100000x100000 mask is").contains("more than the memory budget").contains("write .tif");
        assertThat(dir.resolve("m.png")).doesNotExist();
    }

    @Test
    void badFilesAndOptionsGiveOneLine() throws Exception {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<ASAP_Annotations><Annotations><Annotation Name=\"A\" Type=\"Polygon\" PartOfGroup=\"T\"><Coordinates>\n<Coordinate Order=\"0\" X=\"1\" Y=\"x\"/>");
        var r = run("mask", "--annotations", bad.toString(), "-o", dir.resolve("m.tif").toString(), "--width", "100", "--height", "100");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines().toList()).hasSize(1);
        assertThat(r.err()).contains("bad.xml:2:").contains("Y=\"x\" is not a number");
        Path empty = dir.resolve("empty.geojson");
        Files.writeString(empty, "");
        r = run("mask", "--annotations", empty.toString(), "-o", dir.resolve("m.tif").toString(), "--width", "100", "--height", "100");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("empty.geojson: empty file");
        Path ok = SharedData.annotation("cmu-1-small-region.geojson");
        for (List<String> opts : List.of(List.of("--labels", "Tissue=300"), List.of("--priority", "Stroma"), List.of("--compression", "jpeg"),
                List.of("--labels", "Tissue"), List.of("--level", "1"))) {
            List<String> args = new java.util.ArrayList<>(List.of("mask", "--annotations", ok.toString(), "-o", dir.resolve("m.tif").toString(),
                    "--width", "2220", "--height", "2967"));
            args.addAll(opts);
            r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(opts + ": " + r.err()).isEqualTo(2);
        }
        assertThat(dir.resolve("m.tif")).doesNotExist();
    }
}
