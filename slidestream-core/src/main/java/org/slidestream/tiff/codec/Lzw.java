package org.slidestream.tiff.codec;

import java.util.Arrays;

/**
 * Compression 5: LZW as TIFF 6.0 specifies it (section 13): codes of 9 to 12 bits, most significant
 * bit first, Clear = 256, EndOfInformation = 257, and the "early change" rule (the code width grows
 * one code before the table needs it), as libtiff reads and writes it.
 */
final class Lzw implements ByteCodec {
    static final Lzw INSTANCE = new Lzw();

    private static final int CLEAR = 256;
    private static final int EOI = 257;
    private static final int FIRST = 258;
    private static final int MAX_CODES = 4096;

    @Override public Compression compression() { return Compression.LZW; }

    @Override
    public byte[] decode(byte[] src, int expectedLength) {
        if (src.length >= 2 && src[0] == 0 && (src[1] & 1) != 0) {
            throw new CodecException("old-style (pre-TIFF 6.0) LZW is not supported");
        }
        byte[] out = new byte[expectedLength];
        // Each table entry: the code of its prefix, its last byte, its first byte and its length.
        int[] prefix = new int[MAX_CODES];
        byte[] suffix = new byte[MAX_CODES];
        byte[] first = new byte[MAX_CODES];
        int[] length = new int[MAX_CODES];
        for (int i = 0; i < 256; i++) {
            suffix[i] = (byte) i;
            first[i] = (byte) i;
            length[i] = 1;
        }
        int next = FIRST, width = 9, old = -1, o = 0;
        long bitBuf = 0;
        int bitCount = 0, pos = 0;
        while (o < expectedLength) {
            while (bitCount < width) {
                if (pos >= src.length) {
                    return out; // ran out of data without EOI: keep what was decoded
                }
                bitBuf = (bitBuf << 8) | (src[pos++] & 0xFF);
                bitCount += 8;
            }
            int code = (int) (bitBuf >>> (bitCount - width)) & ((1 << width) - 1);
            bitCount -= width;
            if (code == EOI) {
                break;
            }
            if (code == CLEAR) {
                next = FIRST;
                width = 9;
                old = -1;
                continue;
            }
            if (old == -1) {
                if (code > 255) throw new CodecException("LZW data starts with code " + code + " after a Clear");
                out[o++] = (byte) code;
                old = code;
                continue;
            }
            int entry;
            if (code < next) {
                entry = code;
                if (next < MAX_CODES) addEntry(prefix, suffix, first, length, next++, old, first[code]);
            } else if (code == next && next < MAX_CODES) {
                addEntry(prefix, suffix, first, length, next++, old, first[old]);
                entry = code;
            } else {
                throw new CodecException("corrupt LZW data: code " + code + " beyond table size " + next);
            }
            o = emit(prefix, suffix, length, entry, out, o);
            old = code;
            if (next >= (1 << width) - 1 && width < 12) {
                width++;
            }
        }
        return out;
    }

    private static void addEntry(int[] prefix, byte[] suffix, byte[] first, int[] length, int code, int pre, byte last) {
        prefix[code] = pre;
        suffix[code] = last;
        first[code] = first[pre];
        length[code] = length[pre] + 1;
    }

    /** Writes the string of {@code code} at {@code o}, cut at the end of {@code out}. */
    private static int emit(int[] prefix, byte[] suffix, int[] length, int code, byte[] out, int o) {
        int len = length[code];
        int end = o + len;
        int c = code;
        for (int i = end - 1; i >= o; i--) {
            if (i < out.length) out[i] = suffix[c];
            c = prefix[c];
        }
        return Math.min(end, out.length);
    }

    @Override
    public byte[] encode(byte[] src, int level) {
        BitWriter w = new BitWriter(src.length / 2 + 16);
        // Dictionary: open-addressing hash of (prefix code << 8 | byte) -> code.
        int tableSize = 1 << 13;
        int[] keys = new int[tableSize];
        short[] codes = new short[tableSize];
        Arrays.fill(keys, -1);
        int next = FIRST, width = 9;
        w.write(CLEAR, width);
        if (src.length == 0) {
            w.write(EOI, width);
            return w.toByteArray();
        }
        int ent = src[0] & 0xFF;
        for (int i = 1; i < src.length; i++) {
            int c = src[i] & 0xFF;
            int key = (ent << 8) | c;
            int h = hash(key, tableSize);
            while (keys[h] != -1 && keys[h] != key) h = (h + 1) & (tableSize - 1);
            if (keys[h] == key) {
                ent = codes[h];
                continue;
            }
            w.write(ent, width);
            keys[h] = key;
            codes[h] = (short) next++;
            ent = c;
            if (next == MAX_CODES - 1) {
                w.write(CLEAR, width);
                Arrays.fill(keys, -1);
                next = FIRST;
                width = 9;
            } else if (next > (1 << width) - 1) {
                width++;
            }
        }
        w.write(ent, width);
        next++;
        if (next != MAX_CODES - 1 && next > (1 << width) - 1) {
            width++;
        }
        w.write(EOI, width);
        return w.toByteArray();
    }

    private static int hash(int key, int size) {
        int h = key * 0x9E3779B1;
        return (h ^ (h >>> 15)) & (size - 1);
    }

    /** Most-significant-bit-first code writer. */
    private static final class BitWriter {
        private byte[] buf;
        private int len;
        private long acc;
        private int bits;

        BitWriter(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void write(int code, int width) {
            acc = (acc << width) | code;
            bits += width;
            while (bits >= 8) {
                if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
                buf[len++] = (byte) (acc >>> (bits - 8));
                bits -= 8;
            }
        }

        byte[] toByteArray() {
            if (bits > 0) {
                if (len == buf.length) buf = Arrays.copyOf(buf, buf.length + 1);
                buf[len++] = (byte) (acc << (8 - bits));
                bits = 0;
            }
            return Arrays.copyOf(buf, len);
        }
    }
}
