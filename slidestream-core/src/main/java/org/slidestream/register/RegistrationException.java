package org.slidestream.register;

/** A round that cannot be registered (no nuclear channel, no overlap with the reference, ...). */
public class RegistrationException extends RuntimeException {
    public RegistrationException(String message) {
        super(message);
    }
}
