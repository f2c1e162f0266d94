package org.slidestream.tiff.codec;

/** Compressed data that cannot be decoded (damaged, truncated, or of an unsupported variant). */
public class CodecException extends RuntimeException {
    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
