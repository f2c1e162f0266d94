package org.slidestream.format.anndata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Group;
import org.slidestream.format.h5.H5Type;

/**
 * The {@code obs} or {@code var} dataframe of an {@code .h5ad} file: an index of strings and
 * columns in {@code column-order}. Columns are opened when the file is, and read by row ranges.
 */
public final class DataFrame {
    private final String path;
    private final H5Dataset index;
    private final String indexName;
    private final Map<String, Column> columns;

    private DataFrame(String path, H5Dataset index, String indexName, Map<String, Column> columns) {
        this.path = path;
        this.index = index;
        this.indexName = indexName;
        this.columns = columns;
    }

    static DataFrame open(Path file, H5File h5, String path) throws IOException {
        if (!h5.isGroup(path)) throw new FormatException(file, path + ": missing (every .h5ad has obs and var dataframes)");
        H5Group g = h5.group(path);
        Encoding e = Encoding.of(file, g, path);
        if (e != Encoding.DATAFRAME) throw new FormatException(file, path + ": a " + e.type + ", not a dataframe");
        String indexName = g.stringAttribute("_index");
        H5Dataset index = h5.dataset(path + "/" + indexName);
        if (index.shape().length != 1) throw new FormatException(file, path + ": the index is not one-dimensional");
        long rows = index.rows();
        List<String> order = new ArrayList<>();
        if (g.hasAttribute("column-order")) {
            Object o = g.attribute("column-order");
            if (o instanceof String[] names) order.addAll(List.of(names));
            else if (o instanceof String name) order.add(name);
            // an empty list is written by h5py as an empty float64 array: no columns
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        for (String name : order) {
            Column c = column(file, h5, path + "/" + name, name);
            if (c.rows() != rows) throw new FormatException(file, path + "/" + name + ": " + c.rows() + " rows, the index has " + rows);
            columns.put(name, c);
        }
        return new DataFrame(path, index, indexName, columns);
    }

    private static Column column(Path file, H5File h5, String path, String name) throws IOException {
        if (!h5.contains(path)) throw new FormatException(file, path + ": named in column-order but missing");
        if (h5.isGroup(path)) {
            H5Group g = h5.group(path);
            Encoding e = Encoding.of(file, g, path);
            if (e != Encoding.CATEGORICAL) throw new FormatException(file, path + ": a " + e.type + " is not a dataframe column we read");
            H5Dataset codes = h5.dataset(path + "/codes");
            H5Dataset cats = h5.dataset(path + "/categories");
            if (codes.type().isFloat() || !codes.type().isNumeric()) throw new FormatException(file, path + "/codes: not integers");
            boolean ordered = g.hasAttribute("ordered") && truthy(g.attribute("ordered"));
            return new Column.Categorical(name, codes, categories(cats), ordered);
        }
        H5Dataset d = h5.dataset(path);
        Encoding e = d.hasAttribute(Encoding.TYPE) ? Encoding.of(file, d, path) : Encoding.ARRAY;
        if (d.shape().length != 1) throw new FormatException(file, path + ": a column must be one-dimensional");
        return switch (e) {
            case STRING_ARRAY -> new Column.Text(name, d);
            case ARRAY -> switch (d.type()) {
                case BOOL -> new Column.Bool(name, d);
                case STRING -> new Column.Text(name, d);
                default -> new Column.Numeric(name, d);
            };
            default -> throw new FormatException(file, path + ": a " + e.type + " is not a dataframe column we read");
        };
    }

    private static boolean truthy(Object o) {
        return o instanceof Boolean b ? b : o instanceof Long l ? l != 0 : o instanceof boolean[] a && a.length == 1 && a[0];
    }

    private static String[] categories(H5Dataset cats) throws IOException {
        int n = Math.toIntExact(cats.rows());
        if (cats.type() == H5Type.STRING) return cats.readStrings(0, n);
        if (cats.type() == H5Type.BOOL) {
            boolean[] b = cats.readBooleans(0, n);
            String[] s = new String[n];
            for (int i = 0; i < n; i++) s[i] = b[i] ? "True" : "False";
            return s;
        }
        String[] s = new String[n];
        if (cats.type().isFloat()) {
            double[] v = cats.readDoubles(0, n);
            for (int i = 0; i < n; i++) s[i] = Double.toString(v[i]);
        } else {
            long[] v = cats.readLongs(0, n);
            for (int i = 0; i < n; i++) s[i] = Long.toString(v[i]);
        }
        return s;
    }

    /** Rows (the index's length). */
    public long rows() throws IOException { return index.rows(); }

    /** The index's name ({@code _index} unless the dataframe's index was named). */
    public String indexName() { return indexName; }

    /** Index values {@code first .. first + n - 1}. */
    public String[] index(long first, int n) throws IOException { return index.readStrings(first, n); }

    /** The whole index. */
    public String[] index() throws IOException { return index(0, Math.toIntExact(rows())); }

    /** Column names in column order. */
    public List<String> columns() { return List.copyOf(columns.keySet()); }

    public boolean has(String column) { return columns.containsKey(column); }

    /** A column by name. */
    public Column column(String name) {
        Column c = columns.get(name);
        if (c == null) throw new IllegalArgumentException(path + " has no column '" + name + "' (columns: " + String.join(", ", columns.keySet()) + ")");
        return c;
    }

    @Override
    public String toString() {
        return "DataFrame[" + path + " " + columns.keySet() + "]";
    }
}
