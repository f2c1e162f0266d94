package org.slidestream.image;

/** Sample types of the images we read and write; the names are those OME-XML uses. */
public enum PixelType {
    UINT8(1, false, false, "uint8"),
    INT8(1, true, false, "int8"),
    UINT16(2, false, false, "uint16"),
    INT16(2, true, false, "int16"),
    UINT32(4, false, false, "uint32"),
    INT32(4, true, false, "int32"),
    FLOAT32(4, true, true, "float"),
    FLOAT64(8, true, true, "double");

    private final int bytes;
    private final boolean signed;
    private final boolean floating;
    private final String omeName;

    PixelType(int bytes, boolean signed, boolean floating, String omeName) {
        this.bytes = bytes;
        this.signed = signed;
        this.floating = floating;
        this.omeName = omeName;
    }

    public int bytes() { return bytes; }

    public int bits() { return bytes * 8; }

    public boolean isSigned() { return signed; }

    public boolean isFloat() { return floating; }

    /** The OME-XML {@code Pixels/@Type} value. */
    public String omeName() { return omeName; }

    /** Largest representable value, used as "white" background for unsigned brightfield data. */
    public double maxValue() {
        return switch (this) {
            case UINT8 -> 255;
            case INT8 -> 127;
            case UINT16 -> 65535;
            case INT16 -> 32767;
            case UINT32 -> 4294967295.0;
            case INT32 -> Integer.MAX_VALUE;
            case FLOAT32, FLOAT64 -> 1.0;
        };
    }

    public double minValue() {
        return switch (this) {
            case UINT8, UINT16, UINT32 -> 0;
            case INT8 -> -128;
            case INT16 -> -32768;
            case INT32 -> Integer.MIN_VALUE;
            case FLOAT32, FLOAT64 -> 0.0;
        };
    }

    /** Parses an OME-XML type name or an enum name, case-insensitively. */
    public static PixelType parse(String name) {
        for (PixelType t : values()) {
            if (t.omeName.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        if ("float32".equalsIgnoreCase(name)) return FLOAT32;
        if ("float64".equalsIgnoreCase(name)) return FLOAT64;
        throw new IllegalArgumentException("unknown pixel type: " + name);
    }
}
