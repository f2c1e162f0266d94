package org.slidestream.dl.cells;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slidestream.format.anndata.AnnData;
import org.slidestream.format.anndata.Column;
import org.slidestream.format.anndata.Matrix;
import org.slidestream.format.anndata.SparseRows;

/**
 * Fills one model input for a batch of cells: {@code n x width()} floats, row by row, densified
 * from whatever the file stores. Reads of one matrix are serialised (a CSC matrix's cursors, and
 * HDF5 reads are serialised anyway); densifying and normalising run on the calling thread.
 */
sealed interface Feed {
    int width();

    /** What feeds it, for messages ({@code X}, {@code obsm:perturbations}, {@code obs:drug,dose}). */
    String describe();

    void fill(long first, int n, FloatBuffer dest) throws IOException;

    /** A batch that will not be filled (the run is stopping): later batches must not wait for it. */
    default void skip(long first, int n) {}

    /**
     * Expression or an obsm matrix, normalised row by row as configured. A CSC matrix is read in
     * row order (a batch waits for the one before it), so that its column cursors never seek.
     */
    final class MatrixFeed implements Feed {
        private final Matrix matrix;
        private final String describe;
        private final List<CellModelConfig.Normalization> normalize;
        private final double targetSum;
        private long nextRow;

        MatrixFeed(Matrix matrix, String describe, List<CellModelConfig.Normalization> normalize, double targetSum) {
            this.matrix = matrix;
            this.describe = describe;
            this.normalize = List.copyOf(normalize);
            this.targetSum = targetSum;
        }

        @Override public int width() { return matrix.cols(); }

        @Override public String describe() { return describe; }

        @Override
        public synchronized void skip(long first, int n) {
            nextRow = Math.max(nextRow, first + n);
            notifyAll();
        }

        @Override
        public void fill(long first, int n, FloatBuffer dest) throws IOException {
            SparseRows rows;
            synchronized (this) {
                // batches are submitted in order to FIFO pools, so the one awaited has started
                while (matrix.format() == Matrix.Format.CSC && first > nextRow) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while reading " + describe);
                    }
                }
                try {
                    rows = matrix.readRows(first, n);
                } finally {
                    nextRow = Math.max(nextRow, first + n);
                    notifyAll();
                }
            }
            double[] v = rows.data();
            int[] ptr = rows.indptr();
            for (CellModelConfig.Normalization step : normalize) {
                switch (step) {
                    case LIBRARY_SIZE -> {
                        for (int r = 0; r < n; r++) {
                            double total = 0;
                            for (int p = ptr[r]; p < ptr[r + 1]; p++) total += v[p];
                            if (total == 0) continue;
                            // as numpy: x * target / total, in double
                            for (int p = ptr[r]; p < ptr[r + 1]; p++) v[p] = v[p] * targetSum / total;
                        }
                    }
                    case LOG1P -> {
                        for (int p = 0; p < rows.nnz(); p++) v[p] = Math.log1p(v[p]);
                    }
                }
            }
            int w = width();
            float[] row = new float[w];
            for (int r = 0; r < n; r++) {
                Arrays.fill(row, 0f);
                for (int p = ptr[r]; p < ptr[r + 1]; p++) row[rows.indices()[p]] = (float) v[p];
                dest.put(r * w, row);
            }
        }
    }

    /** obs columns: numbers and booleans one value each, categoricals one-hot. */
    record ColumnsFeed(List<Column> columns, String describe, int width) implements Feed {
        static ColumnsFeed of(AnnData a, Source s) {
            List<Column> cols = new ArrayList<>();
            int w = 0;
            for (String name : s.columns()) {
                Column c = a.obs().column(name);
                cols.add(c);
                w += switch (c) {
                    case Column.Categorical cat -> cat.categories().length;
                    case Column.Numeric num -> 1;
                    case Column.Bool b -> 1;
                    case Column.Text t -> throw new IllegalArgumentException(a.file().getFileName() + ": obs column '" + name
                            + "' holds text: make it categorical to use it as a covariate (one-hot)");
                };
            }
            return new ColumnsFeed(cols, s.toString(), w);
        }

        @Override
        public void fill(long first, int n, FloatBuffer dest) throws IOException {
            float[] out = new float[n * width];
            int offset = 0;
            for (Column c : columns) {
                switch (c) {
                    case Column.Categorical cat -> {
                        int[] codes = cat.readCodes(first, n);
                        for (int r = 0; r < n; r++) if (codes[r] >= 0) out[r * width + offset + codes[r]] = 1f;
                        offset += cat.categories().length;
                    }
                    case Column.Numeric num -> {
                        double[] v = num.readDoubles(first, n);
                        for (int r = 0; r < n; r++) out[r * width + offset] = (float) v[r];
                        offset++;
                    }
                    case Column.Bool b -> {
                        boolean[] v = b.read(first, n);
                        for (int r = 0; r < n; r++) out[r * width + offset] = v[r] ? 1f : 0f;
                        offset++;
                    }
                    case Column.Text t -> throw new AssertionError(t);
                }
            }
            dest.put(0, out);
        }
    }
}
