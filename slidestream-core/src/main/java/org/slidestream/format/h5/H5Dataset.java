package org.slidestream.format.h5;

import static org.bytedeco.hdf5.global.hdf5.*;
import static org.slidestream.format.h5.H5Lib.check;
import static org.slidestream.format.h5.H5Lib.locked;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.slidestream.format.h5.H5Lib.Hid;

/**
 * A dataset of numbers in an {@link H5File}. Rows are indices of the first dimension; arrays passed
 * in or out hold whole rows in C order. Writing past the end of an extendable dataset grows it.
 * Writes and reads go through native buffers of at most 8 MiB, so memory does not grow with the
 * dataset.
 */
public final class H5Dataset extends H5Node implements AutoCloseable {
    private static final long PIECE_BYTES = 8L << 20;

    private final H5File file;
    private final String name;
    private final H5Type type;
    /** Bytes per string of a fixed-length string dataset (numpy's {@code S} dtype), 0 otherwise. */
    private int fixedStringSize;
    private boolean spacePadded;
    private final long[] maxDims;
    private long[] dims;
    private long did;
    private boolean closed;

    H5Dataset(H5File file, String name, long did, H5Type type, long[] dims, long[] maxDims) {
        this.file = file;
        this.name = name;
        this.did = did;
        this.type = type;
        this.dims = dims.clone();
        this.maxDims = maxDims.clone();
    }

    /** Wraps an opened dataset id, reading its type and shape (lock held). */
    static H5Dataset opened(H5File file, String name, long did) throws H5Exception {
        String what = file.target() + ": cannot read dataset '" + name + "'";
        H5Type type;
        int fixed = 0;
        boolean spacePad = false;
        try (Hid t = H5Lib.type(H5Dget_type(did), what)) {
            type = typeOf(t.id());
            if (type == null) {
                throw new H5Exception(file.target() + ": dataset '" + name + "' is not of a type we read (numbers, booleans, strings)");
            }
            if (type == H5Type.STRING && H5Tis_variable_str(t.id()) <= 0) {
                fixed = Math.toIntExact(H5Tget_size(t.id()));
                spacePad = H5Tget_strpad(t.id()) == H5T_STR_SPACEPAD;
            }
        }
        try (Hid space = H5Lib.space(H5Dget_space(did), what)) {
            int rank = H5Sget_simple_extent_ndims(space.id());
            long[] d = new long[rank];
            long[] m = new long[rank];
            check(H5Sget_simple_extent_dims(space.id(), d, m), what);
            H5Dataset ds = new H5Dataset(file, name, did, type, d, m);
            ds.fixedStringSize = fixed;
            ds.spacePadded = spacePad;
            return ds;
        }
    }

    /** Our type of an HDF5 type, or null when we do not read it (lock held). */
    static H5Type typeOf(long t) {
        int cls = H5Tget_class(t);
        int size = (int) H5Tget_size(t);
        return switch (cls) {
            case H5T_INTEGER -> H5Type.of(false, size, H5Tget_sign(t) != H5T_SGN_NONE);
            case H5T_FLOAT -> H5Type.of(true, size, true);
            case H5T_STRING -> H5Type.STRING;
            case H5T_ENUM -> H5Lib.isBoolEnum(t) ? H5Type.BOOL : null;
            default -> null;
        };
    }

    public String name() { return name; }

    public H5Type type() { return type; }

    /** Current shape, outermost first. */
    public long[] shape() throws H5Exception {
        return locked(() -> dims.clone());
    }

    /** Largest shape; the first dimension is -1 when unlimited (extendable). */
    public long[] maxShape() {
        long[] m = maxDims.clone();
        if (extendable()) m[0] = -1;
        return m;
    }

    public boolean extendable() {
        return maxDims.length > 0 && maxDims[0] == H5S_UNLIMITED || maxDims[0] == -1L;
    }

    /** Length of the first dimension. */
    public long rows() throws H5Exception {
        ensureRows();
        return locked(() -> dims[0]);
    }

    /** True for a scalar (rank 0) dataset, which holds one value and no rows. */
    public boolean isScalar() {
        return dims.length == 0;
    }

    private void ensureRows() {
        if (isScalar()) throw new IllegalStateException(describe() + " is a scalar, not rows");
    }

    /** The value of a scalar dataset: {@code Long}, {@code Double}, {@code Boolean} or {@code String}. */
    public Object readScalar() throws H5Exception {
        if (!isScalar()) throw new H5Exception(describe() + " has " + dims.length + " dimensions, not a scalar");
        return locked(() -> {
            ensureOpen();
            String what = describe() + ": cannot read";
            H5Type mem = type.isNumeric() ? (type.isFloat() ? H5Type.FLOAT64 : H5Type.INT64) : type;
            if (mem == H5Type.STRING) {
                String[] out = new String[1];
                readStrings(0, 1, out, 0, 1);
                return out[0];
            }
            try (Pointer buf = allocateNative(mem, 1)) {
                check(H5Dread(did, mem.nativeId(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), what);
                Object a = mem.allocate(1);
                fromNative(buf, a, 0, 1);
                return switch (a) {
                    case long[] l -> (Object) l[0];
                    case double[] v -> v[0];
                    case boolean[] b -> b[0];
                    default -> throw new AssertionError(a);
                };
            }
        });
    }

    /** Writes the value of a scalar dataset (lock held by the file's create call). */
    void writeScalar(Object value) throws H5Exception {
        String what = describe() + ": cannot write";
        if (value instanceof String v) {
            BytePointer s = new BytePointer(v, StandardCharsets.UTF_8);
            try (PointerPointer<BytePointer> p = new PointerPointer<>(1)) {
                p.put(0, s);
                check(H5Dwrite(did, H5Type.STRING.nativeId(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p), what);
            } finally {
                s.close();
            }
            return;
        }
        Object a = switch (value) {
            case Boolean b -> new boolean[] {b};
            case Double d -> new double[] {d};
            case Float f -> new double[] {f};
            case Number n -> new long[] {n.longValue()};
            default -> throw new IllegalArgumentException("not a scalar value: " + value);
        };
        H5Type mem = H5Type.forArray(a, type);
        try (Pointer buf = toNative(a, 0, 1, mem)) {
            check(H5Dwrite(did, mem.nativeId(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), what);
        }
    }

    private long rowElements() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) n *= dims[i];
        return n;
    }

    @Override
    long locationId() {
        ensureOpen();
        return did;
    }

    @Override
    String describe() {
        return file.target() + ":/" + name;
    }

    /** Appends whole rows after the last row (see {@link #write}). */
    public void append(Object array) throws H5Exception {
        locked(() -> write(dims[0], array));
    }

    /**
     * Writes whole rows from a {@code byte[]}, {@code short[]}, {@code int[]}, {@code long[]},
     * {@code float[]} or {@code double[]} starting at row {@code firstRow}. Values are converted to
     * the dataset's type by the library (an integer array of the dataset's width is copied bit for
     * bit). An extendable dataset grows to hold them; a fixed one must already.
     */
    public void write(long firstRow, Object array) throws H5Exception {
        ensureRows();
        locked(() -> {
            ensureOpen();
            file.ensureWritable();
            H5Type mem = H5Type.forArray(array, type);
            long n = java.lang.reflect.Array.getLength(array);
            long per = rowElements();
            if (per == 0 ? n != 0 : n % per != 0) {
                throw new IllegalArgumentException(n + " values are not whole rows of " + per + " for " + describe()
                        + " of shape " + Arrays.toString(dims));
            }
            long rows = per == 0 ? 0 : n / per;
            if (firstRow < 0) throw new IndexOutOfBoundsException("negative row " + firstRow);
            if (firstRow + rows > dims[0]) {
                if (!extendable()) {
                    throw new IndexOutOfBoundsException("rows " + firstRow + ".." + (firstRow + rows - 1) + " beyond the "
                            + dims[0] + " rows of fixed-size " + describe());
                }
                resize(firstRow + rows);
            }
            long piece = Math.max(1, PIECE_BYTES / Math.max(1, per * mem.size()));
            for (long r = 0; r < rows; r += piece) {
                long k = Math.min(piece, rows - r);
                if (array instanceof String[] strings) {
                    writeStrings(firstRow + r, k, strings, (int) (r * per), (int) (k * per));
                    continue;
                }
                try (Pointer buf = toNative(array, (int) (r * per), (int) (k * per), mem)) {
                    transfer(firstRow + r, k, mem, buf, true);
                }
            }
        });
    }

    /** Strings as UTF-8 through an array of pointers, each freed after the write. */
    private void writeStrings(long firstRow, long rows, String[] values, int from, int n) throws H5Exception {
        BytePointer[] held = new BytePointer[n];
        try (PointerPointer<BytePointer> ptrs = new PointerPointer<>(Math.max(1, n))) {
            for (int i = 0; i < n; i++) {
                String v = values[from + i];
                held[i] = new BytePointer(v == null ? "" : v, StandardCharsets.UTF_8);
                ptrs.put(i, held[i]);
            }
            transfer(firstRow, rows, H5Type.STRING, ptrs, true);
        } finally {
            for (BytePointer b : held) if (b != null) b.close();
        }
    }

    /** Sets the number of rows of an extendable dataset (growing or shrinking it). */
    public void setRows(long rows) throws H5Exception {
        locked(() -> {
            ensureOpen();
            file.ensureWritable();
            if (!extendable()) throw new IllegalStateException(describe() + " is not extendable");
            resize(rows);
        });
    }

    private void resize(long rows) throws H5Exception {
        long[] d = dims.clone();
        d[0] = rows;
        check(H5Dset_extent(did, d), describe() + ": cannot resize to " + rows + " rows");
        dims = d;
    }

    /** Rows {@code firstRow .. firstRow + rows - 1} in the Java array that holds the dataset's type. */
    public Object read(long firstRow, int rows) throws H5Exception {
        return read(firstRow, rows, type);
    }

    /** Rows as {@code long} (integer types converted; floats are truncated by the library). */
    public long[] readLongs(long firstRow, int rows) throws H5Exception {
        return (long[]) read(firstRow, rows, numeric(H5Type.INT64));
    }

    /** Rows as {@code int} (integer types converted, values beyond int clamped by the library). */
    public int[] readInts(long firstRow, int rows) throws H5Exception {
        return (int[]) read(firstRow, rows, numeric(H5Type.INT32));
    }

    /** Rows as {@code float}. */
    public float[] readFloats(long firstRow, int rows) throws H5Exception {
        return (float[]) read(firstRow, rows, numeric(H5Type.FLOAT32));
    }

    /** Rows as {@code double}. */
    public double[] readDoubles(long firstRow, int rows) throws H5Exception {
        return (double[]) read(firstRow, rows, numeric(H5Type.FLOAT64));
    }

    /** Rows of a string dataset (variable- or fixed-length). */
    public String[] readStrings(long firstRow, int rows) throws H5Exception {
        if (type != H5Type.STRING) throw new H5Exception(describe() + " holds " + type + ", not strings");
        return (String[]) read(firstRow, rows, H5Type.STRING);
    }

    /** Rows of a boolean dataset. */
    public boolean[] readBooleans(long firstRow, int rows) throws H5Exception {
        if (type != H5Type.BOOL) throw new H5Exception(describe() + " holds " + type + ", not booleans");
        return (boolean[]) read(firstRow, rows, H5Type.BOOL);
    }

    private H5Type numeric(H5Type mem) throws H5Exception {
        if (!type.isNumeric()) throw new H5Exception(describe() + " holds " + type + ", not numbers");
        return mem;
    }

    private Object read(long firstRow, int rows, H5Type mem) throws H5Exception {
        ensureRows();
        return locked(() -> {
            ensureOpen();
            if (firstRow < 0 || rows < 0 || firstRow + rows > dims[0]) {
                throw new IndexOutOfBoundsException("rows " + firstRow + "+" + rows + " outside the " + dims[0] + " rows of " + describe());
            }
            long per = rowElements();
            long total = per * rows;
            if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(total + " values do not fit one Java array; read fewer rows");
            Object out = mem.allocate((int) total);
            long piece = Math.max(1, PIECE_BYTES / Math.max(1, per * mem.size()));
            for (long r = 0; r < rows; r += piece) {
                long k = Math.min(piece, rows - r);
                if (mem == H5Type.STRING) {
                    readStrings(firstRow + r, k, (String[]) out, (int) (r * per), (int) (k * per));
                    continue;
                }
                try (Pointer buf = allocateNative(mem, k * per)) {
                    transfer(firstRow + r, k, mem, buf, false);
                    fromNative(buf, out, (int) (r * per), (int) (k * per));
                }
            }
            return out;
        });
    }

    private void readStrings(long firstRow, long rows, String[] out, int from, int n) throws H5Exception {
        String what = describe() + ": cannot read strings";
        if (fixedStringSize > 0) {
            try (Hid t = H5Lib.type(H5Dget_type(did), what);
                 BytePointer buf = new BytePointer((long) Math.max(1, n) * fixedStringSize)) {
                transfer(firstRow, rows, t.id(), buf, false);
                byte[] all = new byte[n * fixedStringSize];
                buf.get(all);
                for (int i = 0; i < n; i++) out[from + i] = H5Node.fixedString(all, i * fixedStringSize, fixedStringSize, spacePadded);
            }
            return;
        }
        try (Hid fileType = H5Lib.type(H5Dget_type(did), what);
             Hid memType = H5Lib.type(H5Tcopy(H5T_C_S1_g()), what);
             PointerPointer<BytePointer> ptrs = new PointerPointer<>(Math.max(1, n))) {
            check(H5Tset_size(memType.id(), H5T_VARIABLE), what);
            check(H5Tset_cset(memType.id(), H5Tget_cset(fileType.id())), what);
            long[] count = dims.clone();
            if (!isScalar()) count[0] = rows;
            transfer(firstRow, rows, memType.id(), ptrs, false);
            for (int i = 0; i < n; i++) {
                BytePointer p = ptrs.get(BytePointer.class, i);
                out[from + i] = p == null || p.isNull() ? "" : p.getString(StandardCharsets.UTF_8);
            }
            try (Hid space = H5Lib.space(isScalar() ? H5Screate(H5S_SCALAR) : H5Screate_simple(count.length, count, (long[]) null), what)) {
                H5Treclaim(memType.id(), space.id(), H5P_DEFAULT, ptrs);
            }
        }
    }

    /** Writes or reads {@code rows} rows at {@code firstRow} through a hyperslab. */
    private void transfer(long firstRow, long rows, H5Type mem, Pointer buf, boolean write) throws H5Exception {
        transfer(firstRow, rows, mem.nativeId(), buf, write);
    }

    private void transfer(long firstRow, long rows, long memType, Pointer buf, boolean write) throws H5Exception {
        if (isScalar()) {
            String what = describe() + ": cannot " + (write ? "write" : "read");
            check(write ? H5Dwrite(did, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf)
                    : H5Dread(did, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), what);
            return;
        }
        if (rows == 0 || rowElements() == 0) return;
        String what = describe() + ": cannot " + (write ? "write" : "read") + " rows " + firstRow + ".." + (firstRow + rows - 1);
        long[] start = new long[dims.length];
        long[] count = dims.clone();
        start[0] = firstRow;
        count[0] = rows;
        try (Hid fileSpace = H5Lib.space(H5Dget_space(did), what);
             Hid memSpace = H5Lib.space(H5Screate_simple(count.length, count, (long[]) null), what)) {
            check(H5Sselect_hyperslab(fileSpace.id(), H5S_SELECT_SET, start, null, count, (long[]) null), what);
            int rc = write ? H5Dwrite(did, memType, memSpace.id(), fileSpace.id(), H5P_DEFAULT, buf)
                    : H5Dread(did, memType, memSpace.id(), fileSpace.id(), H5P_DEFAULT, buf);
            check(rc, what);
        }
    }

    private static Pointer allocateNative(H5Type t, long n) {
        long len = Math.max(1, n);
        return switch (t.size()) {
            case 1 -> new BytePointer(len);
            case 2 -> new ShortPointer(len);
            case 4 -> t.isFloat() ? new FloatPointer(len) : new IntPointer(len);
            default -> t.isFloat() ? new DoublePointer(len) : new LongPointer(len);
        };
    }

    private static Pointer toNative(Object array, int from, int n, H5Type mem) {
        Pointer p = allocateNative(mem, n);
        switch (array) {
            case boolean[] a -> {
                BytePointer b = (BytePointer) p;
                for (int i = 0; i < n; i++) b.put(i, a[from + i] ? (byte) 1 : 0);
            }
            case byte[] a -> ((BytePointer) p).put(a, from, n);
            case short[] a -> ((ShortPointer) p).put(a, from, n);
            case int[] a -> ((IntPointer) p).put(a, from, n);
            case long[] a -> ((LongPointer) p).put(a, from, n);
            case float[] a -> ((FloatPointer) p).put(a, from, n);
            case double[] a -> ((DoublePointer) p).put(a, from, n);
            default -> throw new AssertionError(array);
        }
        return p;
    }

    private static void fromNative(Pointer p, Object array, int from, int n) {
        switch (array) {
            case boolean[] a -> {
                BytePointer b = (BytePointer) p;
                for (int i = 0; i < n; i++) a[from + i] = b.get(i) != 0;
            }
            case byte[] a -> ((BytePointer) p).get(a, from, n);
            case short[] a -> ((ShortPointer) p).get(a, from, n);
            case int[] a -> ((IntPointer) p).get(a, from, n);
            case long[] a -> ((LongPointer) p).get(a, from, n);
            case float[] a -> ((FloatPointer) p).get(a, from, n);
            case double[] a -> ((DoublePointer) p).get(a, from, n);
            default -> throw new AssertionError(array);
        }
    }

    /** Closes the dataset (the file closes its open datasets itself). */
    @Override
    public void close() throws H5Exception {
        locked(() -> {
            if (closed) return;
            closed = true;
            file.forget(this);
            long id = did;
            did = -1;
            check(H5Dclose(id), describe() + ": cannot close dataset");
        });
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("dataset " + describe() + " is closed");
    }

    @Override
    public String toString() {
        return "H5Dataset[" + describe() + " " + type + " " + Arrays.toString(dims) + "]";
    }
}
