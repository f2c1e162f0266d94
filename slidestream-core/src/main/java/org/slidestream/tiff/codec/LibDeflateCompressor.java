package org.slidestream.tiff.codec;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * zlib streams with libdeflate through JNA (bundled in {@code com.fulcrumgenomics:jlibdeflate}, or
 * Debian's {@code libdeflate0}):
 * two to three times faster than zlib at the same level, for files of about the same size. It
 * compresses whole buffers only, which is what a PNG patch or a TIFF tile is.
 */
final class LibDeflateCompressor implements ZlibCompressor {
    private final Pool<Session> sessions = new Pool<>(Session::new, Session::close);

    private LibDeflateCompressor() {}

    /** Binds the library; throws when it lacks the functions used here. */
    static LibDeflateCompressor load(NativeLibraries.Loaded lib) {
        Native.register(Lib.class, lib.library());
        LibDeflateCompressor c = new LibDeflateCompressor();
        c.compress(new byte[16], 0, 16, 6); // fail now, not on the first patch
        return c;
    }

    @Override
    public byte[] compress(byte[] src, int off, int len, int level) {
        if (level < 0 || level > 9) throw new IllegalArgumentException("zlib level must be 0-9: " + level);
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        Session s = sessions.borrow();
        try {
            return s.compress(src, off, len, level);
        } finally {
            sessions.giveBack(s);
        }
    }

    /** Compressors (one per level used) and native buffers, used by one thread at a time. */
    private static final class Session {
        private final Pointer[] compressors = new Pointer[10];
        private Memory input;
        private Memory output;

        byte[] compress(byte[] src, int off, int len, int level) {
            Pointer c = compressors[level];
            if (c == null) {
                c = Lib.libdeflate_alloc_compressor(level);
                if (c == null) throw new IllegalStateException("libdeflate_alloc_compressor(" + level + ") failed");
                compressors[level] = c;
            }
            input = NativeLibraries.atLeast(input, Math.max(1, len));
            if (len > 0) input.write(0, src, off, len);
            long bound = Lib.libdeflate_zlib_compress_bound(c, new NativeLong(len)).longValue();
            output = NativeLibraries.atLeast(output, bound);
            long n = Lib.libdeflate_zlib_compress(c, input, new NativeLong(len), output, new NativeLong(output.size())).longValue();
            if (n <= 0 || n > output.size()) throw new CodecException("libdeflate returned " + n + " bytes for " + len);
            return output.getByteArray(0, (int) n);
        }

        void close() {
            for (Pointer c : compressors) if (c != null) Lib.libdeflate_free_compressor(c);
            if (input != null) input.close();
            if (output != null) output.close();
        }
    }

    /** The libdeflate functions used here (libdeflate.h), bound by direct mapping; size_t is a C long on LP64. */
    private static final class Lib {
        static native Pointer libdeflate_alloc_compressor(int level);

        static native NativeLong libdeflate_zlib_compress(Pointer compressor, Pointer in, NativeLong inBytes, Pointer out,
                                                           NativeLong outAvail);

        static native NativeLong libdeflate_zlib_compress_bound(Pointer compressor, NativeLong inBytes);

        static native void libdeflate_free_compressor(Pointer compressor);
    }
}
