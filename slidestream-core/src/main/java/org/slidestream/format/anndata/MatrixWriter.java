package org.slidestream.format.anndata;

import java.io.IOException;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5Exception;

/** Writes one matrix of an {@link AnnDataWriter}: dense by row ranges, or CSR by appending rows. */
public sealed interface MatrixWriter {

    /** The element's path ({@code X}, {@code layers/NAME}, {@code obsm/NAME}, {@code varm/NAME}). */
    String path();

    /** Rows the matrix has. */
    long rows();

    int cols();

    /**
     * A dense matrix: one dataset of {@code rows x cols}, chunked and compressed, allocated when
     * created; rows are written at their index in any order (rows never written read as 0).
     */
    final class Dense implements MatrixWriter {
        private final String path;
        private final H5Dataset dataset;
        private final long rows;
        private final int cols;

        Dense(String path, H5Dataset dataset, long rows, int cols) {
            this.path = path;
            this.dataset = dataset;
            this.rows = rows;
            this.cols = cols;
        }

        @Override public String path() { return path; }

        @Override public long rows() { return rows; }

        @Override public int cols() { return cols; }

        /** Whole rows, row-major, from row {@code first}: any primitive numeric array (converted to the stored type). */
        public void write(long first, Object rowMajor) throws IOException {
            dataset.write(first, rowMajor);
        }
    }

    /**
     * A CSR matrix: {@code indptr} allocated for every row, {@code indices} and {@code data}
     * growing as rows are appended in order. Every row must be written before the file commits.
     */
    final class Csr implements MatrixWriter {
        private final String path;
        private final long rows;
        private final int cols;
        private final H5Dataset indptr;
        private final H5Dataset indices;
        private final H5Dataset data;
        private long written;
        private long nnz;

        Csr(String path, long rows, int cols, H5Dataset indptr, H5Dataset indices, H5Dataset data) throws H5Exception {
            this.path = path;
            this.rows = rows;
            this.cols = cols;
            this.indptr = indptr;
            this.indices = indices;
            this.data = data;
            indptr.write(0, new long[] {0});
        }

        @Override public String path() { return path; }

        @Override public long rows() { return rows; }

        @Override public int cols() { return cols; }

        /** Rows written so far. */
        public long written() { return written; }

        /** Appends {@code block}'s rows after those written (column indices must be increasing within a row). */
        public void append(SparseRows block) throws IOException {
            if (block.cols() != cols) throw new IllegalArgumentException(path + ": rows of " + block.cols() + " columns, the matrix has " + cols);
            if (written + block.rows() > rows) throw new IllegalArgumentException(path + ": more than " + rows + " rows");
            int k = block.nnz();
            int[] ptr = block.indptr();
            long[] abs = new long[block.rows()];
            for (int i = 0; i < abs.length; i++) {
                abs[i] = nnz + ptr[i + 1];
                for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                    int c = block.indices()[p];
                    if (c < 0 || c >= cols || (p > ptr[i] && c <= block.indices()[p - 1])) {
                        throw new IllegalArgumentException(path + ": row " + (written + i) + ": column indices must increase within 0.." + (cols - 1));
                    }
                }
            }
            if (k > 0) {
                indices.write(nnz, java.util.Arrays.copyOf(block.indices(), k));
                data.write(nnz, java.util.Arrays.copyOf(block.data(), k));
            }
            indptr.write(written + 1, abs);
            nnz += k;
            written += block.rows();
        }

        void finish() throws IOException {
            if (written != rows) throw new IllegalStateException(path + ": " + written + " of " + rows + " rows written");
        }
    }
}
