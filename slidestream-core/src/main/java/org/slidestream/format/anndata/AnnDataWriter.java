package org.slidestream.format.anndata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Group;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Type;

/**
 * Writes an AnnData {@code .h5ad} file that anndata (0.8 and later) and scanpy read, with memory
 * independent of its size: the numbers of observations and variables are fixed at creation, and
 * every dataset is created chunked and compressed at its final size (CSR data grows as rows are
 * appended), then filled block by block. The file is written under a temporary name and appears
 * only at {@link #commit()}.
 *
 * <pre>{@code
 * try (AnnDataWriter w = AnnDataWriter.create(Path.of("cells.h5ad"), nCells, channelNames.length)) {
 *     w.var().index(channelNames);
 *     MatrixWriter.Dense x = w.dense("X", H5Type.FLOAT32, channelNames.length);
 *     x.write(0, means);                                   // rows 0.. (row-major)
 *     w.obs().column("area", areas);
 *     w.dense("obsm/spatial", H5Type.FLOAT64, 2).write(0, xy);
 *     w.uns("mpp", 0.5);
 *     w.commit();
 * }
 * }</pre>
 */
public final class AnnDataWriter implements AutoCloseable {
    /** The default gzip level: level 4 compresses nearly as much as 9 at a fraction of the time. */
    public static final int DEFAULT_GZIP = 4;
    private static final long CHUNK_BYTES = 1 << 20;
    private static final long CSR_CHUNK = 1 << 18;

    private final H5File h5;
    private final long nObs;
    private final long nVars;
    private final int gzip;
    private final DataFrameWriter obs;
    private final DataFrameWriter var;
    private final List<MatrixWriter> matrices = new ArrayList<>();
    private final Set<String> used = new HashSet<>();

    private AnnDataWriter(H5File h5, long nObs, long nVars, int gzip) throws IOException {
        this.h5 = h5;
        this.nObs = nObs;
        this.nVars = nVars;
        this.gzip = gzip;
        Encoding.ANNDATA.mark(h5);
        this.obs = new DataFrameWriter(h5, "obs", nObs, layout(8));
        this.var = new DataFrameWriter(h5, "var", nVars, layout(8));
        for (String g : List.of("layers", "obsm", "varm", "obsp", "varp", "uns")) {
            try (H5Group group = h5.createGroup(g)) {
                Encoding.DICT.mark(group);
            }
        }
    }

    /** A writer with gzip level {@link #DEFAULT_GZIP}. */
    public static AnnDataWriter create(Path file, long nObs, long nVars) throws IOException {
        return create(file, nObs, nVars, DEFAULT_GZIP);
    }

    /**
     * Creates the file (under a temporary name until {@link #commit()}).
     *
     * @param gzip Deflate level 0-9 of every dataset, or -1 for none
     */
    public static AnnDataWriter create(Path file, long nObs, long nVars, int gzip) throws IOException {
        if (nObs < 0 || nVars < 0) throw new IllegalArgumentException("negative size " + nObs + " x " + nVars);
        H5File h5 = H5File.create(file, true);
        try {
            return new AnnDataWriter(h5, nObs, nVars, gzip);
        } catch (IOException | RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    /** The file's final name. */
    public Path target() { return h5.target(); }

    public long nObs() { return nObs; }

    public long nVars() { return nVars; }

    /** The observations' dataframe (cells). */
    public DataFrameWriter obs() { return obs; }

    /** The variables' dataframe (genes, channels). */
    public DataFrameWriter var() { return var; }

    /** Chunks of about 1 MiB of whole rows. */
    private H5Layout layout(long rowBytes) {
        long rows = Math.max(1, Math.min(1 << 20, CHUNK_BYTES / Math.max(1, rowBytes)));
        return new H5Layout(false, rows, gzip);
    }

    /** Rows of the element at {@code path}: n_vars for {@code varm/...}, n_obs otherwise; checks the path and its width. */
    private long rowsOf(String path, long cols) {
        if (!used.add(path)) throw new IllegalArgumentException(path + " is already written");
        boolean ok = path.equals("X") || (path.matches("(layers|obsm|varm)/[^/]+"));
        if (!ok) throw new IllegalArgumentException("not a matrix slot: '" + path + "' (X, layers/NAME, obsm/NAME or varm/NAME)");
        if ((path.equals("X") || path.startsWith("layers/")) && cols != nVars) {
            throw new IllegalArgumentException(path + " must have n_vars = " + nVars + " columns, not " + cols);
        }
        return path.startsWith("varm/") ? nVars : nObs;
    }

    /**
     * A dense matrix at {@code path} ({@code X}, {@code layers/NAME}, {@code obsm/NAME},
     * {@code varm/NAME}) of {@code cols} columns and the slot's number of rows.
     */
    public MatrixWriter.Dense dense(String path, H5Type type, int cols) throws IOException {
        if (!type.isNumeric()) throw new IllegalArgumentException("a matrix holds numbers, not " + type);
        long rows = rowsOf(path, cols);
        H5Dataset d = h5.createDataset(path, type, new long[] {rows, cols}, layout((long) type.size() * Math.max(1, cols)));
        Encoding.ARRAY.mark(d);
        MatrixWriter.Dense w = new MatrixWriter.Dense(path, d, rows, cols);
        matrices.add(w);
        return w;
    }

    /** A CSR matrix at {@code path}, its rows appended in order. */
    public MatrixWriter.Csr csr(String path, H5Type type, int cols) throws IOException {
        if (!type.isNumeric()) throw new IllegalArgumentException("a matrix holds numbers, not " + type);
        long rows = rowsOf(path, cols);
        try (H5Group g = h5.createGroup(path)) {
            Encoding.CSR.mark(g);
            g.setAttribute("shape", new long[] {rows, cols});
        }
        H5Layout grow = new H5Layout(true, CSR_CHUNK, gzip);
        H5Dataset indptr = h5.createDataset(path + "/indptr", H5Type.INT64, new long[] {rows + 1}, layout(8));
        H5Dataset indices = h5.createDataset(path + "/indices", H5Type.INT32, new long[] {0}, grow);
        H5Dataset data = h5.createDataset(path + "/data", type, new long[] {0}, grow);
        MatrixWriter.Csr w = new MatrixWriter.Csr(path, rows, cols, indptr, indices, data);
        matrices.add(w);
        return w;
    }

    /**
     * A whole sparse matrix at {@code path}, stored as CSR or, with {@code csc}, CSC (a small
     * matrix: the CSC form needs it whole).
     */
    public void sparse(String path, H5Type type, SparseRows all, boolean csc) throws IOException {
        if (!csc) {
            long rows = rowsOf(path, all.cols());
            used.remove(path);
            if (all.rows() != rows) throw new IllegalArgumentException(path + ": " + all.rows() + " rows, expected " + rows);
            MatrixWriter.Csr w = csr(path, type, all.cols());
            w.append(all);
            return;
        }
        long rows = rowsOf(path, all.cols());
        if (all.rows() != rows) throw new IllegalArgumentException(path + ": " + all.rows() + " rows, expected " + rows);
        int cols = all.cols(), n = all.nnz();
        int[] colPtr = new int[cols + 1];
        for (int p = 0; p < n; p++) colPtr[all.indices()[p] + 1]++;
        for (int j = 0; j < cols; j++) colPtr[j + 1] += colPtr[j];
        int[] fill = java.util.Arrays.copyOf(colPtr, cols);
        int[] rowIdx = new int[n];
        double[] values = new double[n];
        for (int r = 0; r < all.rows(); r++) {
            for (int p = all.indptr()[r]; p < all.indptr()[r + 1]; p++) {
                int q = fill[all.indices()[p]]++;
                rowIdx[q] = r;
                values[q] = all.data()[p];
            }
        }
        try (H5Group g = h5.createGroup(path)) {
            Encoding.CSC.mark(g);
            g.setAttribute("shape", new long[] {rows, cols});
        }
        H5Layout fixed = new H5Layout(false, CSR_CHUNK, gzip);
        long[] ptr = new long[cols + 1];
        for (int j = 0; j <= cols; j++) ptr[j] = colPtr[j];
        h5.createDataset(path + "/indptr", H5Type.INT64, new long[] {cols + 1}, layout(8)).write(0, ptr);
        h5.createDataset(path + "/indices", H5Type.INT32, new long[] {n}, fixed).write(0, rowIdx);
        h5.createDataset(path + "/data", type, new long[] {n}, fixed).write(0, values);
    }

    /**
     * Copies a whole matrix into {@code path}, a block of rows at a time, keeping its form (dense,
     * CSR, or CSC, which is read whole: small matrices only) and its value type.
     */
    public void copy(String path, Matrix source) throws IOException {
        int block = (int) Math.max(1, Math.min(1 << 16, (8L << 20) / (8L * Math.max(1, source.cols()))));
        switch (source.format()) {
            case DENSE -> {
                MatrixWriter.Dense d = dense(path, source.type(), source.cols());
                for (long r = 0; r < source.rows(); r += block) {
                    int k = (int) Math.min(block, source.rows() - r);
                    d.write(r, source.readDense(r, k));
                }
            }
            case CSR -> {
                MatrixWriter.Csr c = csr(path, source.type(), source.cols());
                for (long r = 0; r < source.rows(); r += block) c.append(source.readRows(r, (int) Math.min(block, source.rows() - r)));
            }
            case CSC -> sparse(path, source.type(), source.readRows(0, Math.toIntExact(source.rows())), true);
        }
    }

    /**
     * An entry of {@code uns}: a {@code Long}/{@code Integer}, {@code Double}, {@code Boolean} or
     * {@code String} (a scalar), a 1-D {@code long[]}, {@code int[]}, {@code double[]},
     * {@code float[]}, {@code boolean[]} or {@code String[]} (an array), or a {@code Map} of
     * these (a dict, nested).
     */
    public void uns(String key, Object value) throws IOException {
        writeUns("uns/" + key, value);
    }

    private void writeUns(String path, Object value) throws IOException {
        if (h5.contains(path)) throw new IllegalArgumentException(path + " is already written");
        switch (value) {
            case Map<?, ?> m -> {
                try (H5Group g = h5.createGroup(path)) {
                    Encoding.DICT.mark(g);
                }
                for (Map.Entry<?, ?> e : m.entrySet()) writeUns(path + "/" + e.getKey(), e.getValue());
            }
            case String s -> Encoding.STRING.mark(h5.createScalar(path, s));
            case Boolean b -> Encoding.NUMERIC_SCALAR.mark(h5.createScalar(path, b));
            case Double d -> Encoding.NUMERIC_SCALAR.mark(h5.createScalar(path, d));
            case Float f -> Encoding.NUMERIC_SCALAR.mark(h5.createScalar(path, f.doubleValue()));
            case Number n -> Encoding.NUMERIC_SCALAR.mark(h5.createScalar(path, n.longValue()));
            case null -> throw new IllegalArgumentException(path + ": null");
            default -> {
                H5Type type = switch (value) {
                    case long[] a -> H5Type.INT64;
                    case int[] a -> H5Type.INT32;
                    case double[] a -> H5Type.FLOAT64;
                    case float[] a -> H5Type.FLOAT32;
                    case boolean[] a -> H5Type.BOOL;
                    case String[] a -> H5Type.STRING;
                    default -> throw new IllegalArgumentException(path + ": cannot store a " + value.getClass().getSimpleName() + " in uns");
                };
                int n = java.lang.reflect.Array.getLength(value);
                H5Dataset d = h5.createDataset(path, type, new long[] {n}, H5Layout.FIXED);
                (type == H5Type.STRING ? Encoding.STRING_ARRAY : Encoding.ARRAY).mark(d);
                d.write(0, value);
            }
        }
    }

    /** Finishes the dataframes, checks every CSR matrix is complete, closes and renames the file into place. */
    public void commit() throws IOException {
        obs.finish();
        var.finish();
        for (MatrixWriter m : matrices) if (m instanceof MatrixWriter.Csr c) c.finish();
        h5.commit();
    }

    /** Closes; a file not committed is deleted. */
    @Override
    public void close() throws IOException {
        h5.close();
    }
}
