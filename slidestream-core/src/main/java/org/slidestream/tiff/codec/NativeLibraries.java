package org.slidestream.tiff.codec;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;

/** Loading optional native libraries through JNA, and the native buffers the codecs reuse. */
final class NativeLibraries {
    private NativeLibraries() {}

    /**
     * The first of {@code names} that loads: a versioned file name first (Debian installs only
     * {@code libfoo.so.N} without the development package), then the plain name for other systems.
     *
     * @throws UnsatisfiedLinkError when none loads
     */
    static NativeLibrary load(String... names) {
        UnsatisfiedLinkError first = null;
        for (String name : names) {
            try {
                return NativeLibrary.getInstance(name);
            } catch (UnsatisfiedLinkError e) {
                if (first == null) first = e;
            }
        }
        throw first;
    }

    /** {@code m} when it holds {@code size} bytes, else a new block (the old one freed now, not at GC). */
    static Memory atLeast(Memory m, long size) {
        if (m != null && m.size() >= size) return m;
        if (m != null) m.close();
        long rounded = Math.max(64 * 1024, (size + 0xFFFF) & ~0xFFFFL);
        return new Memory(rounded);
    }
}
