package org.slidestream.tiff.codec;

import com.sun.jna.Callback;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * JPEG 2000 with OpenJPEG 2.x through JNA (bundled, or Debian's {@code libopenjp2-7}), the decoder
 * OpenSlide uses. The codestream is handed over through a memory stream whose read, skip and seek callbacks
 * copy from the Java array; the callbacks belong to a pooled session, which keeps them strongly
 * referenced for as long as OpenJPEG may call them.
 *
 * <p>The SIZ header is parsed here before OpenJPEG sees the data, and OpenJPEG's own header is
 * checked against the destination before {@code opj_decode} allocates anything for the pixels.
 */
final class OpenJpegCodec implements Jpeg2000Codec {
    private static final int OPJ_CODEC_J2K = 0;
    private static final int OPJ_CODEC_JP2 = 2;
    /** sizeof(opj_dparameters_t) is about 8.3 KB in OpenJPEG 2.x; the defaults are written into this much. */
    private static final int DPARAMETERS_BYTES = 16 * 1024;
    // opj_image_t and opj_image_comp_t (openjpeg.h, 2.x, LP64)
    private static final int IMAGE_X0 = 0, IMAGE_Y0 = 4, IMAGE_X1 = 8, IMAGE_Y1 = 12, IMAGE_NUMCOMPS = 16, IMAGE_COMPS = 24;
    private static final int COMP_SIZE = 64;
    private static final int COMP_DX = 0, COMP_DY = 4, COMP_W = 8, COMP_H = 12, COMP_PREC = 24, COMP_SGND = 32, COMP_DATA = 48;

    private final Pool<Session> sessions = new Pool<>(Session::new, Session::close);
    private final String version;

    private OpenJpegCodec(String version) {
        this.version = version;
    }

    /** Binds the library; throws when it lacks OpenJPEG 2.x or is on a platform whose layout is not the one above. */
    static OpenJpegCodec load(NativeLibraries.Loaded lib) {
        if (Native.POINTER_SIZE != 8 || Native.SIZE_T_SIZE != 8) {
            throw new UnsatisfiedLinkError("OpenJPEG binding needs a 64-bit platform");
        }
        Native.register(Lib.class, lib.library());
        String version = Lib.opj_version();
        if (version == null || !version.startsWith("2.")) {
            throw new UnsatisfiedLinkError("OpenJPEG " + version + " is not 2.x");
        }
        return new OpenJpegCodec(version);
    }

    /** The library's version ("2.5.4"). */
    String version() { return version; }

    @Override public String name() { return "openjpeg"; }

    @Override
    public void decode(byte[] codestream, JpegColour colour, Raster dest) {
        Jpeg2000Header h = Jpeg2000Header.parse(codestream);
        Jpeg2000Samples.requireFits(h.width(), h.height(), h.components(), h.precision(), dest);
        decode(codestream, h, colour, 1, new Region(0, 0, h.width(), h.height()), dest, 0, 0);
    }

    /** Decodes only the code-blocks the region needs ({@code opj_set_decode_area}), at a lower resolution level for a reduction. */
    @Override
    public void decode(byte[] codestream, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
        Jpeg2000Header h = Jpeg2000Header.parse(codestream);
        Jpeg2000Samples.requireRegion(h, reduction, region, dest, dx, dy);
        decode(codestream, h, colour, reduction, region, dest, dx, dy);
    }

    private void decode(byte[] codestream, Jpeg2000Header h, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
        Session s = sessions.borrow();
        try {
            s.decode(codestream, h, colour, reduction, region, dest, dx, dy);
        } finally {
            sessions.giveBack(s); // every native object of a decode is freed by the decode itself
        }
    }

    /** The stream callbacks and their state, and scratch memory, used by one thread at a time. */
    private static final class Session {
        private byte[] data;
        private long position;
        private String error;
        private final Memory parameters = new Memory(DPARAMETERS_BYTES);
        private final Memory imageRef = new Memory(8);
        private final List<int[]> planeBuffers = new ArrayList<>();

        // Strong references: OpenJPEG holds these function pointers while a stream or codec lives.
        private final ReadFn read = (buffer, bytes, user) -> {
            long n = Math.min(bytes, data.length - position);
            if (n <= 0) return -1L; // (OPJ_SIZE_T) -1: end of stream
            buffer.write(0, data, (int) position, (int) n);
            position += n;
            return n;
        };
        private final SkipFn skip = (bytes, user) -> {
            long target = Math.clamp(position + bytes, 0, data.length);
            long skipped = target - position;
            if (bytes != 0 && skipped == 0) return -1L;
            position = target;
            return skipped;
        };
        private final SeekFn seek = (offset, user) -> {
            if (offset < 0 || offset > data.length) return 0;
            position = offset;
            return 1;
        };
        private final MessageFn onError = (message, user) -> {
            if (error == null) error = message == null ? "unknown error" : message.strip();
        };
        private final MessageFn onWarning = (message, user) -> { }; // as OpenSlide: warnings are not failures

        void decode(byte[] codestream, Jpeg2000Header h, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
            data = codestream;
            position = 0;
            error = null;
            Pointer codec = null, stream = null, image = null;
            try {
                codec = Lib.opj_create_decompress(h.jp2() ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
                if (codec == null) throw new CodecException("OpenJPEG could not create a decoder");
                Lib.opj_set_error_handler(codec, onError, null);
                Lib.opj_set_warning_handler(codec, onWarning, null);
                Lib.opj_set_default_decoder_parameters(parameters);
                require(Lib.opj_setup_decoder(codec, parameters), "setting up the decoder");
                stream = Lib.opj_stream_create(Math.clamp(codestream.length, 4096, 1 << 20), 1);
                if (stream == null) throw new CodecException("OpenJPEG could not create a stream");
                Lib.opj_stream_set_read_function(stream, read);
                Lib.opj_stream_set_skip_function(stream, skip);
                Lib.opj_stream_set_seek_function(stream, seek);
                Lib.opj_stream_set_user_data(stream, null, null);
                Lib.opj_stream_set_user_data_length(stream, codestream.length);
                imageRef.setPointer(0, null);
                int ok = Lib.opj_read_header(stream, codec, imageRef);
                image = imageRef.getPointer(0);
                require(ok, "reading the header");
                if (image == null) throw new CodecException("OpenJPEG read no image header");
                boolean whole = reduction == 1 && region.width() == h.width() && region.height() == h.height();
                List<Jpeg2000Samples.Plane> planes = components(image, h, whole ? dest : null);
                if (!whole) {
                    if (planes.stream().anyMatch(p -> p.dx() != 1 || p.dy() != 1)) {
                        throw new CodecException("region decoding of subsampled JPEG 2000 components is not supported");
                    }
                    if (reduction > 1) require(Lib.opj_set_decoded_resolution_factor(codec, Integer.numberOfTrailingZeros(reduction)), "reducing");
                    int x0 = image.getInt(IMAGE_X0), y0 = image.getInt(IMAGE_Y0);
                    require(Lib.opj_set_decode_area(codec, image, x0 + region.x() * reduction, y0 + region.y() * reduction,
                            x0 + Math.min(h.width(), region.right() * reduction), y0 + Math.min(h.height(), region.bottom() * reduction)),
                            "setting the area to decode");
                }
                require(Lib.opj_decode(codec, stream, image), "decoding");
                require(Lib.opj_end_decompress(codec, stream), "finishing decoding");
                if (!whole) planes = decoded(image, planes, region);
                Jpeg2000Samples.write(read(image, planes), region.width(), region.height(), colour, dest, dx, dy);
            } finally {
                if (image != null) Lib.opj_image_destroy(image);
                if (stream != null) Lib.opj_stream_destroy(stream);
                if (codec != null) Lib.opj_destroy_codec(codec);
                data = null;
            }
        }

        /** Checks OpenJPEG's view of the header against ours and the destination (null for a region); returns the planes' shapes. */
        private List<Jpeg2000Samples.Plane> components(Pointer image, Jpeg2000Header h, Raster dest) {
            long w = u32(image, IMAGE_X1) - u32(image, IMAGE_X0);
            long hgt = u32(image, IMAGE_Y1) - u32(image, IMAGE_Y0);
            int n = image.getInt(IMAGE_NUMCOMPS);
            if (w != h.width() || hgt != h.height() || n != h.components()) {
                throw new CodecException("OpenJPEG reads a " + w + "x" + hgt + "x" + n + " image, the header says "
                        + h.width() + "x" + h.height() + "x" + h.components());
            }
            Pointer comps = image.getPointer(IMAGE_COMPS);
            if (comps == null) throw new CodecException("OpenJPEG read no components");
            List<Jpeg2000Samples.Plane> planes = new ArrayList<>(n);
            for (int c = 0; c < n; c++) {
                Pointer comp = comps.share((long) c * COMP_SIZE);
                int dx = comp.getInt(COMP_DX), dy = comp.getInt(COMP_DY), cw = comp.getInt(COMP_W), ch = comp.getInt(COMP_H);
                int prec = comp.getInt(COMP_PREC);
                boolean plausible = dx >= 1 && dy >= 1 && cw >= 1 && ch >= 1
                        && cw <= (w + dx - 1) / dx + 1 && ch <= (hgt + dy - 1) / dy + 1;
                if (!plausible) throw new CodecException("OpenJPEG component " + c + " has an invalid shape " + cw + "x" + ch);
                if (dest != null) Jpeg2000Samples.requireFits((int) w, (int) hgt, n, prec, dest); // a region was checked before
                planes.add(new Jpeg2000Samples.Plane(null, cw, ch, dx, dy, prec, comp.getInt(COMP_SGND) != 0));
            }
            return planes;
        }

        /** The planes' shapes after decoding an area: each must be exactly the region (full-resolution components only). */
        private List<Jpeg2000Samples.Plane> decoded(Pointer image, List<Jpeg2000Samples.Plane> shapes, Region region) {
            Pointer comps = image.getPointer(IMAGE_COMPS);
            List<Jpeg2000Samples.Plane> out = new ArrayList<>(shapes.size());
            for (int c = 0; c < shapes.size(); c++) {
                Pointer comp = comps.share((long) c * COMP_SIZE);
                int cw = comp.getInt(COMP_W), ch = comp.getInt(COMP_H);
                if (cw != region.width() || ch != region.height()) {
                    throw new CodecException("OpenJPEG decoded " + cw + "x" + ch + " samples of component " + c + " for a region of "
                            + region.width() + "x" + region.height());
                }
                Jpeg2000Samples.Plane p = shapes.get(c);
                out.add(new Jpeg2000Samples.Plane(null, cw, ch, 1, 1, p.precision(), p.signed()));
            }
            return out;
        }

        /** Copies each decoded int32 plane out of native memory (into reused arrays). */
        private List<Jpeg2000Samples.Plane> read(Pointer image, List<Jpeg2000Samples.Plane> shapes) {
            Pointer comps = image.getPointer(IMAGE_COMPS);
            List<Jpeg2000Samples.Plane> planes = new ArrayList<>(shapes.size());
            for (int c = 0; c < shapes.size(); c++) {
                Jpeg2000Samples.Plane p = shapes.get(c);
                Pointer samples = comps.share((long) c * COMP_SIZE).getPointer(COMP_DATA);
                if (samples == null) throw new CodecException("OpenJPEG decoded no data for component " + c);
                int n = p.width() * p.height();
                if (planeBuffers.size() <= c) planeBuffers.add(new int[0]);
                int[] buffer = planeBuffers.get(c);
                if (buffer.length < n) planeBuffers.set(c, buffer = new int[n]);
                samples.read(0, buffer, 0, n);
                planes.add(new Jpeg2000Samples.Plane(buffer, p.width(), p.height(), p.dx(), p.dy(), p.precision(), p.signed()));
            }
            return planes;
        }

        private static long u32(Pointer p, int offset) {
            return p.getInt(offset) & 0xFFFF_FFFFL;
        }

        private void require(int ok, String what) {
            if (ok == 0) throw new CodecException("damaged JPEG 2000 data (" + what + "): " + (error == null ? "OpenJPEG failed" : error));
            if (error != null) throw new CodecException("damaged JPEG 2000 data (" + what + "): " + error);
        }

        void close() {
            parameters.close();
            imageRef.close();
        }
    }

    interface ReadFn extends Callback {
        long invoke(Pointer buffer, long bytes, Pointer user);
    }

    interface SkipFn extends Callback {
        long invoke(long bytes, Pointer user);
    }

    interface SeekFn extends Callback {
        int invoke(long offset, Pointer user);
    }

    interface MessageFn extends Callback {
        void invoke(String message, Pointer user);
    }

    /** The OpenJPEG 2.x functions used here (openjpeg.h), bound by direct mapping; size_t is 64-bit. */
    private static final class Lib {
        static native String opj_version();

        static native Pointer opj_create_decompress(int format);

        static native int opj_set_error_handler(Pointer codec, MessageFn handler, Pointer user);

        static native int opj_set_warning_handler(Pointer codec, MessageFn handler, Pointer user);

        static native void opj_set_default_decoder_parameters(Pointer parameters);

        static native int opj_setup_decoder(Pointer codec, Pointer parameters);

        static native Pointer opj_stream_create(long bufferSize, int isInput);

        static native void opj_stream_set_read_function(Pointer stream, ReadFn fn);

        static native void opj_stream_set_skip_function(Pointer stream, SkipFn fn);

        static native void opj_stream_set_seek_function(Pointer stream, SeekFn fn);

        static native void opj_stream_set_user_data(Pointer stream, Pointer data, Pointer freeFn);

        static native void opj_stream_set_user_data_length(Pointer stream, long length);

        static native int opj_read_header(Pointer stream, Pointer codec, Pointer imageRef);

        static native int opj_decode(Pointer codec, Pointer stream, Pointer image);

        static native int opj_set_decoded_resolution_factor(Pointer codec, int factor);

        static native int opj_set_decode_area(Pointer codec, Pointer image, int x0, int y0, int x1, int y1);

        static native int opj_end_decompress(Pointer codec, Pointer stream);

        static native void opj_image_destroy(Pointer image);

        static native void opj_stream_destroy(Pointer stream);

        static native void opj_destroy_codec(Pointer codec);
    }
}
