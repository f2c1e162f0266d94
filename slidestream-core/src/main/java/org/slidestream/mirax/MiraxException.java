package org.slidestream.mirax;

/** A problem in a MIRAX file found while parsing; the caller names the file. */
final class MiraxException extends RuntimeException {
    MiraxException(String message) {
        super(message);
    }
}
