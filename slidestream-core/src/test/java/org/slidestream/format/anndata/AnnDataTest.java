package org.slidestream.format.anndata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Type;
import org.slidestream.testing.ReferenceTools;

class AnnDataTest {
    @TempDir Path dir;

    /** anndata writes a file with every kind of element; we read it and write a copy; anndata finds the copy equal. */
    @Test
    void anndataReadsWhatWeWriteAndWeReadWhatItWrites() throws IOException {
        ReferenceTools.requirePythonModules("anndata", "scipy", "pandas");
        Path theirs = dir.resolve("theirs.h5ad");
        Path ours = dir.resolve("ours.h5ad");
        ReferenceTools.python("""
                import sys, numpy as np, pandas as pd, scipy.sparse as sp, anndata as ad
                rng = np.random.default_rng(7)
                n, g = 61, 23
                X = sp.random(n, g, density=0.3, format='csr', dtype=np.float32, random_state=1)
                X.data = np.round(X.data * 100).astype(np.float32) + 0.25
                obs = pd.DataFrame({
                    'count': rng.integers(-5, 1 << 40, n),
                    'small': rng.integers(0, 100, n).astype(np.int32),
                    'ratio': rng.normal(size=n),
                    'ratio32': rng.normal(size=n).astype(np.float32),
                    'flag': rng.random(n) > 0.5,
                    'name': [f'cell ü {i}' for i in range(n)],
                    'kind': pd.Categorical(rng.choice(['T cell', 'B cell', 'tumour'], n)),
                    'grade': pd.Categorical(rng.choice(['low', 'high'], n), categories=['low', 'high'], ordered=True),
                }, index=[f'c{i}' for i in range(n)])
                obs.loc['c3', 'kind'] = np.nan
                var = pd.DataFrame({'symbol': [f'G{j}' for j in range(g)], 'length': np.arange(g) * 10}, index=[f'g{j}' for j in range(g)])
                a = ad.AnnData(X=X, obs=obs, var=var)
                a.layers['dense'] = rng.normal(size=(n, g))
                a.layers['csc'] = sp.random(n, g, density=0.2, format='csc', dtype=np.float32, random_state=2)
                a.obsm['spatial'] = rng.normal(size=(n, 2)) * 1000
                a.obsm['pert'] = sp.random(n, 5, density=0.4, format='csc', random_state=3)
                counts = sp.random(n, 7, density=0.4, format='csr', random_state=4)
                counts.data = rng.integers(1, 1 << 50, counts.nnz)   # integers up to 2^53 are exact as doubles
                a.obsm['counts'] = counts
                a.varm['loadings'] = rng.normal(size=(g, 3)).astype(np.float32)
                a.uns['version'] = 3
                a.uns['mpp'] = 0.325
                a.uns['name'] = 'slide ü'
                a.uns['done'] = True
                a.uns['ids'] = np.arange(4)
                a.uns['weights'] = np.linspace(0, 1, 5)
                a.uns['labels'] = np.array(['a', 'b'], dtype=object)
                a.uns['params'] = {'sigma': 2.0, 'method': 'otsu', 'inner': {'k': 5}}
                a.write_h5ad(sys.argv[1])
                """, theirs).requireSuccess("anndata writes");

        try (AnnData a = AnnData.open(theirs)) {
            assertThat(a.nObs()).isEqualTo(61);
            assertThat(a.nVars()).isEqualTo(23);
            assertThat(a.x().orElseThrow().format()).isEqualTo(Matrix.Format.CSR);
            assertThat(a.layer("csc").format()).isEqualTo(Matrix.Format.CSC);
            assertThat(a.obs().columns()).containsExactly("count", "small", "ratio", "ratio32", "flag", "name", "kind", "grade");
            Column.Categorical kind = (Column.Categorical) a.obs().column("kind");
            assertThat(kind.categories()).containsExactly("B cell", "T cell", "tumour");
            assertThat(kind.readCodes(3, 1)[0]).isEqualTo(-1);
            assertThat(((Column.Categorical) a.obs().column("grade")).ordered()).isTrue();
            assertThat(((Column.Text) a.obs().column("name")).read(5, 1)[0]).isEqualTo("cell ü 5");
            Map<String, Object> uns = a.uns();
            assertThat(uns.get("version")).isEqualTo(3L);
            assertThat(uns.get("name")).isEqualTo("slide ü");
            assertThat(uns.get("done")).isEqualTo(true);
            assertThat((long[]) uns.get("ids")).containsExactly(0, 1, 2, 3);
            assertThat(((Map<?, ?>) uns.get("params")).get("method")).isEqualTo("otsu");
            // dense reads of a CSR, a CSC and a dense matrix agree with a row-by-row read, in blocks and out of order
            for (Matrix m : List.of(a.x().orElseThrow(), a.layer("csc"), a.layer("dense"))) {
                double[] whole = m.readDense(0, 61);
                for (int first : new int[] {40, 0, 7, 13, 60, 20}) {
                    int k = Math.min(9, 61 - first);
                    double[] part = m.readRows(first, k).toDense();
                    for (int i = 0; i < part.length; i++) assertThat(part[i]).isEqualTo(whole[first * 23 + i]);
                }
            }

            try (AnnDataWriter w = AnnDataWriter.create(ours, a.nObs(), a.nVars())) {
                w.obs().copyFrom(a.obs());
                w.var().copyFrom(a.var());
                w.copy("X", a.x().orElseThrow());
                for (String l : a.layers()) w.copy("layers/" + l, a.layer(l));
                for (String k : a.obsmKeys()) w.copy("obsm/" + k, a.obsm(k));
                for (String k : a.varmKeys()) w.copy("varm/" + k, a.varm(k));
                for (Map.Entry<String, Object> e : uns.entrySet()) w.uns(e.getKey(), e.getValue());
                w.commit();
            }
        }

        ReferenceTools.python("""
                import sys, numpy as np, pandas as pd, scipy.sparse as sp, anndata as ad
                a, b = ad.read_h5ad(sys.argv[1]), ad.read_h5ad(sys.argv[2])
                def same(x, y, what):
                    assert type(x) == type(y), (what, type(x), type(y))
                    assert x.dtype == y.dtype, (what, x.dtype, y.dtype)
                    if sp.issparse(x):
                        assert x.shape == y.shape and (x != y).nnz == 0, what
                    else:
                        assert np.array_equal(x, y), what
                same(a.X, b.X, 'X')
                for k in a.layers: same(a.layers[k], b.layers[k], 'layers/' + k)
                for k in a.obsm: same(a.obsm[k], b.obsm[k], 'obsm/' + k)
                for k in a.varm: same(a.varm[k], b.varm[k], 'varm/' + k)
                assert set(a.layers) == set(b.layers) and set(a.obsm) == set(b.obsm)
                pd.testing.assert_frame_equal(a.obs, b.obs)
                pd.testing.assert_frame_equal(a.var, b.var)
                assert list(b.obs['kind'].cat.categories) == ['B cell', 'T cell', 'tumour']
                assert b.obs['grade'].cat.ordered and pd.isna(b.obs['kind'].iloc[3])
                for k in ['version', 'mpp', 'name', 'done']:
                    assert a.uns[k] == b.uns[k] and type(a.uns[k]) == type(b.uns[k]), (k, a.uns[k], b.uns[k])
                for k in ['ids', 'weights', 'labels']:
                    assert np.array_equal(a.uns[k], b.uns[k]), k
                assert b.uns['params'] == a.uns['params'], b.uns['params']
                print('ok')
                """, theirs, ours).requireSuccess("anndata compares");
    }

    /** Rows appended block by block into CSR, dense and categorical columns; anndata reads the whole. */
    @Test
    void streamedWritesReadBackInAnyBlocks() throws IOException {
        Path f = dir.resolve("stream.h5ad");
        int n = 5000, g = 40;
        SplittableRandom rnd = new SplittableRandom(3);
        double[] dense = new double[n * g];
        for (int i = 0; i < dense.length; i++) dense[i] = rnd.nextDouble() < 0.9 ? 0 : rnd.nextInt(1, 50);
        try (AnnDataWriter w = AnnDataWriter.create(f, n, g)) {
            MatrixWriter.Csr x = w.csr("X", H5Type.FLOAT32, g);
            for (int r = 0; r < n; r += 777) {
                int k = Math.min(777, n - r);
                x.append(SparseRows.fromDense(java.util.Arrays.copyOfRange(dense, r * g, (r + k) * g), k, g));
            }
            MatrixWriter.Dense latent = w.dense("obsm/X_latent", H5Type.FLOAT32, 3);
            for (int r = n - 1000; r >= 0; r -= 1000) {          // any order
                float[] rows = new float[1000 * 3];
                for (int i = 0; i < rows.length; i++) rows[i] = r * 3 + i;
                latent.write(r, rows);
            }
            DataFrameWriter.Categorical c = w.obs().categorical("batch", List.of("a", "b", "c"), false);
            int[] codes = new int[n];
            for (int i = 0; i < n; i++) codes[i] = i % 4 - 1;
            c.write(0, codes);
            w.uns("nested", new LinkedHashMap<>(Map.of("x", 1.5)));
            w.commit();
        }
        try (AnnData a = AnnData.open(f)) {
            Matrix x = a.x().orElseThrow();
            assertThat(x.nnz()).isEqualTo(java.util.Arrays.stream(dense).filter(v -> v != 0).count());
            float[] block = new float[123 * g];
            x.readDense(4000, 123, block, 0);
            for (int i = 0; i < block.length; i++) assertThat((double) block[i]).isEqualTo(dense[4000 * g + i]);
            assertThat(a.obs().index(4999, 1)).containsExactly("4999");
            assertThat(a.obsm("X_latent").readDense(2, 1)).containsExactly(6, 7, 8);
        }
        ReferenceTools.requirePythonModules("anndata");
        ReferenceTools.python("""
                import sys, numpy as np, anndata as ad
                a = ad.read_h5ad(sys.argv[1])
                assert a.shape == (5000, 40) and a.X.dtype == np.float32 and a.X.format == 'csr'
                assert a.obsm['X_latent'].shape == (5000, 3)
                assert np.array_equal(a.obsm['X_latent'].ravel(), np.arange(15000, dtype=np.float32))
                assert list(a.obs['batch'].cat.categories) == ['a', 'b', 'c'] and a.obs['batch'].isna().sum() == 1250
                assert a.uns['nested']['x'] == 1.5
                """, f).requireSuccess("anndata reads the stream");
    }

    /** A file we cannot read says which element and why, in one line. */
    @Test
    void unknownEncodingsAreOneClearLine() throws IOException {
        Path f = dir.resolve("bad.h5ad");
        try (AnnDataWriter w = AnnDataWriter.create(f, 3, 2)) {
            w.dense("X", H5Type.FLOAT32, 2).write(0, new float[6]);
            w.commit();
        }
        Path g = dir.resolve("edited.h5ad");
        Files.copy(f, g);
        // what a newer or foreign writer could leave: rewrite X's encoding through the library
        rewriteAttribute(g, "X", "encoding-type", "awkward-array");
        assertThatThrownBy(() -> AnnData.open(g)).isInstanceOf(FormatException.class)
                .hasMessage(g + ": X: unknown encoding-type 'awkward-array' (supported: anndata, dataframe, array, string-array, "
                        + "categorical, csr_matrix, csc_matrix, dict, numeric-scalar, string)");
        Path plain = dir.resolve("plain.h5");
        try (H5File h5 = H5File.create(plain, false)) {
            h5.createDataset("coords", H5Type.INT64, new long[] {1, 2}, org.slidestream.format.h5.H5Layout.FIXED);
            h5.commit();
        }
        assertThatThrownBy(() -> AnnData.open(plain)).isInstanceOf(FormatException.class)
                .hasMessageContaining("not an AnnData file");
    }

    private static void rewriteAttribute(Path file, String dataset, String name, String value) throws IOException {
        // H5File opens for reading only; copy the file's content into a new one with the attribute changed
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (AnnData a = AnnData.open(file); AnnDataWriter w = AnnDataWriter.create(tmp, a.nObs(), a.nVars())) {
            w.copy(dataset, a.x().orElseThrow());
            w.commit();
        }
        ReferenceTools.requirePythonModules("h5py");
        ReferenceTools.python("""
                import sys, h5py
                with h5py.File(sys.argv[1], 'r+') as f:
                    f[sys.argv[2]].attrs[sys.argv[3]] = sys.argv[4]
                """, tmp, dataset, name, value).requireSuccess("h5py edits");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void booleanAndStringDatasetsRoundTrip() throws IOException {
        Path f = dir.resolve("types.h5");
        try (H5File h5 = H5File.create(f, true)) {
            h5.createDataset("b", H5Type.BOOL, new long[] {3}, org.slidestream.format.h5.H5Layout.FIXED).write(0, new boolean[] {true, false, true});
            h5.createDataset("s", H5Type.STRING, new long[] {0}, org.slidestream.format.h5.H5Layout.EXTENDABLE.gzip(4)).append(new String[] {"α", "", "long string"});
            h5.createScalar("x", 2.5);
            h5.createScalar("t", "tëxt");
            h5.commit();
        }
        try (H5File h5 = H5File.open(f)) {
            H5Dataset b = h5.dataset("b");
            assertThat(b.type()).isEqualTo(H5Type.BOOL);
            assertThat(b.readBooleans(0, 3)).containsExactly(true, false, true);
            assertThat(h5.dataset("s").readStrings(1, 2)).containsExactly("", "long string");
            assertThat(h5.dataset("x").readScalar()).isEqualTo(2.5);
            assertThat(h5.dataset("t").readScalar()).isEqualTo("tëxt");
            assertThat(h5.children("/")).containsExactly("b", "s", "t", "x");
        }
    }
}
