package org.slidestream.tiff.codec;

import java.io.ByteArrayOutputStream;

/** Compression 32773: Macintosh PackBits run-length coding (TIFF 6.0, section 9). */
final class PackBits implements ByteCodec {
    static final PackBits INSTANCE = new PackBits();

    @Override public Compression compression() { return Compression.PACKBITS; }

    @Override public byte[] decode(byte[] src, int expectedLength) {
        byte[] out = new byte[expectedLength];
        int i = 0, o = 0;
        while (i < src.length && o < expectedLength) {
            int n = src[i++];
            if (n >= 0) {
                int len = Math.min(n + 1, Math.min(expectedLength - o, src.length - i));
                System.arraycopy(src, i, out, o, len);
                i += n + 1;
                o += len;
            } else if (n != -128 && i < src.length) {
                int len = Math.min(1 - n, expectedLength - o);
                byte b = src[i++];
                for (int k = 0; k < len; k++) out[o++] = b;
            }
        }
        return out;
    }

    @Override public byte[] encode(byte[] src, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length + src.length / 128 + 1);
        int i = 0;
        while (i < src.length) {
            int run = 1;
            while (i + run < src.length && run < 128 && src[i + run] == src[i]) run++;
            if (run >= 2) {
                out.write(1 - run);
                out.write(src[i]);
                i += run;
            } else {
                int start = i;
                while (i < src.length && i - start < 128
                        && !(i + 1 < src.length && src[i] == src[i + 1])) i++;
                if (i == start) i++;
                out.write(i - start - 1);
                out.write(src, start, i - start);
            }
        }
        return out.toByteArray();
    }
}
