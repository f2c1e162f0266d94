package org.slidestream.format.npy;

import java.nio.ByteBuffer;

/** Copies between Java primitive arrays and byte buffers, whose order says the byte order. */
final class Samples {
    private Samples() {}

    /** Element count of a primitive array, or -1 when it is not one we handle. */
    static int length(Object array) {
        return switch (array) {
            case byte[] a -> a.length;
            case short[] a -> a.length;
            case int[] a -> a.length;
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            default -> -1;
        };
    }

    /** Whether a Java array type can hold elements of {@code t} bit for bit. */
    static boolean holds(Object array, NpyDtype t) {
        boolean isFloat = t.kind() == NpyDtype.Kind.FLOAT;
        return switch (array) {
            case byte[] a -> t.size() == 1;
            case short[] a -> t.size() == 2 && !isFloat;
            case int[] a -> t.size() == 4 && !isFloat;
            case long[] a -> t.size() == 8 && !isFloat;
            case float[] a -> t.size() == 4 && isFloat;
            case double[] a -> t.size() == 8 && isFloat;
            default -> false;
        };
    }

    /** Java array type that holds {@code t} bit for bit. */
    static Object allocate(NpyDtype t, int n) {
        boolean isFloat = t.kind() == NpyDtype.Kind.FLOAT;
        return switch (t.size()) {
            case 1 -> new byte[n];
            case 2 -> new short[n];
            case 4 -> isFloat ? new float[n] : new int[n];
            default -> isFloat ? new double[n] : new long[n];
        };
    }

    /** Puts {@code n} elements from {@code array[from..]} into {@code dst} at its position. */
    static void put(Object array, int from, int n, ByteBuffer dst) {
        switch (array) {
            case byte[] a -> dst.put(a, from, n);
            case short[] a -> { dst.asShortBuffer().put(a, from, n); skip(dst, n * 2); }
            case int[] a -> { dst.asIntBuffer().put(a, from, n); skip(dst, n * 4); }
            case long[] a -> { dst.asLongBuffer().put(a, from, n); skip(dst, n * 8); }
            case float[] a -> { dst.asFloatBuffer().put(a, from, n); skip(dst, n * 4); }
            case double[] a -> { dst.asDoubleBuffer().put(a, from, n); skip(dst, n * 8); }
            default -> throw new IllegalArgumentException("not a primitive array: " + array.getClass());
        }
    }

    /** Gets {@code n} elements from {@code src} at its position into {@code array[from..]}. */
    static void get(ByteBuffer src, Object array, int from, int n) {
        switch (array) {
            case byte[] a -> src.get(a, from, n);
            case short[] a -> { src.asShortBuffer().get(a, from, n); skip(src, n * 2); }
            case int[] a -> { src.asIntBuffer().get(a, from, n); skip(src, n * 4); }
            case long[] a -> { src.asLongBuffer().get(a, from, n); skip(src, n * 8); }
            case float[] a -> { src.asFloatBuffer().get(a, from, n); skip(src, n * 4); }
            case double[] a -> { src.asDoubleBuffer().get(a, from, n); skip(src, n * 8); }
            default -> throw new IllegalArgumentException("not a primitive array: " + array.getClass());
        }
    }

    /** Element {@code i} of a buffer holding type {@code t}, as a float. */
    static float getFloat(ByteBuffer b, int byteIndex, NpyDtype t) {
        return switch (t.kind()) {
            case FLOAT -> t.size() == 4 ? b.getFloat(byteIndex) : (float) b.getDouble(byteIndex);
            case BOOL, UINT -> switch (t.size()) {
                case 1 -> b.get(byteIndex) & 0xFF;
                case 2 -> b.getShort(byteIndex) & 0xFFFF;
                case 4 -> b.getInt(byteIndex) & 0xFFFFFFFFL;
                default -> unsigned(b.getLong(byteIndex));
            };
            case INT -> switch (t.size()) {
                case 1 -> b.get(byteIndex);
                case 2 -> b.getShort(byteIndex);
                case 4 -> b.getInt(byteIndex);
                default -> b.getLong(byteIndex);
            };
        };
    }

    private static float unsigned(long v) {
        return v >= 0 ? v : (float) ((v >>> 1) * 2.0 + (v & 1));
    }

    private static void skip(ByteBuffer b, int bytes) {
        b.position(b.position() + bytes);
    }
}
