package org.slidestream.format.npy;

import java.nio.ByteOrder;
import org.slidestream.image.PixelType;

/**
 * The element type of a {@code .npy} array: a NumPy type string such as {@code '<f4'},
 * {@code '|u1'} or {@code '>i8'} (byte order, kind, size in bytes). Only plain numbers and
 * booleans; structured, string, complex and object arrays are not supported.
 */
public record NpyDtype(Kind kind, int size, ByteOrder order) {

    /** What the bytes of one element mean. */
    public enum Kind {
        BOOL('b'), INT('i'), UINT('u'), FLOAT('f');

        final char code;

        Kind(char code) { this.code = code; }
    }

    public static final NpyDtype BOOL = new NpyDtype(Kind.BOOL, 1, ByteOrder.LITTLE_ENDIAN);
    public static final NpyDtype UINT8 = little(Kind.UINT, 1);
    public static final NpyDtype INT8 = little(Kind.INT, 1);
    public static final NpyDtype UINT16 = little(Kind.UINT, 2);
    public static final NpyDtype INT16 = little(Kind.INT, 2);
    public static final NpyDtype UINT32 = little(Kind.UINT, 4);
    public static final NpyDtype INT32 = little(Kind.INT, 4);
    public static final NpyDtype UINT64 = little(Kind.UINT, 8);
    public static final NpyDtype INT64 = little(Kind.INT, 8);
    public static final NpyDtype FLOAT32 = little(Kind.FLOAT, 4);
    public static final NpyDtype FLOAT64 = little(Kind.FLOAT, 8);

    public NpyDtype {
        boolean valid = switch (kind) {
            case BOOL -> size == 1;
            case INT, UINT -> size == 1 || size == 2 || size == 4 || size == 8;
            case FLOAT -> size == 4 || size == 8; // float16 has no Java type to read it into
        };
        if (!valid) throw new IllegalArgumentException("unsupported npy type " + kind + " of " + size + " bytes");
        // One-byte types have no byte order; normalise so that '|u1' and '<u1' are equal.
        if (size == 1) order = ByteOrder.LITTLE_ENDIAN;
    }

    private static NpyDtype little(Kind kind, int size) {
        return new NpyDtype(kind, size, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Parses a NumPy type string: an optional order ({@code <} little, {@code >} big, {@code |} not
     * applicable, {@code =} native), a kind ({@code b i u f}) and a size in bytes.
     *
     * @throws IllegalArgumentException for anything else (structured, strings, complex, float16)
     */
    public static NpyDtype parse(String descr) {
        String s = descr.strip();
        ByteOrder order = ByteOrder.nativeOrder();
        if (!s.isEmpty() && "<>|=".indexOf(s.charAt(0)) >= 0) {
            char o = s.charAt(0);
            order = o == '<' ? ByteOrder.LITTLE_ENDIAN : o == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.nativeOrder();
            s = s.substring(1);
        }
        if (s.length() < 2) throw new IllegalArgumentException("unsupported npy dtype '" + descr + "'");
        Kind kind = switch (s.charAt(0)) {
            case 'b', '?' -> Kind.BOOL;
            case 'i' -> Kind.INT;
            case 'u' -> Kind.UINT;
            case 'f' -> Kind.FLOAT;
            default -> throw new IllegalArgumentException("unsupported npy dtype '" + descr
                    + "' (only booleans, integers and float32/float64)");
        };
        int size;
        try {
            size = Integer.parseInt(s.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unsupported npy dtype '" + descr + "'");
        }
        return new NpyDtype(kind, size, order);
    }

    /** The type string NumPy writes for this type, e.g. {@code '<f4'} or {@code '|u1'}. */
    public String descr() {
        char o = size == 1 ? '|' : order == ByteOrder.LITTLE_ENDIAN ? '<' : '>';
        return "" + o + kind.code + size;
    }

    /** The same type stored in another byte order. */
    public NpyDtype withOrder(ByteOrder o) {
        return new NpyDtype(kind, size, o);
    }

    /** The matching image sample type; booleans read as UINT8 (0 or 1). */
    public PixelType pixelType() {
        return switch (kind) {
            case BOOL -> PixelType.UINT8;
            case INT -> switch (size) {
                case 1 -> PixelType.INT8;
                case 2 -> PixelType.INT16;
                case 4 -> PixelType.INT32;
                default -> throw new IllegalArgumentException("no image sample type for " + descr());
            };
            case UINT -> switch (size) {
                case 1 -> PixelType.UINT8;
                case 2 -> PixelType.UINT16;
                case 4 -> PixelType.UINT32;
                default -> throw new IllegalArgumentException("no image sample type for " + descr());
            };
            case FLOAT -> size == 4 ? PixelType.FLOAT32 : PixelType.FLOAT64;
        };
    }

    /** The little-endian type holding samples of an image type. */
    public static NpyDtype of(PixelType t) {
        return switch (t) {
            case UINT8 -> UINT8;
            case INT8 -> INT8;
            case UINT16 -> UINT16;
            case INT16 -> INT16;
            case UINT32 -> UINT32;
            case INT32 -> INT32;
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
        };
    }

    @Override
    public String toString() {
        return descr();
    }
}
