package org.slidestream.dl.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.cells.Progress;
import org.slidestream.cells.Workers;
import org.slidestream.dl.Device;
import org.slidestream.dl.TestModel;
import org.slidestream.format.anndata.AnnData;
import org.slidestream.format.anndata.Column;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.testing.ReferenceTools;

public class CellEmbeddingTest {
    @TempDir static Path dir;
    static ExecutorService pool;
    static Path cells;
    static float[] expected;

    /** The test cells as anndata writes them (CSR counts, a CSC and a dense copy, drugs as sparse doses, a categorical covariate). */
    public static final String MAKE_CELLS = """
            import sys, numpy as np, pandas as pd, scipy.sparse as sp, anndata as ad
            rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 5)
            n, g = int(sys.argv[2]), 50
            counts = rng.poisson(rng.gamma(0.3, 4, size=(n, g))).astype(np.float32)
            counts[3] = 0                                      # an empty cell
            X = sp.csr_matrix(counts)
            obs = pd.DataFrame({'drug': pd.Categorical(rng.choice(['control', 'dex', 'nutlin'], n)),
                                'dose': rng.choice([0.0, 0.1, 1.0, 10.0], n),
                                'cell_type': pd.Categorical(rng.choice(['A549', 'K562', 'MCF7'], n), categories=['A549', 'K562', 'MCF7'])},
                               index=[f'cell{i}' for i in range(n)])
            obs.loc['cell7', 'cell_type'] = np.nan
            a = ad.AnnData(X=X, obs=obs, var=pd.DataFrame(index=[f'gene{j}' for j in range(g)]))
            a.layers['csc'] = sp.csc_matrix(counts)
            a.layers['dense'] = counts
            doses = np.zeros((n, 4), dtype=np.float32)
            pick = rng.integers(0, 4, n)
            doses[np.arange(n), pick] = rng.choice([0.0, 0.5, 2.0, 20.0], n)
            a.obsm['perturbations'] = sp.csr_matrix(doses)
            a.write_h5ad(sys.argv[1])
            """;

    @BeforeAll
    static void makeCells() throws IOException {
        pool = Executors.newFixedThreadPool(3);
        ReferenceTools.requirePythonModules("anndata", "torch", "onnx", "scipy");
        cells = dir.resolve("cells.h5ad");
        ReferenceTools.python(MAKE_CELLS, cells, 300).requireSuccess("anndata writes the cells");
        Path npy = dir.resolve("expected.npy");
        ReferenceTools.run(List.of(ReferenceTools.PYTHON, script().toString(), "predict", TestModel.resource("cpa-encoder.onnx").toString(),
                cells.toString(), npy.toString()), 600).requireSuccess("PyTorch predicts");
        try (var r = org.slidestream.format.npy.NpyReader.open(npy)) {
            assertThat(r.shape()).containsExactly(300, 8);
            expected = r.readFloats(new long[2], new int[] {300, 8});
        }
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /** src/test/python/make_cpa.py of this module. */
    public static Path script() {
        Path p = org.slidestream.testing.SharedData.projectRoot().resolve("slidestream-dl/src/test/python/make_cpa.py");
        assertThat(p).exists();
        return p;
    }

    static CellModelConfig config() {
        return CellModelConfig.defaults().withNormalize(List.of(CellModelConfig.Normalization.LIBRARY_SIZE, CellModelConfig.Normalization.LOG1P))
                .withCovariates(Map.of("drugs", "obsm:perturbations", "covariates", "obs:cell_type"));
    }

    static float[] latent(Path f) throws IOException {
        try (AnnData a = AnnData.open(f)) {
            double[] d = a.obsm("X_latent").readDense(0, (int) a.nObs());
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) out[i] = (float) d[i];
            return out;
        }
    }

    @Test
    void equalsPyTorchForAnyBatchSizeAndStorage() throws IOException {
        try (CellEncoder m = CellEncoder.open(TestModel.resource("cpa-encoder.onnx"), null, Device.CPU, 1)) {
            int k = 0;
            for (String layer : new String[] {null, "csc", "dense"}) {
                for (int batch : new int[] {1, 7, 64, 1000}) {
                    if (layer != null && batch != 7 && batch != 1000) continue;
                    Path out = dir.resolve("latent" + k++ + ".h5ad");
                    CellEmbedding.Result r = CellEmbedding.embed(cells, out, m, config().withLayer(layer),
                            new CellEmbedding.Options(batch, batch == 7 ? 3 : 1), new Workers(pool, 3, MemoryBudget.of(64L << 20)), Progress.NONE);
                    assertThat(r.cells()).isEqualTo(300);
                    assertThat(r.dim()).isEqualTo(8);
                    assertThat(TestModel.maxAbsDiff(latent(out), expected)).as(layer + " batch " + batch).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void theOutputKeepsObsAndVarAndAnndataReadsIt() throws IOException {
        Path out = dir.resolve("kept.h5ad");
        try (CellEncoder m = CellEncoder.open(TestModel.resource("cpa-encoder.onnx"), null, Device.CPU, 1)) {
            CellEmbedding.embed(cells, out, m, config(), new CellEmbedding.Options(64, 2), new Workers(pool, 2, MemoryBudget.of(64L << 20)), Progress.NONE);
        }
        try (AnnData a = AnnData.open(out)) {
            assertThat(a.x()).isEmpty();
            assertThat(a.obs().index(7, 1)).containsExactly("cell7");
            assertThat(((Column.Categorical) a.obs().column("cell_type")).readCodes(7, 1)[0]).isEqualTo(-1);
            assertThat(a.var().index(49, 1)).containsExactly("gene49");
        }
        ReferenceTools.python("""
                import sys, anndata as ad
                a = ad.read_h5ad(sys.argv[1]); b = ad.read_h5ad(sys.argv[2])
                assert a.X is None and a.obsm['X_latent'].shape == (300, 8), a
                assert a.obs.equals(b.obs) and list(a.var_names) == list(b.var_names)
                assert a.uns['embed']['inputs']['genes'] == 'X' and list(a.uns['embed']['normalize']) == ['library_size', 'log1p']
                """, out, cells).requireSuccess("anndata reads the latent file");
    }

    @Test
    void badInputsAreOneClearLine() throws IOException {
        Path narrow = dir.resolve("narrow.h5ad");
        ReferenceTools.python("""
                import sys, numpy as np, anndata as ad
                a = ad.read_h5ad(sys.argv[1])
                a[:, :49].copy().write_h5ad(sys.argv[2])
                """, cells, narrow).requireSuccess("anndata subsets");
        Workers w = new Workers(pool, 1, MemoryBudget.of(64L << 20));
        try (CellEncoder m = CellEncoder.open(TestModel.resource("cpa-encoder.onnx"), null, Device.CPU, 1)) {
            assertThatThrownBy(() -> CellEmbedding.embed(narrow, dir.resolve("x.h5ad"), m, config(), new CellEmbedding.Options(8, 1), w, Progress.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cpa-encoder.onnx: input 'genes' takes 50 values per cell but narrow.h5ad has 49 genes (X)");
            assertThatThrownBy(() -> CellEmbedding.embed(cells, dir.resolve("x.h5ad"), m, config().withCovariates(Map.of("drugs", "obsm:perturbations")),
                    new CellEmbedding.Options(8, 1), w, Progress.NONE))
                    .hasMessage("cpa-encoder.onnx: input 'covariates' (3 values per cell) is not fed: map it with --covariates "
                            + "covariates=obsm:KEY or covariates=obs:COLUMN[,COLUMN...]");
            assertThatThrownBy(() -> CellEmbedding.embed(cells, dir.resolve("x.h5ad"), m, config().withCovariates(Map.of("drugs", "obs:drug",
                    "covariates", "obs:cell_type,dose")), new CellEmbedding.Options(8, 1), w, Progress.NONE))
                    .hasMessage("cpa-encoder.onnx: input 'drugs' takes 4 values per cell but cells.h5ad has 3 values per cell (obs:drug)");
        }
        assertThat(dir.resolve("x.h5ad")).doesNotExist();
    }
}
