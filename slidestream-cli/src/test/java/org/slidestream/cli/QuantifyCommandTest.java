package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.cells.CellQuantifierTest;
import org.slidestream.cells.NucleiSegmenterTest;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

class QuantifyCommandTest {
    @TempDir Path dir;

    /**
     * The MCMICRO-style chain: synthetic rounds, registered and merged, nuclei segmented on the
     * reference DAPI, every channel of every round measured; scikit-image agrees on both steps.
     */
    @Test
    void segmentsAndMeasuresRegisteredRoundsAsScikitImageDoes() throws IOException {
        Path rounds = dir.resolve("rounds"), reg = dir.resolve("registered");
        Cli synth = Cli.run("synth", "--rounds", "2", "--channels", "3", "--width", "600", "--height", "520", "--deformation", "0",
                "--tile", "256", "--min-level-side", "256", "--seed", "3", "--threads", "2", "--compression", "deflate", "-o", rounds.toString());
        assertThat(synth.exitCode()).as(synth.toString()).isZero();
        Cli r = Cli.run("register", rounds.resolve("round0.ome.tif").toString(), rounds.resolve("round1.ome.tif").toString(),
                "--channel", "DAPI", "--merge", "--qc-side", "300", "--tile", "256", "--min-level-side", "256", "--compression", "deflate",
                "--threads", "2", "-o", reg.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path merged = reg.resolve("registered.ome.tif"), cells = dir.resolve("cells.h5ad");
        Cli q = Cli.run("quantify", merged.toString(), "--segment", "nuclei", "--channel", "round0_DAPI", "--stats", "median,std,max,min,sum",
                "--tile", "128", "--overlap", "32", "--threads", "2", "--max-memory", "256m", "-o", cells.toString());
        assertThat(q.exitCode()).as(q.toString()).isZero();
        Path nuclei = dir.resolve("cells.nuclei.ome.tif");
        assertThat(q.out()).contains(nuclei + ": ").contains(" nuclei (threshold ").contains(cells + ": ").contains(" cells x 6 channels");
        assertThat(q.err()).containsPattern("time [0-9.]+ s, peak memory .* \\(budget 256 MiB\\)");
        ReferenceTools.requirePythonModules("anndata", "skimage", "tifffile");
        ReferenceTools.python(CellQuantifierTest.REGIONPROPS, merged, nuclei, cells, 0).requireSuccess("regionprops comparison");
        String[] f = ReferenceTools.python(NucleiSegmenterTest.REFERENCE, merged, nuclei, 0, 2.0, 5).requireSuccess("watershed").stdout().strip().split(" ");
        assertThat(Double.parseDouble(f[0])).as("matched-object F1 " + String.join(" ", f)).isGreaterThanOrEqualTo(0.95);
        ReferenceTools.python("""
                import sys, anndata as ad
                a = ad.read_h5ad(sys.argv[1])
                assert list(a.var_names) == ['round0_DAPI', 'round0_R0_marker1', 'round0_R0_marker2', 'round1_DAPI', 'round1_R1_marker1', 'round1_R1_marker2'], list(a.var_names)
                assert set(a.layers) == {'median', 'std', 'max', 'min', 'sum'} and a.obsm['spatial'].shape == (a.n_obs, 2)
                assert 'area_um2' in a.obs and a.uns['quantify']['statistics'][0] == 'mean'
                """, cells).requireSuccess("anndata");
    }

    /** A shared Bio-Formats OME-TIFF (int8, 3 channels, 5 z): block labels on z = 2, every statistic exact. */
    @Test
    void measuresASharedOmeTiffAtAFocalPlane() throws IOException {
        Path img = SharedData.slide("multi-channel-z-series.ome.tif");
        Path labels = dir.resolve("labels.tif"), cells = dir.resolve("z2.h5ad");
        ReferenceTools.requirePythonModules("anndata", "skimage", "tifffile");
        ReferenceTools.python("""
                import sys, numpy as np, tifffile
                img = tifffile.imread(sys.argv[1])          # C Z Y X
                ch = img[0, 2].astype(np.float64)
                # 'cells': blocks of the grid where the first channel is above its 30th percentile (some in pieces)
                y, x = np.mgrid[:ch.shape[0], :ch.shape[1]]
                lab = (y // 17) * 100 + x // 23 + 1
                lab[ch < np.percentile(ch, 30)] = 0
                assert len(np.unique(lab)) > 100
                tifffile.imwrite(sys.argv[2], lab.astype(np.uint16))
                """, img, labels).requireSuccess("labels");
        Cli q = Cli.run("quantify", img.toString(), "--cells", labels.toString(), "--z", "2", "--stats", "median,std,min,max,sum",
                "--tile", "64", "-o", cells.toString());
        assertThat(q.exitCode()).as(q.toString()).isZero();
        ReferenceTools.python(CellQuantifierTest.REGIONPROPS, img, labels, cells, 2).requireSuccess("regionprops comparison");
    }

    @Test
    void badInputIsOneClearLine() throws IOException {
        Path img = dir.resolve("img.ome.tif");
        Cli synth = Cli.run("synth", "--rounds", "1", "--channels", "2", "--width", "200", "--height", "150", "--seed", "1",
                "--compression", "deflate", "-o", dir.resolve("r").toString());
        assertThat(synth.exitCode()).as(synth.toString()).isZero();
        img = dir.resolve("r").resolve("round0.ome.tif");
        Cli both = Cli.run("quantify", img.toString(), "--cells", "x.tif", "--segment", "nuclei", "-o", dir.resolve("a.h5ad").toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give either --cells LABELS or --segment nuclei, not both");
        Cli name = Cli.run("quantify", img.toString(), "--cells", "x.tif", "-o", dir.resolve("a.csv").toString());
        assertThat(name.exitCode()).isEqualTo(2);
        assertThat(name.err()).contains("the output is AnnData: name it .h5ad, not a.csv");
        Cli stat = Cli.run("quantify", img.toString(), "--cells", "x.tif", "--stats", "mode", "-o", dir.resolve("a.h5ad").toString());
        assertThat(stat.exitCode()).isEqualTo(2);
        assertThat(stat.err()).contains("--stats: unknown statistic 'mode' (known: mean, median, std, min, max, sum)");
        Cli channel = Cli.run("quantify", img.toString(), "--segment", "nuclei", "--channel", "Hoechst", "-o", dir.resolve("a.h5ad").toString());
        assertThat(channel.exitCode()).isEqualTo(1);
        assertThat(channel.err().strip()).startsWith("slidestream quantify: round0.ome.tif: no channel 'Hoechst' (channels: 0=DAPI, 1=R0_marker1)")
                .doesNotContain("\tat ");
        Cli missing = Cli.run("quantify", img.toString(), "--cells", dir.resolve("none.tif").toString(), "-o", dir.resolve("a.h5ad").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("none.tif: no such label image");
        assertThat(dir.resolve("a.h5ad")).doesNotExist();
    }
}
