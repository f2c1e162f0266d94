package org.slidestream.tiff.codec;

import java.io.EOFException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An ImageIO input stream over a byte array, without the cache file or memory cache that
 * {@code ImageIO.createImageInputStream} puts in front of an InputStream.
 */
final class ByteArrayImageInputStream extends ImageInputStreamImpl {
    private final byte[] data;
    private final boolean eofIsError;

    ByteArrayImageInputStream(byte[] data) {
        this(data, false);
    }

    /**
     * @param eofIsError single-byte reads past the end throw {@link EOFException} instead of returning
     *                   -1: JJ2000's packet-header bit reader takes -1 for a byte of ones and, on a
     *                   damaged codestream, counts those bits for ever
     */
    ByteArrayImageInputStream(byte[] data, boolean eofIsError) {
        this.data = data;
        this.eofIsError = eofIsError;
    }

    @Override
    public int read() throws EOFException {
        bitOffset = 0;
        if (streamPos < data.length) return data[(int) streamPos++] & 0xFF;
        if (eofIsError) throw new EOFException("JPEG 2000 codestream ends inside a packet");
        return -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        bitOffset = 0;
        if (len == 0) return 0;
        if (streamPos >= data.length) return -1;
        int n = (int) Math.min(len, data.length - streamPos);
        System.arraycopy(data, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return data.length;
    }
}
