package org.slidestream.tiff.codec;

import com.github.luben.zstd.ZstdException;

/** Compression 50000: Zstandard, through zstd-jni (natives inside its Maven jar). */
final class Zstd implements ByteCodec {
    static final Zstd INSTANCE = new Zstd();

    @Override public Compression compression() { return Compression.ZSTD; }

    @Override public byte[] decode(byte[] src, int expectedLength) {
        byte[] out = new byte[expectedLength];
        try {
            com.github.luben.zstd.Zstd.decompressByteArray(out, 0, expectedLength, src, 0, src.length);
        } catch (ZstdException e) {
            throw new CodecException("invalid zstd data: " + e.getMessage(), e);
        }
        return out;
    }

    @Override public byte[] encode(byte[] src, int level) {
        return com.github.luben.zstd.Zstd.compress(src, level <= 0 ? 3 : Math.min(level, 22));
    }
}
