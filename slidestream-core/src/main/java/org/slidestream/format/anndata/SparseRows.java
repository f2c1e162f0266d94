package org.slidestream.format.anndata;

import java.util.Arrays;

/**
 * Consecutive rows of a matrix in compressed sparse row form: the entries of row {@code i} are
 * {@code indices[indptr[i] .. indptr[i + 1])} (column numbers, increasing) with their values in
 * {@code data}. {@code indptr} starts at 0 and has {@code rows + 1} values. Values are doubles,
 * which hold every value of float32, float64 and integer matrices up to 2^53 exactly.
 */
public record SparseRows(int rows, int cols, int[] indptr, int[] indices, double[] data) {
    public SparseRows {
        if (indptr.length != rows + 1 || indptr[0] != 0) throw new IllegalArgumentException("indptr must have rows + 1 values from 0");
        if (indices.length < indptr[rows] || data.length < indptr[rows]) {
            throw new IllegalArgumentException("indices and data need " + indptr[rows] + " values");
        }
    }

    /** Stored entries. */
    public int nnz() {
        return indptr[rows];
    }

    /** The rows as a dense row-major block into {@code out} from {@code offset} ({@code rows x cols} floats). */
    public void densify(float[] out, int offset) {
        Arrays.fill(out, offset, offset + rows * cols, 0f);
        for (int r = 0; r < rows; r++) {
            int base = offset + r * cols;
            for (int p = indptr[r]; p < indptr[r + 1]; p++) out[base + indices[p]] = (float) data[p];
        }
    }

    /** The rows as a dense row-major array of doubles. */
    public double[] toDense() {
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int p = indptr[r]; p < indptr[r + 1]; p++) out[r * cols + indices[p]] = data[p];
        }
        return out;
    }

    /** Rows of a dense row-major block, zeros left out. */
    public static SparseRows fromDense(double[] dense, int rows, int cols) {
        int nnz = 0;
        for (double v : dense) if (v != 0) nnz++;
        int[] indptr = new int[rows + 1];
        int[] indices = new int[nnz];
        double[] data = new double[nnz];
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = dense[r * cols + c];
                if (v != 0) {
                    indices[k] = c;
                    data[k++] = v;
                }
            }
            indptr[r + 1] = k;
        }
        return new SparseRows(rows, cols, indptr, indices, data);
    }
}
