package org.slidestream.dl;

import java.nio.file.Path;

/**
 * A model that cannot be loaded or run as configured: missing file, an input or output of the
 * wrong shape, a provider (CUDA) that is not available. The message starts with the model file.
 * An {@link IllegalArgumentException}: the model given cannot be used as configured.
 */
public final class ModelException extends IllegalArgumentException {
    public ModelException(Path model, String message) {
        super(model + ": " + message);
    }

    public ModelException(Path model, String message, Throwable cause) {
        super(model + ": " + message, cause);
    }
}
