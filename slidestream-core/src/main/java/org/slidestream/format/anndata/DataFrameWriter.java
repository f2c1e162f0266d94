package org.slidestream.format.anndata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Group;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Type;

/**
 * Writes the {@code obs} or {@code var} dataframe of an {@link AnnDataWriter}: the index and
 * columns of numbers, booleans, strings or categories, each a dataset sized for every row when it
 * is created and written by row ranges in any order. Columns keep the order they were added in
 * ({@code column-order}). An index never written is {@code "0", "1", ...}, as anndata makes it.
 */
public final class DataFrameWriter {
    private static final int BLOCK = 1 << 16;

    private final H5File h5;
    private final String path;
    private final long rows;
    private final H5Layout layout;
    private final Set<String> columns = new LinkedHashSet<>();
    private H5Dataset index;
    private boolean indexWritten;

    DataFrameWriter(H5File h5, String path, long rows, H5Layout layout) throws IOException {
        this.h5 = h5;
        this.path = path;
        this.rows = rows;
        this.layout = layout;
        try (H5Group g = h5.createGroup(path)) {
            Encoding.DATAFRAME.mark(g);
            g.setAttribute("_index", "_index");
        }
    }

    public long rows() { return rows; }

    /** Writes index values from row {@code first} (strings must be unique for anndata's users, not for the file). */
    public void index(long first, String[] names) throws IOException {
        if (index == null) {
            index = create("_index", H5Type.STRING, Encoding.STRING_ARRAY);
        }
        index.write(first, names);
        indexWritten = true;
    }

    /** Writes the whole index. */
    public void index(String[] names) throws IOException {
        if (names.length != rows) throw new IllegalArgumentException(path + ": " + names.length + " index values for " + rows + " rows");
        index(0, names);
    }

    /**
     * A column of numbers ({@code H5Type} INT8..FLOAT64), booleans ({@code BOOL}) or strings
     * ({@code STRING}), to be written by row ranges with {@link H5Dataset#write}.
     */
    public H5Dataset column(String name, H5Type type) throws IOException {
        claim(name);
        return create(name, type, type == H5Type.STRING ? Encoding.STRING_ARRAY : Encoding.ARRAY);
    }

    /**
     * A whole column from a {@code long[]}, {@code int[]}, {@code short[]}, {@code byte[]},
     * {@code double[]}, {@code float[]}, {@code boolean[]} or {@code String[]} of every row.
     */
    public void column(String name, Object values) throws IOException {
        H5Type type = switch (values) {
            case long[] a -> H5Type.INT64;
            case int[] a -> H5Type.INT32;
            case short[] a -> H5Type.INT16;
            case byte[] a -> H5Type.INT8;
            case double[] a -> H5Type.FLOAT64;
            case float[] a -> H5Type.FLOAT32;
            case boolean[] a -> H5Type.BOOL;
            case String[] a -> H5Type.STRING;
            default -> throw new IllegalArgumentException("not a column array: " + values);
        };
        if (java.lang.reflect.Array.getLength(values) != rows) {
            throw new IllegalArgumentException(path + "/" + name + ": " + java.lang.reflect.Array.getLength(values) + " values for " + rows + " rows");
        }
        column(name, type).write(0, values);
    }

    /**
     * A categorical column: its {@code categories} (unique strings), written as anndata does (codes
     * of the smallest signed integer type that holds them, -1 for missing).
     */
    public Categorical categorical(String name, List<String> categories, boolean ordered) throws IOException {
        if (new LinkedHashSet<>(categories).size() != categories.size()) {
            throw new IllegalArgumentException(path + "/" + name + ": categories must be unique");
        }
        claim(name);
        String p = path + "/" + name;
        try (H5Group g = h5.createGroup(p)) {
            Encoding.CATEGORICAL.mark(g);
            g.setAttribute("ordered", ordered);
        }
        H5Dataset cats = h5.createDataset(p + "/categories", H5Type.STRING, new long[] {categories.size()}, H5Layout.FIXED);
        Encoding.STRING_ARRAY.mark(cats);
        cats.write(0, categories.toArray(String[]::new));
        int n = categories.size();
        H5Type codeType = n < Byte.MAX_VALUE ? H5Type.INT8 : n < Short.MAX_VALUE ? H5Type.INT16 : H5Type.INT32;
        H5Dataset codes = h5.createDataset(p + "/codes", codeType, new long[] {rows}, layout);
        Encoding.ARRAY.mark(codes);
        return new Categorical(codes, n);
    }

    /** A whole categorical column from its values (null for missing), categories in order of first appearance. */
    public void categorical(String name, String[] values) throws IOException {
        List<String> cats = new ArrayList<>(new LinkedHashSet<>(java.util.Arrays.stream(values).filter(v -> v != null).toList()));
        java.util.Map<String, Integer> code = new java.util.HashMap<>();
        for (int i = 0; i < cats.size(); i++) code.put(cats.get(i), i);
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) codes[i] = values[i] == null ? -1 : code.get(values[i]);
        categorical(name, cats, false).write(0, codes);
    }

    /** Writes a categorical column's codes by row ranges. */
    public static final class Categorical {
        private final H5Dataset codes;
        private final int categories;

        Categorical(H5Dataset codes, int categories) {
            this.codes = codes;
            this.categories = categories;
        }

        /** Codes (0-based category numbers, -1 for missing) from row {@code first}. */
        public void write(long first, int[] values) throws IOException {
            for (int v : values) {
                if (v < -1 || v >= categories) throw new IllegalArgumentException("code " + v + " outside -1.." + (categories - 1));
            }
            codes.write(first, values);
        }
    }

    /**
     * Copies every column of {@code source} (and its index), a block of rows at a time; the
     * source must have this dataframe's number of rows.
     */
    public void copyFrom(DataFrame source) throws IOException {
        if (source.rows() != rows) throw new IllegalArgumentException(path + ": the source has " + source.rows() + " rows, not " + rows);
        for (long r = 0; r < rows; r += BLOCK) index(r, source.index(r, (int) Math.min(BLOCK, rows - r)));
        for (String name : source.columns()) {
            Column c = source.column(name);
            switch (c) {
                case Column.Categorical cat -> {
                    Categorical w = categorical(name, List.of(cat.categories()), cat.ordered());
                    for (long r = 0; r < rows; r += BLOCK) w.write(r, cat.readCodes(r, (int) Math.min(BLOCK, rows - r)));
                }
                case Column.Numeric num -> copy(column(name, num.type()), r -> num.read(r, (int) Math.min(BLOCK, rows - r)));
                case Column.Bool b -> copy(column(name, H5Type.BOOL), r -> b.read(r, (int) Math.min(BLOCK, rows - r)));
                case Column.Text t -> copy(column(name, H5Type.STRING), r -> t.read(r, (int) Math.min(BLOCK, rows - r)));
            }
        }
    }

    @FunctionalInterface
    private interface Block {
        Object read(long first) throws IOException;
    }

    private void copy(H5Dataset to, Block block) throws IOException {
        for (long r = 0; r < rows; r += BLOCK) to.write(r, block.read(r));
    }

    private void claim(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals("_index")) throw new IllegalArgumentException("bad column name '" + name + "'");
        if (!columns.add(name)) throw new IllegalArgumentException(path + ": column '" + name + "' already written");
    }

    private H5Dataset create(String name, H5Type type, Encoding e) throws IOException {
        H5Dataset d = h5.createDataset(path + "/" + name, type, new long[] {rows}, layout);
        e.mark(d);
        return d;
    }

    /** Writes the column order and, when none was given, the default index. */
    void finish() throws IOException {
        if (!indexWritten) {
            for (long r = 0; r < rows || (r == 0 && index == null); r += BLOCK) {
                int k = (int) Math.min(BLOCK, rows - r);
                String[] names = new String[k];
                for (int i = 0; i < k; i++) names[i] = Long.toString(r + i);
                index(r, names);
                if (k == 0) break;
            }
        }
        try (H5Group g = h5.group(path)) {
            g.setAttribute("column-order", columns.toArray(String[]::new));
        }
    }
}
