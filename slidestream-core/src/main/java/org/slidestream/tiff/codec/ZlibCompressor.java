package org.slidestream.tiff.codec;

/** Compresses a whole buffer into one zlib stream (RFC 1950), as PNG and TIFF Deflate hold it. */
public interface ZlibCompressor {
    /** A zlib stream of {@code src[off, off + len)} at {@code level} (0-9; 6 is zlib's default). */
    byte[] compress(byte[] src, int off, int len, int level);
}
