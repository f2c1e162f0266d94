package org.slidestream.tiff.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/** Compression 8 and 32946: zlib-wrapped Deflate, with {@code java.util.zip}. */
final class Deflate implements ByteCodec {
    private final Compression compression;

    Deflate(Compression compression) {
        this.compression = compression;
    }

    @Override public Compression compression() { return compression; }

    @Override public byte[] decode(byte[] src, int expectedLength) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(src);
            byte[] out = new byte[expectedLength];
            int n = 0;
            while (n < expectedLength && !inf.finished()) {
                int k = inf.inflate(out, n, expectedLength - n);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break; // truncated stream: keep what we have, zero-padded
                }
                n += k;
            }
            return out;
        } catch (DataFormatException e) {
            throw new CodecException("invalid Deflate data: " + e.getMessage(), e);
        } finally {
            inf.end();
        }
    }

    @Override public byte[] encode(byte[] src, int level) {
        Deflater def = new Deflater(level < 0 ? 6 : Math.min(level, 9));
        try {
            def.setInput(src);
            def.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, src.length / 2));
            byte[] buf = new byte[64 * 1024];
            while (!def.finished()) {
                int k = def.deflate(buf);
                out.write(buf, 0, k);
            }
            return out.toByteArray();
        } finally {
            def.end();
        }
    }
}
