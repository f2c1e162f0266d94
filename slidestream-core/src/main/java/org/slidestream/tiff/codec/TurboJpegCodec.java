package org.slidestream.tiff.codec;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.slidestream.image.Raster;

/**
 * JPEG with libjpeg-turbo's TurboJPEG 2.x API through JNA (Debian {@code libturbojpeg0}): the
 * fallback where no libjpeg API can be loaded (it decodes whole images only). The stream's colour markers are set with {@link JpegStreams#withColour}
 * first, because libjpeg-turbo converts whatever its marker-based guess says is YCbCr.
 *
 * <p>Every size libjpeg-turbo will write is checked before the call: the header is parsed here
 * and must fit the destination, and the native output buffer is allocated from the same header.
 */
final class TurboJpegCodec implements JpegCodec {
    private static final int TJPF_RGB = 0;
    private static final int TJPF_GRAY = 6;
    private static final int TJSAMP_444 = 0;
    private static final int TJSAMP_422 = 1;
    private static final int TJSAMP_420 = 2;
    private static final int TJSAMP_GRAY = 3;
    private static final int TJFLAG_NOREALLOC = 1024;
    private static final int TJFLAG_ACCURATEDCT = 4096;
    private static final int TJFLAG_STOPONWARNING = 8192;
    private static final int TJFLAG_LIMITSCANS = 32768;
    /** Warnings are errors (as in OpenSlide), and progressive streams with absurd scan counts are refused. */
    private static final int DECODE_FLAGS = TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;

    private final Pool<Session> sessions = new Pool<>(Session::new, Session::close);

    private TurboJpegCodec() {}

    /** Binds the library; throws when it lacks the 2.x API. */
    static TurboJpegCodec load(NativeLibraries.Loaded lib) {
        Native.register(Lib.class, lib.library());
        TurboJpegCodec codec = new TurboJpegCodec();
        codec.sessions.giveBack(codec.sessions.borrow()); // a handle can be made: fail now, not on the first tile
        return codec;
    }

    @Override public String name() { return "libjpeg-turbo"; }

    @Override
    public void decode(byte[] jpeg, JpegColour colour, Raster dest) {
        byte[] stream = JpegStreams.withColour(jpeg, colour);
        JpegStreams.Header h = JpegChecks.requireDecodable(stream, dest);
        Session s = sessions.borrow();
        try {
            s.decode(stream, h, dest);
        } finally {
            sessions.giveBack(s); // TurboJPEG aborts its state on failure: the handle stays usable
        }
    }

    @Override
    public byte[] encode(Raster src, int quality, ChromaSubsampling subsampling) {
        JpegChecks.requireEncodable(src, quality);
        int samp = src.bands() == 1 ? TJSAMP_GRAY : switch (subsampling) {
            case S444 -> TJSAMP_444;
            case S422 -> TJSAMP_422;
            case S420 -> TJSAMP_420;
        };
        Session s = sessions.borrow();
        try {
            return s.encode(src, quality, samp);
        } finally {
            sessions.giveBack(s);
        }
    }

    /** TurboJPEG handles and native buffers, used by one thread at a time; grown as needed. */
    private static final class Session {
        private final Pointer decompressor;
        private Pointer compressor;
        private Memory input;
        private Memory output;
        private final Memory scratch = new Memory(32); // header fields, or the output pointer and size

        Session() {
            decompressor = Lib.tjInitDecompress();
            if (decompressor == null) throw new IllegalStateException("tjInitDecompress failed");
        }

        void decode(byte[] stream, JpegStreams.Header h, Raster dest) {
            input = NativeLibraries.atLeast(input, stream.length);
            input.write(0, stream, 0, stream.length);
            NativeLong size = new NativeLong(stream.length);
            check(decompressor, Lib.tjDecompressHeader3(decompressor, input, size, scratch, scratch.share(4),
                    scratch.share(8), scratch.share(12)), "reading the JPEG header");
            int w = scratch.getInt(0), hgt = scratch.getInt(4);
            if (w != h.width() || hgt != h.height()) {
                throw new CodecException("libjpeg-turbo reads a " + w + "x" + hgt + " JPEG, the header says " + h.width() + "x" + h.height());
            }
            int bands = dest.bands();
            long length = (long) w * hgt * bands;
            output = NativeLibraries.atLeast(output, length);
            check(decompressor, Lib.tjDecompress2(decompressor, input, size, output, w, w * bands, hgt,
                    bands == 1 ? TJPF_GRAY : TJPF_RGB, DECODE_FLAGS), "decoding JPEG");
            if (dest.width() == w) {
                output.read(0, dest.bytes(), 0, (int) length);
            } else {
                for (int y = 0; y < hgt; y++) output.read((long) y * w * bands, dest.bytes(), dest.index(0, y, 0), w * bands);
            }
        }

        byte[] encode(Raster src, int quality, int samp) {
            if (compressor == null) {
                compressor = Lib.tjInitCompress();
                if (compressor == null) throw new IllegalStateException("tjInitCompress failed");
            }
            int w = src.width(), h = src.height(), bands = src.bands();
            int length = w * h * bands;
            input = NativeLibraries.atLeast(input, length);
            input.write(0, src.bytes(), 0, length);
            long capacity = Lib.tjBufSize(w, h, samp).longValue();
            if (capacity <= 0) throw new CodecException("libjpeg-turbo cannot size a " + w + "x" + h + " JPEG");
            output = NativeLibraries.atLeast(output, capacity);
            scratch.setPointer(0, output);
            scratch.setNativeLong(8, new NativeLong(capacity));
            check(compressor, Lib.tjCompress2(compressor, input, w, w * bands, h, bands == 1 ? TJPF_GRAY : TJPF_RGB,
                    scratch, scratch.share(8), samp, quality, TJFLAG_NOREALLOC | TJFLAG_ACCURATEDCT), "encoding JPEG");
            long written = scratch.getNativeLong(8).longValue();
            if (written <= 0 || written > capacity) throw new CodecException("libjpeg-turbo returned " + written + " bytes");
            return output.getByteArray(0, (int) written);
        }

        private static void check(Pointer handle, int rc, String what) {
            if (rc != 0) throw new CodecException("damaged JPEG data (" + what + "): " + Lib.tjGetErrorStr2(handle));
        }

        void close() {
            Lib.tjDestroy(decompressor);
            if (compressor != null) Lib.tjDestroy(compressor);
            if (input != null) input.close();
            if (output != null) output.close();
            scratch.close();
        }
    }

    /** The TurboJPEG 2.x functions used here (turbojpeg.h), bound by direct mapping. */
    private static final class Lib {
        static native Pointer tjInitDecompress();

        static native Pointer tjInitCompress();

        static native int tjDestroy(Pointer handle);

        static native int tjDecompressHeader3(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer width,
                                              Pointer height, Pointer subsamp, Pointer colorspace);

        static native int tjDecompress2(Pointer handle, Pointer jpegBuf, NativeLong jpegSize, Pointer dstBuf,
                                        int width, int pitch, int height, int pixelFormat, int flags);

        static native int tjCompress2(Pointer handle, Pointer srcBuf, int width, int pitch, int height, int pixelFormat,
                                      Pointer jpegBuf, Pointer jpegSize, int subsamp, int quality, int flags);

        static native NativeLong tjBufSize(int width, int height, int subsamp);

        static native String tjGetErrorStr2(Pointer handle);
    }
}
