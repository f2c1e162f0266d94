package org.slidestream.view.content;

/** A request for something that is not served (answered 404 with this one-line message, no stack trace). */
public final class NotServedException extends Exception {
    public NotServedException(String message) {
        super(message, null, false, false);
    }
}
