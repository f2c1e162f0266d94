package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.slidestream.cli.PatchCommandTest.csv;
import static org.slidestream.cli.PatchCommandTest.run;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.annotation.AnnotationSet;
import org.slidestream.annotation.Annotations;
import org.slidestream.annotation.LabelMap;
import org.slidestream.annotation.LabelMask;
import org.slidestream.annotation.MaskResolution;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.Slide;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/** {@code patch --annotations}: per-patch class fractions equal the pixels counted on the mask at the patch's resolution. */
class PatchAnnotationsTest {
    private static final String LABELS = "Tissue=1,Tumor=2,Necrosis=3";

    @TempDir Path tmp;

    /** Checks every row of patches.csv against counts on {@code mask} and returns the rows. */
    private static List<List<String>> checkFractions(Path csvFile, LabelMask mask, int size, double downsample) throws Exception {
        List<List<String>> rows = csv(csvFile);
        List<String> head = rows.get(0);
        assertThat(head.subList(3, head.size())).containsExactly("frac_Tissue", "frac_Tumor", "frac_Necrosis", "majority");
        int tumorOrNecrosis = 0;
        for (List<String> r : rows.subList(1, rows.size())) {
            long x = Long.parseLong(r.get(0)), y = Long.parseLong(r.get(1));
            Raster m = mask.read(new Region((int) Math.round(x / downsample), (int) Math.round(y / downsample), size, size));
            long[] n = new long[4];
            for (byte b : m.bytes()) n[b & 0xFF]++;
            for (int c = 1; c <= 3; c++) {
                assertThat(Double.parseDouble(r.get(2 + c))).as("class %d at %d,%d", c, x, y).isCloseTo(n[c] / (double) (size * size),
                        org.assertj.core.data.Offset.offset(1e-6));
            }
            int best = 0;
            for (int c = 3; c >= 1; c--) if (n[c] > n[best]) best = c; // Necrosis > Tumor > Tissue on ties
            assertThat(Double.parseDouble(r.get(6))).as("majority at %d,%d", x, y).isEqualTo(best);
            if (n[2] + n[3] > 0) tumorOrNecrosis++;
        }
        assertThat(tumorOrNecrosis).as("patches touching Tumor or Necrosis").isPositive();
        return rows;
    }

    @Test
    void fractionsAtAPyramidLevelEqualCountsOnTheMask() throws Exception {
        Path svs = SharedData.slide("tcga-cr-7395-01a-01-ts1.svs");
        Path ann = SharedData.annotation("tcga-cr-7395-01a-01-ts1.asap.xml");
        Path out = tmp.resolve("out");
        var r = run("patch", svs.toString(), "-o", out.toString(), "--size", "128", "--level", "1", "--min-tissue", "0.3", "--a-t", "0.5",
                "--annotations", ann.toString(), "--labels", LABELS, "--max-memory", "256m");
        assertThat(r.code()).as(r.err()).isZero();
        double ds;
        try (Slide s = Slide.open(svs)) {
            ds = s.level(1).downsample();
        }
        AnnotationSet set = Annotations.read(ann).clip(4443, 3567);
        LabelMask mask = new LabelMask(set, LabelMap.parse(LABELS, null, set.areaClasses()), MaskResolution.ofLevel(4443, 3567, 2221, 1783), 512);
        Path dir = out.resolve("tcga-cr-7395-01a-01-ts1");
        List<List<String>> rows = checkFractions(dir.resolve("patches.csv"), mask, 128, ds);
        ReferenceTools.requirePythonModules("h5py", "numpy");
        ReferenceTools.python("""
                import sys, csv, h5py, numpy as np
                rows = list(csv.reader(open(sys.argv[2])))[1:]
                with h5py.File(sys.argv[1], 'r') as f:
                    l = f['labels']
                    assert l.shape == (len(rows), 3) and l.dtype == np.float64, (l.shape, l.dtype)
                    assert list(l.attrs['columns']) == ['frac_Tissue', 'frac_Tumor', 'frac_Necrosis'], l.attrs['columns']
                    want = np.array([[float(v) for v in r[3:6]] for r in rows])
                    assert np.abs(l[:] - want).max() < 1e-6
                    assert (f['majority'][:] == np.array([float(r[6]) for r in rows])).all()
                    assert f['coords'].shape == (len(rows), 2)
                """, dir.resolve("coords.h5"), dir.resolve("patches.csv")).requireSuccess("h5py read of labels");
        assertThat(rows).hasSizeGreaterThan(10);
    }

    @Test
    void fractionsAtAnArbitraryDownsampleFromGeoJson() throws Exception {
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        Path ann = SharedData.annotation("cmu-1-small-region.geojson");
        Path out = tmp.resolve("out");
        var r = run("patch", svs.toString(), "-o", out.toString(), "--size", "100", "--downsample", "3", "--min-tissue", "0.2", "--a-t", "0.5",
                "--annotations", ann.toString(), "--labels", LABELS);
        assertThat(r.code()).as(r.err()).isZero();
        AnnotationSet set = Annotations.read(ann).clip(2220, 2967);
        LabelMask mask = new LabelMask(set, LabelMap.parse(LABELS, null, set.areaClasses()), MaskResolution.downsample(2220, 2967, 3), 512);
        checkFractions(out.resolve("cmu-1-small-region/patches.csv"), mask, 100, 3);
    }

    @Test
    void aFolderOfAnnotationsAndBadLabels() throws Exception {
        Path svs = SharedData.slide("cmu-1-small-region.svs");
        Path out = tmp.resolve("out");
        // The shared folder holds cmu-1-small-region.geojson: found by the slide's name.
        var r = run("patch", svs.toString(), "-o", out.toString(), "--size", "256", "--level", "0", "--a-t", "0.5",
                "--annotations", SharedData.annotation("cmu-1-small-region.geojson").getParent().toString(), "--labels", LABELS);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(csv(out.resolve("cmu-1-small-region/patches.csv")).get(0)).contains("frac_Tumor");
        var bad = run("patch", svs.toString(), "-o", tmp.resolve("bad").toString(), "--annotations",
                SharedData.annotation("cmu-1-small-region.geojson").toString(), "--labels", "Tissue=0");
        assertThat(bad.code()).as(bad.err()).isEqualTo(2);
    }
}
