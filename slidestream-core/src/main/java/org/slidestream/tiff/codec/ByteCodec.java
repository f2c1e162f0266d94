package org.slidestream.tiff.codec;

/**
 * A lossless TIFF compression of bytes (not pixels): none, LZW, Deflate, zstd, PackBits. The TIFF
 * reader and writer apply predictors and sample packing around it. Implementations are stateless
 * and thread-safe.
 */
public interface ByteCodec {

    Compression compression();

    /**
     * Decompresses a strip or tile.
     *
     * @param expectedLength bytes the block holds when uncompressed; output never exceeds it
     *                       (allocation is bounded by it, whatever the input claims)
     * @return exactly {@code expectedLength} bytes; a short stream is zero-padded, as libtiff does
     * @throws CodecException when the data is not valid for this scheme
     */
    byte[] decode(byte[] src, int expectedLength);

    /** Compresses a block; {@code level} is scheme-specific (ignored where it means nothing). */
    byte[] encode(byte[] src, int level);

    /** The codec for a scheme, or null when the scheme is not a byte codec. */
    static ByteCodec of(Compression c) {
        return switch (c) {
            case NONE -> NoCompression.INSTANCE;
            case LZW -> Lzw.INSTANCE;
            case DEFLATE, ADOBE_DEFLATE -> new Deflate(c);
            case ZSTD -> Zstd.INSTANCE;
            case PACKBITS -> PackBits.INSTANCE;
            default -> null;
        };
    }
}
