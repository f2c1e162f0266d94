package org.slidestream.dicom;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.tiff.codec.CodecException;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.JpegColour;
import org.slidestream.tiff.codec.JpegStreams;

/**
 * Turns a frame's stored bytes into pixels for the transfer syntaxes a whole-slide reader meets:
 * native (explicit or implicit VR little endian), JPEG baseline and extended (8-bit), and JPEG 2000.
 * Anything else (JPEG-LS, JPEG lossless, RLE, HTJ2K) is refused when the slide is opened with one
 * line naming the transfer syntax.
 */
final class FrameDecoder {
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    static final String JPEG2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String JPEG2000 = "1.2.840.10008.1.2.4.91";

    private enum Kind { NATIVE, JPEG, JPEG2000 }

    private final WsiInstance instance;
    private final Kind kind;
    private final JpegCodec jpeg;
    private final Jpeg2000Codec jpeg2000;

    FrameDecoder(WsiInstance instance, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
        this.instance = instance;
        this.jpeg = jpeg;
        this.jpeg2000 = jpeg2000;
        this.kind = kind(instance);
    }

    PixelType pixelType() {
        return pixelType(instance);
    }

    static PixelType pixelType(WsiInstance i) {
        if (i.bitsAllocated == 8) return i.pixelRepresentation == 1 ? PixelType.INT8 : PixelType.UINT8;
        return i.pixelRepresentation == 1 ? PixelType.INT16 : PixelType.UINT16;
    }

    /** The decoder kind for an instance's transfer syntax and photometric interpretation, or a one-line refusal. */
    private static Kind kind(WsiInstance i) {
        String ts = i.transferSyntax;
        String pi = i.photometric;
        Kind k = switch (ts) {
            case Part10Parser.EXPLICIT_LE, Part10Parser.IMPLICIT_LE -> Kind.NATIVE;
            case JPEG_BASELINE, JPEG_EXTENDED -> Kind.JPEG;
            case JPEG2000_LOSSLESS, JPEG2000 -> Kind.JPEG2000;
            default -> throw new UnsupportedSlideException(i.path, "unsupported transfer syntax " + ts + " (" + TransferSyntaxes.name(ts)
                    + "); this reader decodes uncompressed, JPEG baseline and JPEG 2000 frames");
        };
        boolean mono = pi.equals("MONOCHROME2") || pi.equals("MONOCHROME1");
        boolean colour = pi.equals("RGB") || pi.startsWith("YBR_");
        if (i.samples == 1 && !mono) throw new UnsupportedSlideException(i.path, "unsupported photometric interpretation " + pi + " for one sample");
        if (i.samples == 3 && !colour) throw new UnsupportedSlideException(i.path, "unsupported photometric interpretation " + pi + " for three samples");
        if (k == Kind.NATIVE && (pi.equals("YBR_FULL_422") || pi.equals("YBR_PARTIAL_422") || pi.startsWith("YBR_PARTIAL"))) {
            throw new UnsupportedSlideException(i.path, "unsupported uncompressed photometric interpretation " + pi);
        }
        if (k == Kind.JPEG && i.bitsAllocated != 8) {
            throw new UnsupportedSlideException(i.path, "unsupported JPEG frames of " + i.bitsStored + " bits (8-bit JPEG only)");
        }
        return k;
    }

    /** Decodes frame {@code index} into a new raster of the frame's size. */
    Raster decode(int index) {
        byte[] data = instance.frame(index);
        int w = instance.tileWidth, h = instance.tileHeight, bands = instance.samples;
        Raster out = Raster.create(pixelType(), w, h, bands);
        try {
            switch (kind) {
                case NATIVE -> unpack(data, out);
                case JPEG -> {
                    jpeg.decode(data, bands == 3 ? jpegColour(data) : JpegColour.RGB, out);
                }
                case JPEG2000 -> {
                    // YBR_ICT / YBR_RCT: the codestream's own component transform makes RGB; YBR_FULL: Y, Cb, Cr to convert.
                    JpegColour colour = instance.photometric.equals("YBR_FULL") ? JpegColour.YCBCR : JpegColour.RGB;
                    jpeg2000.decode(data, colour, out);
                }
            }
        } catch (CodecException e) {
            throw new CorruptSlideException(instance.path, "frame " + (index + 1) + ": " + e.getMessage(), e);
        }
        if (instance.photometric.equals("MONOCHROME1")) invert(out);
        return out;
    }

    /**
     * What three JPEG components hold: the stream's own JFIF or Adobe marker when it has one (converters
     * copy scanner tiles and add a marker but keep a YBR photometric interpretation, and every decoder
     * follows the marker), else the photometric interpretation (Aperio's RGB tiles carry no marker and
     * component ids 0, 1, 2, which libjpeg alone would take for YCbCr).
     */
    private JpegColour jpegColour(byte[] data) {
        JpegStreams.Header h = JpegStreams.header(data);
        if (h.jfif() || h.adobeTransform() >= 0) return h.impliedColour();
        return instance.photometric.startsWith("YBR") ? JpegColour.YCBCR : JpegColour.RGB;
    }

    private void unpack(byte[] data, Raster out) {
        int n = out.sampleCount();
        boolean planar = instance.planarConfiguration == 1 && instance.samples == 3;
        int pixels = out.width() * out.height();
        if (out.type().bytes() == 1) {
            byte[] o = out.bytes();
            if (!planar) {
                System.arraycopy(data, 0, o, 0, n);
            } else {
                for (int p = 0; p < pixels; p++) for (int b = 0; b < 3; b++) o[p * 3 + b] = data[b * pixels + p];
            }
        } else {
            short[] o = out.shorts();
            for (int s = 0; s < n; s++) {
                int src = planar ? (s % 3) * pixels + s / 3 : s;
                o[s] = (short) ((data[2 * src] & 0xFF) | (data[2 * src + 1] & 0xFF) << 8);
            }
        }
        if (instance.photometric.equals("YBR_FULL") && out.type() == PixelType.UINT8) {
            ycbcrToRgb(out.bytes());
        }
    }

    /** YBR_FULL (PS3.3 C.7.6.3.1.2) to RGB, with libjpeg's rounding. */
    private static void ycbcrToRgb(byte[] p) {
        for (int i = 0; i + 2 < p.length; i += 3) {
            int y = p[i] & 0xFF, cb = (p[i + 1] & 0xFF) - 128, cr = (p[i + 2] & 0xFF) - 128;
            p[i] = clamp(Math.round(y + 1.402 * cr));
            p[i + 1] = clamp(Math.round(y - 0.344136 * cb - 0.714136 * cr));
            p[i + 2] = clamp(Math.round(y + 1.772 * cb));
        }
    }

    private static byte clamp(long v) {
        return (byte) Math.max(0, Math.min(255, v));
    }

    private static void invert(Raster r) {
        if (r.type() == PixelType.UINT8) {
            byte[] b = r.bytes();
            for (int i = 0; i < b.length; i++) b[i] = (byte) (255 - (b[i] & 0xFF));
        } else if (r.type() == PixelType.UINT16) {
            short[] s = r.shorts();
            for (int i = 0; i < s.length; i++) s[i] = (short) (0xFFFF - (s[i] & 0xFFFF));
        }
    }
}
