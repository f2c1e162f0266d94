package org.slidestream.format.h5;

import java.io.IOException;

/** A call into the HDF5 library failed; the message names the file, the operation and HDF5's reason. */
public class H5Exception extends IOException {
    public H5Exception(String message) {
        super(message);
    }
}
