package org.slidestream.tiff.codec;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * JPEG with libjpeg-turbo's libjpeg API (the v6b ABI, {@code libjpeg.so.62}) through JNA: the copy
 * bundled in a Maven jar, or the system's. Unlike the TurboJPEG API it decodes part of an image:
 * {@code jpeg_crop_scanline} and {@code jpeg_skip_scanlines} limit the work to the iMCU columns and
 * rows a region covers, and DCT scaling ({@code scale_denom} 2, 4, 8) reduces while decoding.
 *
 * <p>libjpeg reports fatal errors through {@code error_exit}, which must never return, and a JNA
 * callback cannot leave native code any other way. So libjpeg is only given streams rebuilt by
 * {@link LibJpegStream}, whose checks make every fatal path of the decoder unreachable; other
 * streams go to the {@code fallback} codec. What remains in the entropy-coded data are libjpeg
 * warnings, counted by its default {@code emit_message}: any warning makes the decode fail, as
 * TurboJPEG's {@code TJFLAG_STOPONWARNING} does. A decode ends with {@code jpeg_abort_decompress},
 * which reads nothing further. Should {@code error_exit} be reached all the same (a libjpeg bug, or
 * memory exhausted inside libjpeg), the process stops at once with a message: returning would let
 * libjpeg run on with corrupt state.
 *
 * <p>Structure offsets are those of {@code jpeglib.h} for JPEG_LIB_VERSION 62 on LP64 platforms,
 * measured with {@code offsetof} against the headers shipped in the bundled jar (they equal those of
 * Debian's libjpeg62-turbo 2.1.5 headers); {@link #load} refuses other ABIs.
 */
final class LibJpegCodec implements JpegCodec {
    private static final int JPEG_LIB_VERSION = 62;
    private static final int DECOMPRESS_STRUCT = 632, COMPRESS_STRUCT = 520, ERROR_MGR = 168;
    // struct jpeg_error_mgr
    private static final int ERR_ERROR_EXIT = 0, ERR_OUTPUT_MESSAGE = 16, ERR_FORMAT_MESSAGE = 24;
    private static final int ERR_NUM_WARNINGS = 128, ERR_MESSAGE_TABLE = 136, ERR_LAST_MESSAGE = 144;
    private static final int JMSG_LENGTH_MAX = 200;
    // struct jpeg_decompress_struct
    private static final int D_IMAGE_WIDTH = 48, D_IMAGE_HEIGHT = 52, D_NUM_COMPONENTS = 56, D_JPEG_COLOR_SPACE = 60;
    private static final int D_OUT_COLOR_SPACE = 64, D_SCALE_NUM = 68, D_SCALE_DENOM = 72, D_DCT_METHOD = 96;
    private static final int D_DO_FANCY_UPSAMPLING = 100, D_OUTPUT_WIDTH = 136, D_OUTPUT_HEIGHT = 140, D_OUTPUT_COMPONENTS = 148;
    // struct jpeg_compress_struct and jpeg_component_info
    private static final int C_IMAGE_WIDTH = 48, C_IMAGE_HEIGHT = 52, C_INPUT_COMPONENTS = 56, C_IN_COLOR_SPACE = 60;
    private static final int C_COMP_INFO = 88, C_DCT_METHOD = 276, C_NEXT_SCANLINE = 304;
    private static final int COMP_H_SAMP = 8, COMP_V_SAMP = 12;
    // J_COLOR_SPACE, J_DCT_METHOD, jpeg_read_header's result
    private static final int JCS_GRAYSCALE = 1, JCS_RGB = 2, JCS_YCBCR = 3, JDCT_ISLOW = 0, JPEG_HEADER_OK = 1;

    private final JpegCodec fallback;
    private final String version;
    private final Pool<Session> sessions = new Pool<>(Session::new, Session::close);

    private LibJpegCodec(JpegCodec fallback, String version) {
        this.fallback = fallback;
        this.version = version;
    }

    /**
     * Binds the library; throws when it lacks the functions used here or is not the v62 ABI.
     *
     * @param fallback decodes the streams this codec does not give libjpeg
     */
    static LibJpegCodec load(NativeLibraries.Loaded lib, JpegCodec fallback, String version) {
        if (Native.POINTER_SIZE != 8 || Native.LONG_SIZE != 8) {
            throw new UnsatisfiedLinkError("the libjpeg binding needs an LP64 platform");
        }
        Native.register(Lib.class, lib.library());
        String abi = jversion();
        // JVERSION is "6b  27-Mar-1998" for JPEG_LIB_VERSION 62; versions 7 and 8 have other structure layouts.
        if (abi == null || !abi.startsWith("6b")) {
            throw new UnsatisfiedLinkError(lib.file() + " implements libjpeg " + abi + ", not the 6b ABI (JPEG_LIB_VERSION 62)");
        }
        LibJpegCodec codec = new LibJpegCodec(fallback, version);
        codec.sessions.giveBack(codec.sessions.borrow()); // the decoder can be made: fail now, not on the first tile
        return codec;
    }

    /**
     * The library's JVERSION string, found in its message table (the entry's index differs between
     * builds): the one entry shaped like "6b  27-Mar-1998".
     */
    private static String jversion() {
        try (Memory err = new Memory(ERROR_MGR)) {
            Lib.jpeg_std_error(err);
            Pointer table = err.getPointer(ERR_MESSAGE_TABLE);
            int last = err.getInt(ERR_LAST_MESSAGE);
            if (table == null || last < 1 || last > 1000) return null;
            for (int i = 1; i <= last; i++) {
                Pointer text = table.getPointer((long) i * Native.POINTER_SIZE);
                if (text == null) break;
                String s = text.getString(0);
                if (s.matches("\\d+[a-z]?\\s+\\d{1,2}-[A-Z][a-z]{2}-\\d{4}")) return s;
            }
            return null;
        }
    }

    @Override public String name() { return "libjpeg-turbo"; }

    /** The library's version, as far as known ("3.0.1"), or null. */
    String version() { return version; }

    @Override
    public void decode(byte[] jpeg, JpegColour colour, Raster dest) {
        JpegStreams.Header h = JpegChecks.requireDecodable(jpeg, dest);
        LibJpegStream.Frame frame = LibJpegStream.of(jpeg);
        if (frame == null) {
            fallback.decode(jpeg, colour, dest);
            return;
        }
        decode(frame, colour, 1, new Region(0, 0, h.width(), h.height()), dest, 0, 0);
    }

    @Override
    public void decode(byte[] jpeg, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
        JpegStreams.Header h = JpegStreams.header(jpeg);
        JpegRegions.check(h.width(), h.height(), reduction, region, dest, dx, dy);
        if (h.componentCount() != dest.bands()) {
            throw new CodecException("JPEG has " + h.componentCount() + " components, expected " + dest.bands());
        }
        LibJpegStream.Frame frame = LibJpegStream.of(jpeg);
        if (frame == null) {
            fallback.decode(jpeg, colour, reduction, region, dest, dx, dy);
            return;
        }
        decode(frame, colour, reduction, region, dest, dx, dy);
    }

    private void decode(LibJpegStream.Frame frame, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
        Session s = sessions.borrow();
        try {
            s.decode(frame, colour, reduction, region, dest, dx, dy);
        } finally {
            sessions.giveBack(s); // every decode ends with jpeg_abort_decompress: the object is reusable
        }
    }

    @Override
    public byte[] encode(Raster src, int quality, ChromaSubsampling subsampling) {
        JpegChecks.requireEncodable(src, quality);
        Session s = sessions.borrow();
        try {
            return s.encode(src, quality, subsampling);
        } finally {
            sessions.giveBack(s);
        }
    }

    /** Reached only if a check in {@link LibJpegStream} or here missed a fatal condition: see the class comment. */
    private static final ErrorExit FATAL = cinfo -> {
        String why;
        try {
            why = message(cinfo);
        } catch (RuntimeException e) {
            why = "unknown error";
        }
        System.err.println("slidestream: libjpeg stopped with a fatal error (" + why + ") that the stream checks should"
                + " have prevented; stopping now, as continuing would corrupt memory. Run again with --no-natives and"
                + " please report the file.");
        System.err.flush();
        Runtime.getRuntime().halt(70);
    };

    /** libjpeg's text for its current message (format_message fills a JMSG_LENGTH_MAX buffer). */
    private static String message(Pointer cinfo) {
        Pointer err = cinfo.getPointer(0);
        try (Memory text = new Memory(JMSG_LENGTH_MAX)) {
            text.clear();
            Function.getFunction(err.getPointer(ERR_FORMAT_MESSAGE)).invoke(Void.class, new Object[] {cinfo, text});
            return text.getString(0);
        }
    }

    /** A decompressor, a compressor (made on first use) and their native buffers, used by one thread at a time. */
    private static final class Session {
        private final Memory err = new Memory(ERROR_MGR);
        private final Memory dinfo = new Memory(DECOMPRESS_STRUCT);
        private Memory cinfo;
        private final Memory scratch = new Memory(16);
        private Memory input, output, rows;
        private long[] addresses = new long[0];
        private String warning;
        // Strong reference: libjpeg holds this function pointer for the session's life.
        private final OutputMessage onWarning = c -> {
            if (warning == null) warning = message(c);
        };

        Session() {
            Lib.jpeg_std_error(err);
            err.setPointer(ERR_ERROR_EXIT, CallbackReference.getFunctionPointer(FATAL));
            // The default emit_message counts warnings in num_warnings and passes the first to output_message.
            err.setPointer(ERR_OUTPUT_MESSAGE, CallbackReference.getFunctionPointer(onWarning));
            dinfo.clear();
            dinfo.setPointer(0, err);
            Lib.jpeg_CreateDecompress(dinfo, JPEG_LIB_VERSION, DECOMPRESS_STRUCT);
        }

        void decode(LibJpegStream.Frame f, JpegColour colour, int reduction, Region region, Raster dest, int dx, int dy) {
            int length = f.length(), data = f.dataEnd() - f.dataStart();
            input = NativeLibraries.atLeast(input, length);
            input.write(0, f.header(), 0, f.header().length);
            input.write(f.header().length, f.data(), f.dataStart(), data);
            input.write(f.header().length + data, LibJpegStream.Frame.EOI, 0, 2);
            resetWarnings();
            Lib.jpeg_mem_src(dinfo, input, new NativeLong(length));
            try {
                if (Lib.jpeg_read_header(dinfo, 1) != JPEG_HEADER_OK) throw new CodecException("libjpeg found no image in the JPEG stream");
                int bands = dest.bands();
                if (dinfo.getInt(D_IMAGE_WIDTH) != f.width() || dinfo.getInt(D_IMAGE_HEIGHT) != f.height()
                        || dinfo.getInt(D_NUM_COMPONENTS) != f.components() || f.components() != bands) {
                    throw new CodecException("libjpeg reads a " + dinfo.getInt(D_IMAGE_WIDTH) + "x" + dinfo.getInt(D_IMAGE_HEIGHT)
                            + " JPEG, the header says " + f.width() + "x" + f.height());
                }
                dinfo.setInt(D_JPEG_COLOR_SPACE, bands == 1 ? JCS_GRAYSCALE : colour == JpegColour.RGB ? JCS_RGB : JCS_YCBCR);
                dinfo.setInt(D_OUT_COLOR_SPACE, bands == 1 ? JCS_GRAYSCALE : JCS_RGB);
                dinfo.setInt(D_SCALE_NUM, 1);
                dinfo.setInt(D_SCALE_DENOM, reduction);
                dinfo.setInt(D_DCT_METHOD, JDCT_ISLOW);
                dinfo.setInt(D_DO_FANCY_UPSAMPLING, 1);
                if (Lib.jpeg_start_decompress(dinfo) == 0) throw new CodecException("libjpeg could not start decoding");
                int ow = dinfo.getInt(D_OUTPUT_WIDTH), oh = dinfo.getInt(D_OUTPUT_HEIGHT);
                if (ow != JpegCodec.reducedSize(f.width(), reduction) || oh != JpegCodec.reducedSize(f.height(), reduction)
                        || dinfo.getInt(D_OUTPUT_COMPONENTS) != bands) {
                    throw new CodecException("libjpeg decodes " + ow + "x" + oh + " pixels of a " + f.width() + "x" + f.height()
                            + " JPEG reduced " + reduction + " times");
                }
                int x0 = 0, width = ow;
                if (region.width() < ow) {
                    // One iMCU more on each side: fancy upsampling of subsampled chroma reads the neighbouring
                    // samples, which a crop at the region's own iMCU boundary would replace by its edge.
                    int margin = Math.max(1, f.mcuWidth() / reduction);
                    int from = Math.max(0, region.x() - margin), to = Math.min(ow, region.right() + margin);
                    scratch.setInt(0, from);
                    scratch.setInt(4, to - from);
                    Lib.jpeg_crop_scanline(dinfo, scratch, scratch.share(4)); // widened to whole iMCU columns
                    x0 = scratch.getInt(0);
                    width = scratch.getInt(4);
                    if (x0 > region.x() || x0 + width < region.right() || x0 + width > ow) {
                        throw new CodecException("libjpeg cropped columns " + x0 + "+" + width + " for " + region);
                    }
                }
                if (region.y() > 0 && Lib.jpeg_skip_scanlines(dinfo, region.y()) != region.y()) {
                    throw new CodecException("libjpeg could not skip to row " + region.y());
                }
                readRows(width, region.height(), bands);
                requireNoWarning();
                copy(region.x() - x0, width, region, dest, dx, dy);
            } finally {
                Lib.jpeg_abort_decompress(dinfo);
            }
        }

        /** Decodes the next {@code count} rows of {@code width} pixels into {@link #output}, one after the other. */
        private void readRows(int width, int count, int bands) {
            long rowBytes = (long) width * bands;
            output = NativeLibraries.atLeast(output, rowBytes * count);
            rows = NativeLibraries.atLeast(rows, 8L * count);
            long base = Pointer.nativeValue(output);
            if (addresses.length < count) addresses = new long[count];
            for (int k = 0; k < count; k++) addresses[k] = base + k * rowBytes;
            rows.write(0, addresses, 0, count);
            long rowArray = Pointer.nativeValue(rows);
            int done = 0;
            while (done < count) {
                // Raw addresses, not Pointer objects: libjpeg returns one iMCU row or less per call.
                int n = Lib.jpeg_read_scanlines(dinfo, rowArray + 8L * done, count - done);
                if (n <= 0) throw new CodecException("libjpeg returned no rows at row " + done);
                done += n;
            }
        }

        private void copy(int offset, int width, Region region, Raster dest, int dx, int dy) {
            int bands = dest.bands();
            long rowBytes = (long) width * bands;
            int n = region.width() * bands;
            if (offset == 0 && width == region.width() && dx == 0 && dest.width() == width) {
                output.read(0, dest.bytes(), dest.index(0, dy, 0), n * region.height());
                return;
            }
            for (int k = 0; k < region.height(); k++) {
                output.read(k * rowBytes + (long) offset * bands, dest.bytes(), dest.index(dx, dy + k, 0), n);
            }
        }

        byte[] encode(Raster src, int quality, ChromaSubsampling subsampling) {
            if (cinfo == null) {
                cinfo = new Memory(COMPRESS_STRUCT);
                cinfo.clear();
                cinfo.setPointer(0, err);
                Lib.jpeg_CreateCompress(cinfo, JPEG_LIB_VERSION, COMPRESS_STRUCT);
            }
            int w = src.width(), h = src.height(), bands = src.bands();
            long length = (long) w * h * bands;
            input = NativeLibraries.atLeast(input, length);
            input.write(0, src.bytes(), 0, (int) length);
            long capacity = bufferSize(w, h, bands);
            output = NativeLibraries.atLeast(output, capacity);
            resetWarnings();
            try {
                // As TurboJPEG's tjCompress2 with TJFLAG_ACCURATEDCT: defaults, YCbCr (or gray), baseline quality tables.
                cinfo.setInt(C_IMAGE_WIDTH, w);
                cinfo.setInt(C_IMAGE_HEIGHT, h);
                cinfo.setInt(C_INPUT_COMPONENTS, bands);
                cinfo.setInt(C_IN_COLOR_SPACE, bands == 1 ? JCS_GRAYSCALE : JCS_RGB);
                Lib.jpeg_set_defaults(cinfo);
                Lib.jpeg_set_colorspace(cinfo, bands == 1 ? JCS_GRAYSCALE : JCS_YCBCR);
                Lib.jpeg_set_quality(cinfo, quality, 1);
                cinfo.setInt(C_DCT_METHOD, JDCT_ISLOW);
                if (bands == 3) {
                    Pointer luma = cinfo.getPointer(C_COMP_INFO);
                    luma.setInt(COMP_H_SAMP, subsampling == ChromaSubsampling.S444 ? 1 : 2);
                    luma.setInt(COMP_V_SAMP, subsampling == ChromaSubsampling.S420 ? 2 : 1);
                }
                scratch.setPointer(0, output);
                scratch.setNativeLong(8, new NativeLong(output.size()));
                Lib.jpeg_mem_dest(cinfo, scratch, scratch.share(8));
                Lib.jpeg_start_compress(cinfo, 1);
                rows = NativeLibraries.atLeast(rows, 8L * h);
                long base = Pointer.nativeValue(input);
                if (addresses.length < h) addresses = new long[h];
                for (int y = 0; y < h; y++) addresses[y] = base + (long) y * w * bands;
                rows.write(0, addresses, 0, h);
                long rowArray = Pointer.nativeValue(rows);
                while (cinfo.getInt(C_NEXT_SCANLINE) < h) {
                    int next = cinfo.getInt(C_NEXT_SCANLINE);
                    if (Lib.jpeg_write_scanlines(cinfo, rowArray + 8L * next, h - next) <= 0) {
                        throw new CodecException("libjpeg accepted no rows at row " + next);
                    }
                }
                Lib.jpeg_finish_compress(cinfo);
            } catch (RuntimeException e) {
                Lib.jpeg_abort_compress(cinfo);
                throw e;
            }
            Pointer written = scratch.getPointer(0);
            long size = scratch.getNativeLong(8).longValue();
            try {
                if (size <= 0 || size > Integer.MAX_VALUE) throw new CodecException("libjpeg wrote " + size + " bytes");
                return written.getByteArray(0, (int) size);
            } finally {
                // jpeg_mem_dest replaces a buffer that is too small by one of its own (malloc): free that one.
                if (Pointer.nativeValue(written) != Pointer.nativeValue(output)) Native.free(Pointer.nativeValue(written));
            }
        }

        /** An output size no JPEG of this image exceeds at the qualities libjpeg writes (as tjBufSize, with room). */
        private static long bufferSize(int w, int h, int bands) {
            long mcuW = (w + 15L) & ~15L, mcuH = (h + 15L) & ~15L;
            return mcuW * mcuH * (bands == 1 ? 1 : 3) + 4096;
        }

        private void resetWarnings() {
            err.setNativeLong(ERR_NUM_WARNINGS, new NativeLong(0));
            warning = null;
        }

        private void requireNoWarning() {
            if (err.getNativeLong(ERR_NUM_WARNINGS).longValue() != 0) {
                throw new CodecException("damaged JPEG data: " + (warning == null ? "libjpeg warning" : warning));
            }
        }

        void close() {
            Lib.jpeg_destroy_decompress(dinfo);
            if (cinfo != null) Lib.jpeg_destroy_compress(cinfo);
            for (Memory m : new Memory[] {input, output, rows, cinfo}) if (m != null) m.close();
            dinfo.close();
            scratch.close();
            err.close();
        }
    }

    interface ErrorExit extends Callback {
        void invoke(Pointer cinfo);
    }

    interface OutputMessage extends Callback {
        void invoke(Pointer cinfo);
    }

    /** The libjpeg functions used here (jpeglib.h, v62), bound by direct mapping; size_t and unsigned long are 64-bit (LP64). */
    private static final class Lib {
        static native Pointer jpeg_std_error(Pointer err);

        static native void jpeg_CreateDecompress(Pointer cinfo, int version, long structSize);

        static native void jpeg_CreateCompress(Pointer cinfo, int version, long structSize);

        static native void jpeg_destroy_decompress(Pointer cinfo);

        static native void jpeg_destroy_compress(Pointer cinfo);

        static native void jpeg_mem_src(Pointer cinfo, Pointer buffer, NativeLong size);

        static native int jpeg_read_header(Pointer cinfo, int requireImage);

        static native int jpeg_start_decompress(Pointer cinfo);

        static native void jpeg_crop_scanline(Pointer cinfo, Pointer xoffset, Pointer width);

        static native int jpeg_skip_scanlines(Pointer cinfo, int lines);

        static native int jpeg_read_scanlines(Pointer cinfo, long rows, int maxLines);

        static native void jpeg_abort_decompress(Pointer cinfo);

        static native void jpeg_set_defaults(Pointer cinfo);

        static native void jpeg_set_colorspace(Pointer cinfo, int colorSpace);

        static native void jpeg_set_quality(Pointer cinfo, int quality, int forceBaseline);

        static native void jpeg_mem_dest(Pointer cinfo, Pointer outBuffer, Pointer outSize);

        static native void jpeg_start_compress(Pointer cinfo, int writeAllTables);

        static native int jpeg_write_scanlines(Pointer cinfo, long rows, int lines);

        static native void jpeg_finish_compress(Pointer cinfo);

        static native void jpeg_abort_compress(Pointer cinfo);
    }
}
