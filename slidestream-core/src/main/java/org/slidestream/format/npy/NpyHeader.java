package org.slidestream.format.npy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slidestream.format.FormatException;

/**
 * The header of a {@code .npy} file (NumPy format versions 1.0, 2.0 and 3.0): element type, memory
 * order, shape, and where the data starts.
 *
 * @param shape      dimensions, outermost first; empty for a scalar
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(NpyDtype dtype, boolean fortranOrder, long[] shape, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy aligns the data to 64 bytes so that it can be memory-mapped with any element type. */
    static final int ALIGN = 64;
    /** numpy refuses headers longer than this unless told otherwise; so do we. */
    private static final int MAX_HEADER = 1 << 20;

    public NpyHeader {
        shape = shape.clone();
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Bytes of element data the header announces. */
    public long dataLength() {
        return Math.multiplyExact(elementCount(), dtype.size());
    }

    /** Reads and checks the header at the start of a file. */
    static NpyHeader read(FileChannel ch, Path file) throws IOException {
        ByteBuffer pre = readFully(ch, 0, 12, file);
        byte[] magic = new byte[6];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new FormatException(file, "not a .npy file (no \\x93NUMPY magic)");
        int major = pre.get() & 0xFF;
        pre.get(); // minor version: no differences that matter for reading
        pre.order(ByteOrder.LITTLE_ENDIAN);
        long len;
        int prefix;
        switch (major) {
            case 1 -> { len = pre.getShort(8) & 0xFFFF; prefix = 10; }
            case 2, 3 -> { len = pre.getInt(8) & 0xFFFFFFFFL; prefix = 12; }
            default -> throw new FormatException(file, "unsupported .npy format version " + major);
        }
        if (len > MAX_HEADER) throw new FormatException(file, ".npy header of " + len + " bytes is implausibly long");
        ByteBuffer text = readFully(ch, prefix, (int) len, file);
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        try {
            return fromDict(PyLiteral.parse(dict), prefix + len);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, "bad .npy header: " + e.getMessage(), e);
        }
    }

    private static NpyHeader fromDict(Object parsed, long dataOffset) {
        if (!(parsed instanceof Map<?, ?> m)) throw new IllegalArgumentException("header is not a dict");
        if (!(m.get("descr") instanceof String descr)) {
            throw new IllegalArgumentException("'descr' is not a simple type string (structured arrays are not supported)");
        }
        if (!(m.get("fortran_order") instanceof Boolean fortran)) throw new IllegalArgumentException("'fortran_order' missing");
        if (!(m.get("shape") instanceof List<?> dims)) throw new IllegalArgumentException("'shape' missing");
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d)) throw new IllegalArgumentException("'shape' holds a non-integer");
            shape[i] = d;
        }
        return new NpyHeader(NpyDtype.parse(descr), fortran, shape, dataOffset);
    }

    /** The header's Python dict, as numpy writes it. */
    static String dict(NpyDtype dtype, boolean fortranOrder, long[] shape) {
        StringBuilder b = new StringBuilder("{'descr': '").append(dtype.descr())
                .append("', 'fortran_order': ").append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(", ");
            b.append(shape[i]);
        }
        if (shape.length == 1) b.append(',');
        return b.append("), }").toString();
    }

    /**
     * The complete header bytes (magic to the newline before the data), padded with spaces to
     * {@code totalLength}, or to the next multiple of 64 when {@code totalLength} is 0.
     * Version 1.0 when its 16-bit length field suffices, else 2.0.
     */
    static byte[] encode(NpyDtype dtype, boolean fortranOrder, long[] shape, int totalLength) {
        byte[] dict = dict(dtype, fortranOrder, shape).getBytes(StandardCharsets.ISO_8859_1);
        int total = totalLength;
        if (total == 0) {
            total = roundUp(10 + dict.length + 1);
            if (total - 10 > 0xFFFF) total = roundUp(12 + dict.length + 1);
        }
        int prefix = total - 10 <= 0xFFFF ? 10 : 12;
        if (prefix + dict.length + 1 > total) {
            throw new IllegalStateException("header " + new String(dict, StandardCharsets.ISO_8859_1)
                    + " does not fit in " + total + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
        if (prefix == 10) out.putShort((short) (total - 10));
        else out.putInt(total - 12);
        out.put(dict);
        while (out.position() < total - 1) out.put((byte) ' ');
        out.put((byte) '\n');
        return out.array();
    }

    private static int roundUp(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int len, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            int k = ch.read(b, pos + b.position());
            if (k < 0) {
                throw new FormatException(file, "truncated .npy header", new EOFException());
            }
        }
        return b.flip();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.dtype.equals(dtype) && h.fortranOrder == fortranOrder
                && Arrays.equals(h.shape, shape) && h.dataOffset == dataOffset;
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "NpyHeader[" + dtype.descr() + (fortranOrder ? " fortran" : "") + " shape=" + Arrays.toString(shape)
                + " data@" + dataOffset + "]";
    }
}
