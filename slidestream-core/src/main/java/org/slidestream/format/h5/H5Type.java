package org.slidestream.format.h5;

import static org.bytedeco.hdf5.global.hdf5.*;

import java.util.function.LongSupplier;

/**
 * Element types of the datasets we write and read, with the Java array that holds each bit for
 * bit: {@code byte[]} for 8-bit, {@code short[]} for 16-bit, {@code int[]} / {@code float[]} for
 * 32-bit, {@code long[]} / {@code double[]} for 64-bit. Unsigned types use the signed Java type of
 * the same width (as {@code Raster} does). {@link #BOOL} is h5py's boolean (an 8-bit enum of
 * {@code FALSE}, {@code TRUE}; Java {@code boolean[]}); {@link #STRING} is a variable-length UTF-8
 * string, h5py's {@code str} (Java {@code String[]}; fixed-length strings read as it too).
 */
public enum H5Type {
    INT8(1, true, false, () -> H5T_NATIVE_INT8_g()),
    UINT8(1, false, false, () -> H5T_NATIVE_UINT8_g()),
    INT16(2, true, false, () -> H5T_NATIVE_INT16_g()),
    UINT16(2, false, false, () -> H5T_NATIVE_UINT16_g()),
    INT32(4, true, false, () -> H5T_NATIVE_INT32_g()),
    UINT32(4, false, false, () -> H5T_NATIVE_UINT32_g()),
    INT64(8, true, false, () -> H5T_NATIVE_INT64_g()),
    UINT64(8, false, false, () -> H5T_NATIVE_UINT64_g()),
    FLOAT32(4, true, true, () -> H5T_NATIVE_FLOAT_g()),
    FLOAT64(8, true, true, () -> H5T_NATIVE_DOUBLE_g()),
    BOOL(1, false, false, H5Lib::boolType),
    STRING(8, false, false, H5Lib::utf8Type);

    private final int size;
    private final boolean signed;
    private final boolean floating;
    // The *_g() accessors read the library's globals, valid only after H5open(): ask each time.
    private final LongSupplier nativeId;

    H5Type(int size, boolean signed, boolean floating, LongSupplier nativeId) {
        this.size = size;
        this.signed = signed;
        this.floating = floating;
        this.nativeId = nativeId;
    }

    /** Bytes per element. */
    public int size() { return size; }

    public boolean isFloat() { return floating; }

    public boolean isSigned() { return signed; }

    /** A number type (neither {@link #BOOL} nor {@link #STRING}). */
    public boolean isNumeric() { return this != BOOL && this != STRING; }

    /** The library's native type id (call with the library lock held). */
    long nativeId() { return nativeId.getAsLong(); }

    /** The integer type of a size and signedness, or the float type of a size. */
    static H5Type of(boolean floating, int size, boolean signed) {
        for (H5Type t : values()) {
            if (t.isNumeric() && t.floating == floating && t.size == size && (floating || t.signed == signed)) return t;
        }
        return null;
    }

    /** The Java array type that holds this type, for {@code n} elements. */
    Object allocate(int n) {
        if (this == BOOL) return new boolean[n];
        if (this == STRING) return new String[n];
        return switch (size) {
            case 1 -> new byte[n];
            case 2 -> new short[n];
            case 4 -> floating ? new float[n] : new int[n];
            default -> floating ? new double[n] : new long[n];
        };
    }

    /**
     * The memory type to exchange a Java array with a dataset of type {@code file}: integer arrays
     * of the dataset's width take its signedness (so that a {@code byte[]} into a UINT8 dataset is
     * copied bit for bit, not clamped at 0); anything else is converted by the library.
     */
    static H5Type forArray(Object array, H5Type file) {
        H5Type own = switch (array) {
            case byte[] a -> INT8;
            case short[] a -> INT16;
            case int[] a -> INT32;
            case long[] a -> INT64;
            case float[] a -> FLOAT32;
            case double[] a -> FLOAT64;
            case boolean[] a -> BOOL;
            case String[] a -> STRING;
            case null, default -> throw new IllegalArgumentException("not a primitive numeric, boolean or String array: "
                    + (array == null ? "null" : array.getClass().getSimpleName()));
        };
        if (own.isNumeric() != file.isNumeric() || (!own.isNumeric() && own != file)) {
            throw new IllegalArgumentException("a " + array.getClass().getSimpleName() + " cannot be stored in a dataset of " + file);
        }
        if (own.isNumeric() && !own.floating && !file.floating && own.size == file.size) return file;
        return own;
    }
}
