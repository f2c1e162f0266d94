package org.slidestream.tiff.codec;

import java.util.Arrays;

/** Compression 1: bytes as they are. */
final class NoCompression implements ByteCodec {
    static final NoCompression INSTANCE = new NoCompression();

    @Override public Compression compression() { return Compression.NONE; }

    @Override public byte[] decode(byte[] src, int expectedLength) {
        return src.length == expectedLength ? src : Arrays.copyOf(src, expectedLength);
    }

    @Override public byte[] encode(byte[] src, int level) {
        return src;
    }
}
