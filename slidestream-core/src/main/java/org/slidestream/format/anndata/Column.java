package org.slidestream.format.anndata;

import java.io.IOException;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5Type;

/**
 * One column of an {@code obs} or {@code var} dataframe, read a range of rows at a time: numbers,
 * booleans, strings or a categorical (codes into a list of categories, -1 for missing).
 */
public sealed interface Column {
    String name();

    long rows() throws IOException;

    /** Numbers of any integer or float width ({@code type()} as stored). */
    record Numeric(String name, H5Dataset dataset) implements Column {
        public long rows() throws IOException { return dataset.rows(); }

        public H5Type type() { return dataset.type(); }

        public double[] readDoubles(long first, int n) throws IOException { return dataset.readDoubles(first, n); }

        public long[] readLongs(long first, int n) throws IOException { return dataset.readLongs(first, n); }

        /** The stored Java array type ({@code long[]} for int64, {@code float[]} for float32, ...). */
        public Object read(long first, int n) throws IOException { return dataset.read(first, n); }
    }

    /** Booleans. */
    record Bool(String name, H5Dataset dataset) implements Column {
        public long rows() throws IOException { return dataset.rows(); }

        public boolean[] read(long first, int n) throws IOException { return dataset.readBooleans(first, n); }
    }

    /** Strings. */
    record Text(String name, H5Dataset dataset) implements Column {
        public long rows() throws IOException { return dataset.rows(); }

        public String[] read(long first, int n) throws IOException { return dataset.readStrings(first, n); }
    }

    /**
     * A categorical: {@code categories} (as text; numeric categories are written out as numbers)
     * and a code per row, -1 where the value is missing.
     */
    record Categorical(String name, H5Dataset codes, String[] categories, boolean ordered) implements Column {
        public long rows() throws IOException { return codes.rows(); }

        public int[] readCodes(long first, int n) throws IOException { return codes.readInts(first, n); }

        /** The rows' categories, null where missing. */
        public String[] read(long first, int n) throws IOException {
            int[] c = readCodes(first, n);
            String[] out = new String[n];
            for (int i = 0; i < n; i++) out[i] = c[i] < 0 || c[i] >= categories.length ? null : categories[c[i]];
            return out;
        }
    }
}
