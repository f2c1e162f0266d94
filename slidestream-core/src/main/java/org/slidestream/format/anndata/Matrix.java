package org.slidestream.format.anndata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Group;
import org.slidestream.format.h5.H5Type;

/**
 * A two-dimensional element of an {@code .h5ad} file ({@code X}, a layer, an {@code obsm} or
 * {@code varm} entry), read a block of rows at a time: a dense array, or a sparse matrix in CSR or
 * CSC form. Nothing but the requested rows is read: CSR rows through {@code indptr}; CSC matrices
 * are converted block by block, each column keeping a cursor where the last block ended, so that
 * reading blocks in order reads every entry once. Not thread-safe (one reader at a time).
 */
public final class Matrix {
    /** How the matrix is stored. */
    public enum Format { DENSE, CSR, CSC }

    private final Path file;
    private final String path;
    private final Format format;
    private final long rows;
    private final int cols;
    private final H5Type type;
    private final H5Dataset dense;
    private final H5Dataset indptr;
    private final H5Dataset indices;
    private final H5Dataset data;
    // CSC: every column's start and the first entry at or after row cursorRow
    private long[] colPtr;
    private long[] cursor;
    private long cursorRow = -1;

    private Matrix(Path file, String path, Format format, long rows, int cols, H5Type type, H5Dataset dense,
                   H5Dataset indptr, H5Dataset indices, H5Dataset data) {
        this.file = file;
        this.path = path;
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.type = type;
        this.dense = dense;
        this.indptr = indptr;
        this.indices = indices;
        this.data = data;
    }

    /** Opens the element at {@code path}, checking its encoding and shape. */
    static Matrix open(Path file, H5File h5, String path) throws IOException {
        if (h5.isDataset(path)) {
            H5Dataset d = h5.dataset(path);
            Encoding e = d.hasAttribute(Encoding.TYPE) ? Encoding.of(file, d, path) : Encoding.ARRAY;
            if (e != Encoding.ARRAY) throw new FormatException(file, path + ": a " + e.type + ", not a matrix");
            long[] s = d.shape();
            if (s.length != 2) throw new FormatException(file, path + ": an array of " + s.length + " dimensions, not a matrix");
            if (!d.type().isNumeric()) throw new FormatException(file, path + ": a matrix of " + d.type() + ", not numbers");
            return new Matrix(file, path, Format.DENSE, s[0], width(file, path, s[1]), d.type(), d, null, null, null);
        }
        if (!h5.isGroup(path)) throw new FormatException(file, path + ": missing");
        H5Group g = h5.group(path);
        Encoding e = Encoding.of(file, g, path);
        if (e != Encoding.CSR && e != Encoding.CSC) throw new FormatException(file, path + ": a " + e.type + ", not a matrix");
        long[] shape = g.longArrayAttribute("shape");
        if (shape.length != 2 || shape[0] < 0 || shape[1] < 0) throw new FormatException(file, path + ": bad shape " + Arrays.toString(shape));
        H5Dataset ptr = h5.dataset(path + "/indptr");
        H5Dataset idx = h5.dataset(path + "/indices");
        H5Dataset val = h5.dataset(path + "/data");
        long major = e == Encoding.CSR ? shape[0] : shape[1];
        if (ptr.rows() != major + 1) {
            throw new FormatException(file, path + ": indptr has " + ptr.rows() + " values for " + major + (e == Encoding.CSR ? " rows" : " columns"));
        }
        if (idx.rows() != val.rows()) throw new FormatException(file, path + ": " + idx.rows() + " indices but " + val.rows() + " values");
        if (!val.type().isNumeric() || !idx.type().isNumeric() || idx.type().isFloat()) {
            throw new FormatException(file, path + ": sparse data must be numbers with integer indices");
        }
        return new Matrix(file, path, e == Encoding.CSR ? Format.CSR : Format.CSC, shape[0], width(file, path, shape[1]),
                val.type(), null, ptr, idx, val);
    }

    private static int width(Path file, String path, long cols) throws FormatException {
        if (cols > Integer.MAX_VALUE - 8) throw new FormatException(file, path + ": " + cols + " columns are more than we read");
        return (int) cols;
    }

    public Format format() { return format; }

    public long rows() { return rows; }

    public int cols() { return cols; }

    /** The stored value type. */
    public H5Type type() { return type; }

    /** The element's path in the file ({@code X}, {@code layers/counts}, {@code obsm/spatial}). */
    public String path() { return path; }

    /** Stored entries (rows x cols for a dense matrix). */
    public long nnz() throws IOException {
        return format == Format.DENSE ? rows * cols : data.rows();
    }

    /** Rows {@code first .. first + n - 1} in CSR form (a dense matrix's zeros left out). */
    public SparseRows readRows(long first, int n) throws IOException {
        check(first, n);
        return switch (format) {
            case DENSE -> SparseRows.fromDense(dense.readDoubles(first, n), n, cols);
            case CSR -> csrRows(first, n);
            case CSC -> cscRows(first, n);
        };
    }

    /** Rows {@code first .. first + n - 1} as a dense row-major block of {@code n x cols} floats into {@code out} at {@code offset}. */
    public void readDense(long first, int n, float[] out, int offset) throws IOException {
        check(first, n);
        if (format == Format.DENSE) {
            float[] v = dense.readFloats(first, n);
            System.arraycopy(v, 0, out, offset, v.length);
        } else {
            readRows(first, n).densify(out, offset);
        }
    }

    /** Rows as a dense row-major array of doubles. */
    public double[] readDense(long first, int n) throws IOException {
        check(first, n);
        return format == Format.DENSE ? dense.readDoubles(first, n) : readRows(first, n).toDense();
    }

    private void check(long first, int n) {
        if (first < 0 || n < 0 || first + n > rows) throw new IndexOutOfBoundsException("rows " + first + "+" + n + " outside the " + rows + " rows of " + path);
        if ((long) n * cols > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(n + " rows of " + cols + " do not fit one array; read fewer");
    }

    private SparseRows csrRows(long first, int n) throws IOException {
        long[] ptr = indptr.readLongs(first, n + 1);
        long p0 = ptr[0], count = ptr[n] - p0;
        if (count < 0 || ptr[n] > data.rows()) throw new FormatException(file, path + ": indptr out of order or beyond the data at row " + first);
        if (count > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(count + " entries in rows " + first + "+" + n + ": read fewer rows");
        int[] rel = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            long v = ptr[i] - p0;
            if (v < (i == 0 ? 0 : rel[i - 1]) || v > count) throw new FormatException(file, path + ": indptr decreases at row " + (first + i));
            rel[i] = (int) v;
        }
        int[] idx = count == 0 ? new int[0] : indices.readInts(p0, (int) count);
        double[] val = count == 0 ? new double[0] : data.readDoubles(p0, (int) count);
        for (int c : idx) if (c < 0 || c >= cols) throw new FormatException(file, path + ": column index " + c + " outside 0.." + (cols - 1));
        return new SparseRows(n, cols, rel, idx, val);
    }

    /**
     * CSC rows: each column's entries from its cursor up to the block's end row. In order, every
     * entry is read once; another start row moves the cursors by binary search.
     */
    private SparseRows cscRows(long first, int n) throws IOException {
        if (colPtr == null) {
            colPtr = indptr.readLongs(0, cols + 1);
            for (int j = 0; j < cols; j++) {
                if (colPtr[j + 1] < colPtr[j]) throw new FormatException(file, path + ": indptr decreases at column " + j);
            }
            if (colPtr[cols] > data.rows()) throw new FormatException(file, path + ": indptr beyond the data");
            cursor = colPtr.clone();
            cursorRow = 0;
        }
        if (first != cursorRow) seek(first);
        long end = first + n;
        int[][] colRows = new int[cols][];
        double[][] colVals = new double[cols][];
        int[] counts = new int[n + 1];
        int total = 0;
        double expected = rows == 0 ? 0 : (double) n / rows;
        for (int j = 0; j < cols; j++) {
            long from = cursor[j], stop = colPtr[j + 1];
            if (from >= stop) continue;
            int guess = (int) Math.min(stop - from, Math.max(16, (long) ((stop - colPtr[j]) * expected * 1.5) + 16));
            int[] r = indices.readInts(from, guess);
            int k = 0;
            while (true) {
                while (k < r.length && r[k] < end) k++;
                if (k < r.length || from + r.length >= stop) break;
                int more = (int) Math.min(stop - from - r.length, Math.max(r.length, 16));
                int[] next = indices.readInts(from + r.length, more);
                int[] grown = Arrays.copyOf(r, r.length + next.length);
                System.arraycopy(next, 0, grown, r.length, next.length);
                r = grown;
            }
            if (k == 0) continue;
            int[] rr = new int[k];
            for (int i = 0; i < k; i++) {
                long row = r[i];
                if (row < first || row >= end || (i > 0 && r[i] <= r[i - 1])) {
                    throw new FormatException(file, path + ": row indices of column " + j + " are not increasing or out of range");
                }
                rr[i] = (int) (row - first);
                counts[rr[i] + 1]++;
            }
            colRows[j] = rr;
            colVals[j] = data.readDoubles(from, k);
            cursor[j] = from + k;
            total += k;
        }
        cursorRow = end;
        for (int i = 0; i < n; i++) counts[i + 1] += counts[i];
        int[] fill = Arrays.copyOf(counts, n);
        int[] idx = new int[total];
        double[] val = new double[total];
        for (int j = 0; j < cols; j++) {
            int[] rr = colRows[j];
            if (rr == null) continue;
            for (int i = 0; i < rr.length; i++) {
                int p = fill[rr[i]]++;
                idx[p] = j;
                val[p] = colVals[j][i];
            }
        }
        return new SparseRows(n, cols, counts, idx, val);
    }

    /** Moves every column's cursor to its first entry at or after {@code row} (binary search). */
    private void seek(long row) throws IOException {
        for (int j = 0; j < cols; j++) {
            long lo = colPtr[j], hi = colPtr[j + 1];
            while (lo < hi) {
                long mid = (lo + hi) >>> 1;
                if (indices.readLongs(mid, 1)[0] < row) lo = mid + 1;
                else hi = mid;
            }
            cursor[j] = lo;
        }
        cursorRow = row;
    }

    @Override
    public String toString() {
        return "Matrix[" + path + " " + format + " " + rows + " x " + cols + " " + type + "]";
    }
}
