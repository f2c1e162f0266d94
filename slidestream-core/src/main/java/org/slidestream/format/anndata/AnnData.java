package org.slidestream.format.anndata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Group;
import org.slidestream.format.h5.H5Type;

/**
 * An AnnData {@code .h5ad} file opened for reading, following the AnnData on-disk specification
 * (every element carries {@code encoding-type} and {@code encoding-version}, as anndata 0.8 and
 * later write them). Matrices are read a block of rows at a time ({@link Matrix}), dataframe
 * columns by row ranges: opening a file of millions of cells reads only its metadata.
 *
 * <pre>{@code
 * try (AnnData a = AnnData.open(Path.of("cells.h5ad"))) {
 *     Matrix x = a.x().orElseThrow();                 // dense, CSR or CSC
 *     for (long r = 0; r < a.nObs(); r += 4096) {
 *         SparseRows rows = x.readRows(r, (int) Math.min(4096, a.nObs() - r));
 *     }
 *     Column type = a.obs().column("cell_type");     // a Column.Categorical
 *     Map<String, Object> uns = a.uns();
 * }
 * }</pre>
 */
public final class AnnData implements AutoCloseable {
    private final Path file;
    private final H5File h5;
    private final DataFrame obs;
    private final DataFrame var;

    private AnnData(Path file, H5File h5, DataFrame obs, DataFrame var) {
        this.file = file;
        this.h5 = h5;
        this.obs = obs;
        this.var = var;
    }

    /**
     * Opens a file and checks its structure: the root's encoding, the two dataframes, and the
     * shape of {@code X} against them.
     *
     * @throws FormatException for a file that is not AnnData or uses an encoding we do not read,
     *                         one line naming the file and the element
     */
    public static AnnData open(Path file) throws IOException {
        H5File h5 = H5File.open(file);
        try {
            if (!h5.hasAttribute(Encoding.TYPE)) {
                throw new FormatException(file, "not an AnnData file (no encoding-type on the root; anndata < 0.8 or another HDF5 file)");
            }
            Encoding root = Encoding.of(file, h5, "/");
            if (root != Encoding.ANNDATA) throw new FormatException(file, "the root is a " + root.type + ", not anndata");
            AnnData a = new AnnData(file, h5, DataFrame.open(file, h5, "obs"), DataFrame.open(file, h5, "var"));
            Optional<Matrix> x = a.x();
            if (x.isPresent() && (x.get().rows() != a.nObs() || x.get().cols() != a.nVars())) {
                throw new FormatException(file, "X is " + x.get().rows() + " x " + x.get().cols() + " but obs and var have "
                        + a.nObs() + " and " + a.nVars() + " rows");
            }
            return a;
        } catch (IOException | RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    public Path file() { return file; }

    /** Number of observations (cells): rows of {@code obs} and of {@code X}. */
    public long nObs() throws IOException { return obs.rows(); }

    /** Number of variables (genes, channels): rows of {@code var}, columns of {@code X}. */
    public long nVars() throws IOException { return var.rows(); }

    public DataFrame obs() { return obs; }

    public DataFrame var() { return var; }

    /** {@code X}, absent in files written without it. */
    public Optional<Matrix> x() throws IOException {
        return h5.contains("X") ? Optional.of(Matrix.open(file, h5, "X")) : Optional.empty();
    }

    /** Names of the layers. */
    public List<String> layers() throws IOException { return keys("layers"); }

    /** A layer (N x n_vars). */
    public Matrix layer(String name) throws IOException { return element("layers", name); }

    /** Keys of {@code obsm}. */
    public List<String> obsmKeys() throws IOException { return keys("obsm"); }

    /** An {@code obsm} matrix (N x k). */
    public Matrix obsm(String name) throws IOException { return element("obsm", name); }

    /** Keys of {@code varm}. */
    public List<String> varmKeys() throws IOException { return keys("varm"); }

    /** A {@code varm} matrix (n_vars x k). */
    public Matrix varm(String name) throws IOException { return element("varm", name); }

    private List<String> keys(String group) throws IOException {
        if (!h5.contains(group)) return List.of();
        checkDict(group);
        return h5.children(group);
    }

    private void checkDict(String group) throws IOException {
        Encoding e = Encoding.of(file, h5.group(group), group);
        if (e != Encoding.DICT) throw new FormatException(file, group + ": a " + e.type + ", not a dict");
    }

    private Matrix element(String group, String name) throws IOException {
        String path = group + "/" + name;
        if (!h5.contains(path)) {
            throw new IllegalArgumentException(file + ": no " + group + " '" + name + "' (" + group + ": " + String.join(", ", keys(group)) + ")");
        }
        Matrix m = Matrix.open(file, h5, path);
        long expected = group.equals("varm") ? nVars() : nObs();
        if (m.rows() != expected) throw new FormatException(file, path + ": " + m.rows() + " rows, expected " + expected);
        if (group.equals("layers") && m.cols() != nVars()) throw new FormatException(file, path + ": " + m.cols() + " columns, expected " + nVars());
        return m;
    }

    /**
     * {@code uns}, read whole: dicts as maps; scalars as {@code Long}, {@code Double},
     * {@code Boolean} or {@code String}; one-dimensional arrays as {@code long[]}, {@code double[]},
     * {@code boolean[]} or {@code String[]}; other arrays and sparse matrices as {@link Matrix},
     * dataframes as {@link DataFrame}.
     */
    public Map<String, Object> uns() throws IOException {
        if (!h5.contains("uns")) return Map.of();
        return dict("uns");
    }

    private Map<String, Object> dict(String path) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : h5.children(path)) out.put(k, unsValue(path + "/" + k));
        return out;
    }

    private Object unsValue(String path) throws IOException {
        if (h5.isGroup(path)) {
            H5Group g = h5.group(path);
            Encoding e = Encoding.of(file, g, path);
            return switch (e) {
                case DICT -> dict(path);
                case CSR, CSC -> Matrix.open(file, h5, path);
                case DATAFRAME -> DataFrame.open(file, h5, path);
                default -> throw new FormatException(file, path + ": a " + e.type + " in uns is not something we read");
            };
        }
        H5Dataset d = h5.dataset(path);
        Encoding e = d.hasAttribute(Encoding.TYPE) ? Encoding.of(file, d, path) : (d.isScalar() ? Encoding.NUMERIC_SCALAR : Encoding.ARRAY);
        return switch (e) {
            case NUMERIC_SCALAR, STRING -> {
                if (!d.isScalar()) throw new FormatException(file, path + ": a " + e.type + " with dimensions");
                yield d.readScalar();
            }
            case ARRAY, STRING_ARRAY -> {
                long[] s = d.shape();
                if (s.length == 1) {
                    int n = Math.toIntExact(s[0]);
                    yield switch (d.type()) {
                        case STRING -> d.readStrings(0, n);
                        case BOOL -> d.readBooleans(0, n);
                        case FLOAT32, FLOAT64 -> d.readDoubles(0, n);
                        default -> d.readLongs(0, n);
                    };
                }
                if (s.length == 2 && d.type().isNumeric()) yield Matrix.open(file, h5, path);
                throw new FormatException(file, path + ": an array of " + s.length + " dimensions in uns is not something we read");
            }
            default -> throw new FormatException(file, path + ": a " + e.type + " in uns is not something we read");
        };
    }

    @Override
    public void close() throws IOException {
        h5.close();
    }

    @Override
    public String toString() {
        return "AnnData[" + file.getFileName() + "]";
    }
}
