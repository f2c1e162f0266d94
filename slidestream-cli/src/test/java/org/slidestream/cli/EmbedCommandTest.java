package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.dl.TestModel;
import org.slidestream.dl.cells.CellEmbeddingTest;
import org.slidestream.testing.ReferenceTools;

class EmbedCommandTest {
    @TempDir Path dir;

    @Test
    void embedsCellsAsPyTorchDoes() throws IOException {
        ReferenceTools.requirePythonModules("anndata", "torch", "onnx", "scipy");
        Path cells = dir.resolve("cells.h5ad"), npy = dir.resolve("expected.npy"), out = dir.resolve("latent.h5ad");
        ReferenceTools.python(CellEmbeddingTest.MAKE_CELLS, cells, 500, 8).requireSuccess("anndata writes the cells");
        Path model = TestModel.resource("cpa-encoder.onnx");
        ReferenceTools.run(List.of(ReferenceTools.PYTHON, CellEmbeddingTest.script().toString(), "predict", model.toString(),
                cells.toString(), npy.toString(), "--layer", "csc"), 600).requireSuccess("PyTorch predicts");
        Path cfg = dir.resolve("cpa.json");
        Files.writeString(cfg, """
                {"normalize": ["library_size", "log1p"], "target_sum": 10000, "covariates": {"covariates": "obs:cell_type"}}
                """);
        Cli r = Cli.run("embed", cells.toString(), "--model", model.toString(), "--model-config", cfg.toString(), "--layer", "csc",
                "--covariates", "obsm:perturbations", "--batch", "33", "--threads", "2", "--max-memory", "128m", "-o", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains(out + ": 500 cells, obsm['X_latent'] 8 wide (genes <- layers:csc, drugs <- obsm:perturbations, "
                + "covariates <- obs:cell_type)");
        assertThat(r.err()).containsPattern("time [0-9.]+ s, peak memory .* \\(budget 128 MiB\\)");
        ReferenceTools.python("""
                import sys, numpy as np, anndata as ad
                a = ad.read_h5ad(sys.argv[1]); z = np.load(sys.argv[2])
                d = np.abs(a.obsm['X_latent'] - z).max()
                assert a.obsm['X_latent'].dtype == np.float32 and d < 1e-5, d
                assert a.n_obs == 500 and a.n_vars == 50
                """, out, npy).requireSuccess("anndata compares with PyTorch");
    }

    @Test
    void badInputIsOneClearLine() throws IOException {
        ReferenceTools.requirePythonModules("anndata", "scipy");
        Path cells = dir.resolve("cells.h5ad");
        ReferenceTools.python(CellEmbeddingTest.MAKE_CELLS, cells, 20).requireSuccess("anndata writes the cells");
        String model = TestModel.resource("cpa-encoder.onnx").toString();
        Cli missing = Cli.run("embed", cells.toString(), "--model", model, "--covariates", "drugs=obsm:doses", "--covariates", "covariates=obs:cell_type",
                "-o", dir.resolve("x.h5ad").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().lines().findFirst().orElse("")).isEqualTo("slidestream embed: cells.h5ad: no obsm 'doses' (obsm: perturbations)");
        Cli layer = Cli.run("embed", cells.toString(), "--model", model, "--layer", "raw", "-o", dir.resolve("x.h5ad").toString());
        assertThat(layer.exitCode()).isEqualTo(1);
        assertThat(layer.err()).contains("cells.h5ad: no layer 'raw' (layers: csc, dense)");
        Cli source = Cli.run("embed", cells.toString(), "--model", model, "--covariates", "perturbations", "-o", dir.resolve("x.h5ad").toString());
        assertThat(source.exitCode()).isEqualTo(2);
        assertThat(source.err()).contains("--covariates: a covariate source is obsm:KEY or obs:COLUMN[,COLUMN...], not 'perturbations'");
        Path notAnnData = dir.resolve("coords.h5");
        Files.write(notAnnData, new byte[] {1, 2, 3});
        Cli bad = Cli.run("embed", notAnnData.toString(), "--model", model, "-o", dir.resolve("x.h5ad").toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("coords.h5: not an HDF5 file").doesNotContain("\tat ");
        assertThat(dir.resolve("x.h5ad")).doesNotExist();
    }
}
