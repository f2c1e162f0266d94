package org.slidestream.tiff.codec;

/**
 * The image size and components from a JPEG 2000 codestream's SIZ marker (ISO/IEC 15444-1
 * A.5.1), read before decoding so that a damaged or hostile header never reaches a decoder's
 * allocations. Accepts a raw codestream ({@code FF 4F FF 51}) or a JP2 file (its {@code jp2c} box).
 *
 * @param codestream offset of the codestream's SOC marker in the data
 * @param jp2        whether the data is a JP2 file rather than a raw codestream
 * @param precision  bits per sample of the widest component
 * @param signed     whether any component is signed
 */
public record Jpeg2000Header(int width, int height, int components, int precision, boolean signed, int codestream, boolean jp2) {
    private static final int SOT = 0xFF90;
    private static final int EOC = 0xFFD9;
    private static final byte[] JP2_SIGNATURE = {0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, (byte) 0x87, 10};

    /** The header of a codestream or JP2 file; {@link CodecException} when it is damaged. */
    public static Jpeg2000Header parse(byte[] data) {
        boolean jp2 = startsWithSignature(data);
        int soc = jp2 ? findCodestream(data) : 0;
        if (u16(data, soc) != 0xFF4F || u16(data, soc + 2) != 0xFF51) {
            throw new CodecException("not a JPEG 2000 codestream (no SOC and SIZ markers at its start)");
        }
        int p = soc + 4; // Lsiz
        int lsiz = u16(data, p);
        if (lsiz < 41 || p + lsiz > data.length) throw new CodecException("JPEG 2000 SIZ marker is truncated");
        long xsiz = u32(data, p + 4), ysiz = u32(data, p + 8), x0 = u32(data, p + 12), y0 = u32(data, p + 16);
        int csiz = u16(data, p + 36);
        if (csiz < 1 || lsiz < 38 + 3 * csiz) throw new CodecException("JPEG 2000 SIZ marker with " + csiz + " components is invalid");
        long w = xsiz - x0, h = ysiz - y0;
        if (w <= 0 || h <= 0 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw new CodecException("JPEG 2000 image has an invalid size " + w + "x" + h);
        }
        int precision = 0;
        boolean signed = false;
        for (int c = 0; c < csiz; c++) {
            int ssiz = data[p + 38 + 3 * c] & 0xFF;
            int dx = data[p + 39 + 3 * c] & 0xFF, dy = data[p + 40 + 3 * c] & 0xFF;
            if (dx == 0 || dy == 0) throw new CodecException("JPEG 2000 component " + c + " has subsampling 0");
            precision = Math.max(precision, (ssiz & 0x7F) + 1);
            signed |= (ssiz & 0x80) != 0;
        }
        requireCompleteTileParts(data, soc + 4 + lsiz);
        return new Jpeg2000Header((int) w, (int) h, csiz, precision, signed, soc, jp2);
    }

    /**
     * Walks the main header's marker segments to the first tile-part, then the tile-parts by their
     * lengths: a codestream cut short is damaged. (JJ2000 would print a stack trace and throw
     * ThreadDeath on it; OpenJPEG would decode the missing part as gray.)
     */
    private static void requireCompleteTileParts(byte[] data, int pos) {
        while (true) {
            int marker = u16(data, pos);
            if (marker == SOT) break;
            if ((marker & 0xFF00) != 0xFF00) throw new CodecException("JPEG 2000 main header is damaged at byte " + pos);
            pos += 2 + u16(data, pos + 2);
        }
        while (pos < data.length) {
            int marker = u16(data, pos);
            if (marker == EOC) return;
            if (marker != SOT) throw new CodecException("JPEG 2000 tile-part expected at byte " + pos);
            long psot = u32(data, pos + 6);
            if (psot == 0) return; // the last tile-part runs to the end of the codestream
            if (psot < 14 || pos + psot > data.length) {
                throw new CodecException("JPEG 2000 codestream is truncated: a tile-part of " + psot
                        + " bytes at byte " + pos + " runs past its end (" + data.length + " bytes)");
            }
            pos += (int) psot;
        }
    }

    private static boolean startsWithSignature(byte[] data) {
        if (data.length < JP2_SIGNATURE.length) return false;
        for (int i = 0; i < JP2_SIGNATURE.length; i++) if (data[i] != JP2_SIGNATURE[i]) return false;
        return true;
    }

    /** Offset of the contiguous codestream box's payload in a JP2 file. */
    private static int findCodestream(byte[] data) {
        long pos = 0;
        while (pos + 8 <= data.length) {
            long len = u32(data, (int) pos);
            int type = (int) u32(data, (int) pos + 4);
            int header = 8;
            if (len == 1) {
                if (pos + 16 > data.length) break;
                len = (u32(data, (int) pos + 8) << 32) | u32(data, (int) pos + 12);
                header = 16;
            } else if (len == 0) {
                len = data.length - pos;
            }
            if (type == 0x6A703263) return (int) pos + header; // 'jp2c'
            if (len < header) break;
            pos += len;
        }
        throw new CodecException("JP2 file has no codestream box");
    }

    private static int u16(byte[] b, int at) {
        if (at < 0 || at + 2 > b.length) throw new CodecException("JPEG 2000 data is truncated");
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        if (at < 0 || at + 4 > b.length) throw new CodecException("JPEG 2000 data is truncated");
        return ((long) (b[at] & 0xFF) << 24) | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
