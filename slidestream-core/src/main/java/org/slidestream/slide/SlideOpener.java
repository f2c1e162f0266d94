package org.slidestream.slide;

import java.nio.file.Path;

/**
 * A reader for some slide formats, found through {@link java.util.ServiceLoader}. {@link Slide#open}
 * asks every opener to {@link #probe} the file and opens it with the most confident one.
 */
public interface SlideOpener {

    /** Short name, for messages. */
    String name();

    /**
     * How well this opener can read the file: 0 when it cannot, higher for a better fit (a
     * vendor-specific reader beats a generic one).
     *
     * @param header the first bytes of the file (up to 64 KiB; fewer for a short file)
     */
    int probe(Path path, byte[] header);

    Slide open(Path path, SlideOptions options);
}
