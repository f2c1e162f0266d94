package org.slidestream.format.h5;

import static org.bytedeco.hdf5.global.hdf5.*;
import static org.slidestream.format.h5.H5Lib.check;
import static org.slidestream.format.h5.H5Lib.locked;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.hdf5.H5O_info2_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slidestream.format.h5.H5Lib.Hid;

/**
 * Something that carries attributes: the file (its root group) or a dataset. Attributes are
 * written as h5py writes Python values: integers as int64 (or int32 for {@code int}), floats as
 * float64, strings as variable-length UTF-8 (h5py reads them back as {@code str}), and 1-D arrays
 * of these. Setting an attribute that exists replaces it.
 *
 * <p>Reading gives {@code Long}, {@code Double}, {@code String}, {@code Boolean} for scalars and
 * {@code long[]}, {@code double[]}, {@code String[]}, {@code boolean[]} for arrays, whatever the
 * integer or float width in the file; fixed-length strings (numpy bytes) read as strings too, and
 * h5py's booleans (an enum of FALSE and TRUE) as booleans.
 */
public abstract sealed class H5Node permits H5File, H5Dataset, H5Group {

    /** The HDF5 id attributes live on; call with the lock held. */
    abstract long locationId() throws H5Exception;

    /** What to call this node in messages: {@code "coords.h5"} or {@code "coords.h5:/coords"}. */
    abstract String describe();

    public void setAttribute(String name, long value) throws H5Exception {
        writeAttribute(name, H5Type.INT64, new long[] {value}, true);
    }

    public void setAttribute(String name, int value) throws H5Exception {
        writeAttribute(name, H5Type.INT32, new long[] {value}, true);
    }

    public void setAttribute(String name, double value) throws H5Exception {
        writeAttribute(name, H5Type.FLOAT64, new double[] {value}, true);
    }

    public void setAttribute(String name, long[] values) throws H5Exception {
        writeAttribute(name, H5Type.INT64, values.clone(), false);
    }

    public void setAttribute(String name, int[] values) throws H5Exception {
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) v[i] = values[i];
        writeAttribute(name, H5Type.INT32, v, false);
    }

    public void setAttribute(String name, double[] values) throws H5Exception {
        writeAttribute(name, H5Type.FLOAT64, values.clone(), false);
    }

    /** A boolean as h5py writes {@code numpy.bool_}: an 8-bit enum of FALSE and TRUE. */
    public void setAttribute(String name, boolean value) throws H5Exception {
        locked(() -> {
            long loc = locationId();
            try (Hid space = dataspace(true, 1);
                 Hid attr = createAttribute(loc, name, H5Lib.boolType(), space);
                 org.bytedeco.javacpp.BytePointer buf = new org.bytedeco.javacpp.BytePointer(1)) {
                buf.put(0, value ? (byte) 1 : 0);
                check(H5Awrite(attr.id(), H5Lib.boolType(), buf), describe() + ": cannot write attribute '" + name + "'");
            }
        });
    }

    public void setAttribute(String name, String value) throws H5Exception {
        writeStrings(name, new String[] {value}, true);
    }

    public void setAttribute(String name, String[] values) throws H5Exception {
        writeStrings(name, values.clone(), false);
    }

    private void writeAttribute(String name, H5Type fileType, Object values, boolean scalar) throws H5Exception {
        int n = values instanceof long[] l ? l.length : ((double[]) values).length;
        locked(() -> {
            long loc = locationId();
            try (Hid space = dataspace(scalar, n);
                 Hid attr = createAttribute(loc, name, fileType.nativeId(), space);
                 Pointer buf = values instanceof long[] l ? new LongPointer(l) : new DoublePointer((double[]) values)) {
                long memType = values instanceof long[] ? H5Type.INT64.nativeId() : H5Type.FLOAT64.nativeId();
                check(H5Awrite(attr.id(), memType, buf), describe() + ": cannot write attribute '" + name + "'");
            }
        });
    }

    private void writeStrings(String name, String[] values, boolean scalar) throws H5Exception {
        locked(() -> {
            long loc = locationId();
            List<BytePointer> strings = new ArrayList<>();
            try (Hid type = H5Lib.utf8StringType();
                 Hid space = dataspace(scalar, values.length);
                 Hid attr = createAttribute(loc, name, type.id(), space);
                 PointerPointer<BytePointer> ptrs = new PointerPointer<>(Math.max(1, values.length))) {
                for (int i = 0; i < values.length; i++) {
                    BytePointer s = new BytePointer(values[i] == null ? "" : values[i], StandardCharsets.UTF_8);
                    strings.add(s);
                    ptrs.put(i, s);
                }
                check(H5Awrite(attr.id(), type.id(), ptrs), describe() + ": cannot write attribute '" + name + "'");
            } finally {
                strings.forEach(Pointer::close);
            }
        });
    }

    private static Hid dataspace(boolean scalar, int n) throws H5Exception {
        return H5Lib.space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, new long[] {n}, (long[]) null),
                "create an attribute dataspace");
    }

    private Hid createAttribute(long loc, String name, long type, Hid space) throws H5Exception {
        if (check(H5Aexists(loc, name), describe() + ": cannot look up attribute '" + name + "'") > 0) {
            check(H5Adelete(loc, name), describe() + ": cannot replace attribute '" + name + "'");
        }
        return H5Lib.attr(H5Acreate2(loc, name, type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                describe() + ": cannot create attribute '" + name + "'");
    }

    public boolean hasAttribute(String name) throws H5Exception {
        return locked(() -> check(H5Aexists(locationId(), name), describe() + ": cannot look up attribute '" + name + "'") > 0);
    }

    /** Attribute names in name order. */
    public List<String> attributeNames() throws H5Exception {
        return locked(() -> {
            long loc = locationId();
            List<String> names = new ArrayList<>();
            long n;
            try (H5O_info2_t info = new H5O_info2_t()) {
                check(H5Oget_info3(loc, info, H5O_INFO_NUM_ATTRS), describe() + ": cannot count attributes");
                n = info.num_attrs();
            }
            for (long i = 0; i < n; i++) {
                try (Hid attr = H5Lib.attr(H5Aopen_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT),
                        describe() + ": cannot open attribute " + i)) {
                    long len = check(H5Aget_name(attr.id(), 0, (byte[]) null), describe() + ": cannot name attribute " + i);
                    byte[] buf = new byte[(int) len + 1];
                    H5Aget_name(attr.id(), buf.length, buf);
                    names.add(new String(buf, 0, (int) len, StandardCharsets.UTF_8));
                }
            }
            return names;
        });
    }

    /**
     * Every attribute whose type we read (numbers and strings, scalars and 1-D arrays), by name;
     * others (compound, enum, references) are left out.
     */
    public Map<String, Object> attributes() throws H5Exception {
        return locked(() -> {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String name : attributeNames()) {
                Object v = readAttribute(name, false);
                if (v != null) out.put(name, v);
            }
            return out;
        });
    }

    /**
     * An attribute's value: {@code Long}, {@code Double}, {@code String}, {@code long[]},
     * {@code double[]} or {@code String[]}.
     *
     * @throws H5Exception when it does not exist or has a type we do not read
     */
    public Object attribute(String name) throws H5Exception {
        return locked(() -> readAttribute(name, true));
    }

    /** An integer attribute (also a one-element array, as CLAM writes some). */
    public long longAttribute(String name) throws H5Exception {
        Object v = attribute(name);
        if (v instanceof Long l) return l;
        if (v instanceof long[] a && a.length == 1) return a[0];
        if (v instanceof Double d && d == Math.rint(d)) return d.longValue();
        throw new H5Exception(describe() + ": attribute '" + name + "' is not an integer but " + show(v));
    }

    /** A numeric attribute as a double. */
    public double doubleAttribute(String name) throws H5Exception {
        Object v = attribute(name);
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof double[] a && a.length == 1) return a[0];
        if (v instanceof long[] a && a.length == 1) return a[0];
        throw new H5Exception(describe() + ": attribute '" + name + "' is not a number but " + show(v));
    }

    public String stringAttribute(String name) throws H5Exception {
        Object v = attribute(name);
        if (v instanceof String s) return s;
        if (v instanceof String[] a && a.length == 1) return a[0];
        throw new H5Exception(describe() + ": attribute '" + name + "' is not a string but " + show(v));
    }

    /** An integer array attribute (a scalar reads as one element). */
    public long[] longArrayAttribute(String name) throws H5Exception {
        Object v = attribute(name);
        if (v instanceof long[] a) return a;
        if (v instanceof Long l) return new long[] {l};
        throw new H5Exception(describe() + ": attribute '" + name + "' is not an integer array but " + show(v));
    }

    /** A numeric array attribute as doubles (a scalar reads as one element). */
    public double[] doubleArrayAttribute(String name) throws H5Exception {
        Object v = attribute(name);
        if (v instanceof double[] a) return a;
        if (v instanceof long[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) d[i] = a[i];
            return d;
        }
        if (v instanceof Number n) return new double[] {n.doubleValue()};
        throw new H5Exception(describe() + ": attribute '" + name + "' is not a numeric array but " + show(v));
    }

    private static String show(Object v) {
        return v == null ? "null" : v.getClass().isArray() ? v.getClass().getComponentType() + "[]" : v.getClass().getSimpleName();
    }

    /** Reads one attribute; unsupported types throw when {@code strict}, else give null. */
    private Object readAttribute(String name, boolean strict) throws H5Exception {
        long loc = locationId();
        if (check(H5Aexists(loc, name), describe() + ": cannot look up attribute '" + name + "'") <= 0) {
            throw new H5Exception(describe() + ": no attribute '" + name + "'");
        }
        String what = describe() + ": cannot read attribute '" + name + "'";
        try (Hid attr = H5Lib.attr(H5Aopen(loc, name, H5P_DEFAULT), what);
             Hid type = H5Lib.type(H5Aget_type(attr.id()), what);
             Hid space = H5Lib.space(H5Aget_space(attr.id()), what)) {
            boolean scalar = H5Sget_simple_extent_ndims(space.id()) == 0;
            int n = Math.toIntExact(check(H5Sget_simple_extent_npoints(space.id()), what));
            int cls = H5Tget_class(type.id());
            Object values;
            if (cls == H5T_INTEGER) {
                long[] v = new long[n];
                try (LongPointer p = new LongPointer(Math.max(1, n))) {
                    check(H5Aread(attr.id(), H5Type.INT64.nativeId(), p), what);
                    p.get(v);
                }
                values = v;
            } else if (cls == H5T_FLOAT) {
                double[] v = new double[n];
                try (DoublePointer p = new DoublePointer(Math.max(1, n))) {
                    check(H5Aread(attr.id(), H5Type.FLOAT64.nativeId(), p), what);
                    p.get(v);
                }
                values = v;
            } else if (cls == H5T_ENUM && H5Lib.isBoolEnum(type.id())) {
                boolean[] v = new boolean[n];
                try (BytePointer p = new BytePointer(Math.max(1, n))) {
                    check(H5Aread(attr.id(), H5Lib.boolType(), p), what);
                    for (int i = 0; i < n; i++) v[i] = p.get(i) != 0;
                }
                values = v;
            } else if (cls == H5T_STRING) {
                values = H5Tis_variable_str(type.id()) > 0 ? readVariableStrings(attr, type, space, n, what)
                        : readFixedStrings(attr, type, n, what);
            } else {
                if (strict) throw new H5Exception(describe() + ": attribute '" + name + "' has an unsupported type (class " + cls + ")");
                return null;
            }
            return scalar ? scalar(values) : values;
        }
    }

    private static Object scalar(Object values) {
        return switch (values) {
            case long[] a -> a[0];
            case double[] a -> a[0];
            case String[] a -> a[0];
            case boolean[] a -> a[0];
            default -> throw new AssertionError(values);
        };
    }

    private static String[] readVariableStrings(Hid attr, Hid fileType, Hid space, int n, String what) throws H5Exception {
        String[] out = new String[n];
        try (Hid mem = H5Lib.type(H5Tcopy(H5T_C_S1_g()), what);
             PointerPointer<BytePointer> ptrs = new PointerPointer<>(Math.max(1, n))) {
            check(H5Tset_size(mem.id(), H5T_VARIABLE), what);
            check(H5Tset_cset(mem.id(), H5Tget_cset(fileType.id())), what);
            check(H5Aread(attr.id(), mem.id(), ptrs), what);
            for (int i = 0; i < n; i++) {
                BytePointer s = ptrs.get(BytePointer.class, i);
                out[i] = s == null || s.isNull() ? "" : s.getString(StandardCharsets.UTF_8);
            }
            H5Treclaim(mem.id(), space.id(), H5P_DEFAULT, ptrs);
        }
        return out;
    }

    private static String[] readFixedStrings(Hid attr, Hid fileType, int n, String what) throws H5Exception {
        int size = Math.toIntExact(H5Tget_size(fileType.id()));
        String[] out = new String[n];
        try (Hid mem = H5Lib.type(H5Tcopy(fileType.id()), what);
             BytePointer buf = new BytePointer((long) Math.max(1, n) * size)) {
            check(H5Aread(attr.id(), mem.id(), buf), what);
            byte[] all = new byte[n * size];
            buf.get(all);
            boolean spacePadded = H5Tget_strpad(fileType.id()) == H5T_STR_SPACEPAD;
            for (int i = 0; i < n; i++) out[i] = fixedString(all, i * size, size, spacePadded);
        }
        return out;
    }

    /** One fixed-length string: up to its first NUL, trailing spaces dropped when space-padded. */
    static String fixedString(byte[] all, int start, int size, boolean spacePadded) {
        int end = start;
        while (end < start + size && all[end] != 0) end++;
        while (spacePadded && end > start && all[end - 1] == ' ') end--;
        return new String(all, start, end - start, StandardCharsets.UTF_8);
    }
}
