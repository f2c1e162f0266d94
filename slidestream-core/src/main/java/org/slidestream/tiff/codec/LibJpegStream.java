package org.slidestream.tiff.codec;

/**
 * A JPEG stream rewritten for libjpeg's own API, so that libjpeg never reaches its fatal-error
 * handler. libjpeg reports a fatal error by calling {@code error_exit}, which must not return (C
 * code longjmps out of it); a Java callback can neither longjmp nor throw through native frames.
 * So the streams sent to libjpeg are restricted to a subset whose every fatal check is made here
 * first, in Java, and the stream libjpeg sees is rebuilt from what was checked:
 *
 * <ul>
 *   <li>baseline or extended sequential Huffman DCT (SOF0, SOF1), 8-bit, 1 or 3 components, one
 *       interleaved scan holding every component in frame order, with the spectral selection of a
 *       sequential scan (0..63, no approximation);
 *   <li>sampling factors 1 to 4 that divide the largest ones (no fractional upsampling), at most 10
 *       blocks per MCU, images of at most 65,500 pixels a side;
 *   <li>every quantization and Huffman table the frame and scan use is defined before the scan,
 *       and every Huffman table is one libjpeg can derive (no code overflow, DC symbols at most 15).
 * </ul>
 *
 * The rebuilt stream is SOI, the used tables, the frame header, DRI, the scan header, the
 * entropy-coded data up to the first marker that is not a restart marker, then EOI. Application
 * and comment segments are dropped (the caller sets the colour space itself). What libjpeg may still
 * find in the entropy-coded data (bad codes, restart markers out of order, data ending early) are
 * warnings, which the codec treats as errors. Streams outside the subset (progressive, lossless,
 * 12-bit, several scans, unusual markers, tables that do not parse) are left to the pure-Java
 * decoder, which accepts or rejects them on its own.
 */
final class LibJpegStream {
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    static final int MAX_DIMENSION = 65_500; // JPEG_MAX_DIMENSION in libjpeg
    private static final int MAX_BLOCKS_IN_MCU = 10;

    /**
     * The rebuilt stream, in three parts that the decoder copies one after the other into native
     * memory (so that the entropy-coded data, most of a tile, is copied once): {@code header} (SOI to
     * the scan header's end), {@code data[dataStart, dataEnd)}, then EOI; and the frame's geometry.
     */
    record Frame(byte[] header, byte[] data, int dataStart, int dataEnd, int width, int height, int components, int maxH, int maxV) {
        static final byte[] EOI = {(byte) 0xFF, (byte) 0xD9};

        int length() { return header.length + (dataEnd - dataStart) + EOI.length; }

        /** The whole rebuilt stream as one array. */
        byte[] stream() {
            byte[] out = new byte[length()];
            System.arraycopy(header, 0, out, 0, header.length);
            System.arraycopy(data, dataStart, out, header.length, dataEnd - dataStart);
            System.arraycopy(EOI, 0, out, out.length - 2, 2);
            return out;
        }

        /** Pixels of an iMCU (the unit libjpeg crops and skips by) across and down. */
        int mcuWidth() { return components == 1 ? 8 : 8 * maxH; }

        int mcuHeight() { return components == 1 ? 8 : 8 * maxV; }
    }

    private LibJpegStream() {}

    /**
     * The stream rebuilt for libjpeg, or null when it is outside the subset libjpeg is given (then
     * the pure-Java decoder decides). Never throws for damaged data: what fails to parse is simply
     * not given to libjpeg.
     */
    static Frame of(byte[] jpeg) {
        try {
            return new Parser(jpeg).parse();
        } catch (ArrayIndexOutOfBoundsException e) {
            return null; // a length that runs past the data: let the pure-Java decoder report it
        }
    }

    private static final class Parser {
        private final byte[] b;
        private final byte[][] quant = new byte[4][]; // each table's segment payload: Pq|Tq and 64 or 128 bytes
        private final byte[][] dc = new byte[4][];    // Tc|Th, 16 counts, symbols
        private final byte[][] ac = new byte[4][];
        private int sofStart = -1, sofEnd, sofMarker;
        private int restartInterval;
        private int width, height, components, maxH, maxV;
        private final int[] ids = new int[4], h = new int[4], v = new int[4], tq = new int[4];

        Parser(byte[] b) {
            this.b = b;
        }

        Frame parse() {
            if (b.length < 4 || u8(0) != 0xFF || u8(1) != 0xD8) return null;
            int pos = 2;
            while (pos < b.length) {
                if (u8(pos) != 0xFF) return null; // libjpeg would warn about extraneous bytes
                while (pos < b.length && u8(pos) == 0xFF) pos++;
                if (pos >= b.length) return null;
                int m = u8(pos++);
                if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) continue; // TEM, RSTn: no payload
                if (pos + 2 > b.length) return null;
                int len = u16(pos);
                int payload = pos + 2, end = pos + len;
                if (len < 2 || end > b.length) return null;
                boolean ok = switch (m) {
                    case 0xC0, 0xC1 -> frame(m, pos - 2, payload, end);
                    case 0xC4 -> huffman(payload, end);
                    case 0xDB -> quantization(payload, end);
                    case 0xDD -> restart(payload, end);
                    case 0xDA -> true;
                    default -> (m >= 0xE0 && m <= 0xEF) || m == 0xFE; // APPn, COM: skipped
                };
                if (!ok) return null;
                if (m == 0xDA) return scan(pos - 2, payload, end);
                pos = end;
            }
            return null;
        }

        private boolean frame(int marker, int start, int p, int end) {
            if (sofStart >= 0) return false;
            int n = end - p >= 6 ? u8(p + 5) : 0;
            if ((n != 1 && n != 3) || end - p != 6 + 3 * n || u8(p) != 8) return false;
            height = u16(p + 1);
            width = u16(p + 3);
            if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) return false;
            components = n;
            for (int i = 0; i < n; i++) {
                int q = p + 6 + 3 * i;
                ids[i] = u8(q);
                h[i] = u8(q + 1) >> 4;
                v[i] = u8(q + 1) & 15;
                tq[i] = u8(q + 2);
                if (h[i] < 1 || h[i] > 4 || v[i] < 1 || v[i] > 4 || tq[i] > 3) return false;
                for (int j = 0; j < i; j++) if (ids[j] == ids[i]) return false;
                maxH = Math.max(maxH, h[i]);
                maxV = Math.max(maxV, v[i]);
            }
            int blocks = 0;
            for (int i = 0; i < n; i++) {
                if (maxH % h[i] != 0 || maxV % v[i] != 0) return false; // libjpeg: fractional sampling not implemented
                blocks += h[i] * v[i];
            }
            if (n > 1 && blocks > MAX_BLOCKS_IN_MCU) return false;
            sofStart = start;
            sofEnd = end;
            sofMarker = marker;
            return true;
        }

        private boolean huffman(int p, int end) {
            while (p < end) {
                if (p + 17 > end) return false;
                int tc = u8(p) >> 4, th = u8(p) & 15;
                if (tc > 1 || th > 3) return false;
                int count = 0;
                for (int i = 1; i <= 16; i++) count += u8(p + i);
                if (count > 256 || p + 17 + count > end) return false;
                if (!derivable(p + 1, p + 17, count, tc == 0)) return false;
                byte[] table = java.util.Arrays.copyOfRange(b, p, p + 17 + count);
                (tc == 0 ? dc : ac)[th] = table;
                p += 17 + count;
            }
            return p == end;
        }

        /** jpeg_make_d_derived_tbl's checks: the canonical codes fit their lengths; DC symbols are at most 15. */
        private boolean derivable(int counts, int symbols, int count, boolean isDc) {
            long code = 0;
            for (int length = 1; length <= 16; length++) {
                code += u8(counts + length - 1);
                if (code >= (1L << length)) return false; // no code may be all ones
                code <<= 1;
            }
            if (isDc) {
                for (int i = 0; i < count; i++) if (u8(symbols + i) > 15) return false;
            }
            return true;
        }

        private boolean quantization(int p, int end) {
            while (p < end) {
                int pq = u8(p) >> 4, t = u8(p) & 15;
                int size = 1 + 64 * (pq + 1);
                if (pq > 1 || t > 3 || p + size > end) return false;
                quant[t] = java.util.Arrays.copyOfRange(b, p, p + size);
                p += size;
            }
            return p == end;
        }

        private boolean restart(int p, int end) {
            if (end - p != 2) return false;
            restartInterval = u16(p);
            return true;
        }

        private Frame scan(int start, int p, int end) {
            if (sofStart < 0) return null;
            int n = u8(p);
            if (n != components || end - p != 4 + 2 * n) return null;
            for (int i = 0; i < n; i++) {
                int q = p + 1 + 2 * i;
                int td = u8(q + 1) >> 4, ta = u8(q + 1) & 15;
                if (u8(q) != ids[i] || td > 3 || ta > 3 || dc[td] == null || ac[ta] == null || quant[tq[i]] == null) return null;
            }
            int spectral = p + 1 + 2 * n;
            if (u8(spectral) != 0 || u8(spectral + 1) != 63 || u8(spectral + 2) != 0) return null;
            int dataEnd = entropyEnd(end);
            boolean[] qUsed = new boolean[4], dcUsed = new boolean[4], acUsed = new boolean[4];
            for (int i = 0; i < n; i++) {
                qUsed[tq[i]] = true;
                int sel = u8(p + 2 + 2 * i);
                dcUsed[sel >> 4] = true;
                acUsed[sel & 15] = true;
            }
            // Sized first and filled in place: this runs for every tile.
            int size = 2 + (sofEnd - sofStart) + (restartInterval != 0 ? 6 : 0) + (end - start);
            for (int t = 0; t < 4; t++) {
                if (qUsed[t]) size += 4 + quant[t].length;
                if (dcUsed[t]) size += 4 + dc[t].length;
                if (acUsed[t]) size += 4 + ac[t].length;
            }
            byte[] out = new byte[size];
            int at = marker(out, 0, 0xD8);
            for (int t = 0; t < 4; t++) if (qUsed[t]) at = segment(out, at, 0xDB, quant[t]);
            for (int t = 0; t < 4; t++) {
                if (dcUsed[t]) at = segment(out, at, 0xC4, dc[t]);
                if (acUsed[t]) at = segment(out, at, 0xC4, ac[t]);
            }
            System.arraycopy(b, sofStart, out, at, sofEnd - sofStart);
            at += sofEnd - sofStart;
            if (restartInterval != 0) at = segment(out, at, 0xDD, new byte[] {(byte) (restartInterval >> 8), (byte) restartInterval});
            System.arraycopy(b, start, out, at, end - start);
            return new Frame(out, b, end, dataEnd, width, height, components, maxH, maxV);
        }

        /**
         * Where the entropy-coded data from {@code p} ends: at the first marker other than RSTn, or
         * the data's end. Eight bytes at a time until one of them is 0xFF (about 1 byte in 250 of
         * entropy-coded data, each followed by a stuffed 0x00).
         */
        private int entropyEnd(int p) {
            byte[] d = b;
            int n = d.length;
            while (p < n - 1) {
                while (p + 8 <= n && !hasFF((long) LONGS.get(d, p))) p += 8;
                if (p >= n - 1) break;
                if (d[p++] != (byte) 0xFF) continue;
                int q = p;
                while (q < n && d[q] == (byte) 0xFF) q++; // fill bytes before a marker
                if (q >= n) return p - 1;
                int m = d[q] & 0xFF;
                if (m != 0x00 && (m < 0xD0 || m > 0xD7)) return p - 1;
                p = q + 1;
            }
            return n;
        }

        /** Whether a byte of {@code x} is 0xFF: the classic zero-byte test on its complement. */
        private static boolean hasFF(long x) {
            long y = ~x;
            return ((y - 0x0101010101010101L) & ~y & 0x8080808080808080L) != 0;
        }

        private static int marker(byte[] out, int at, int marker) {
            out[at] = (byte) 0xFF;
            out[at + 1] = (byte) marker;
            return at + 2;
        }

        private static int segment(byte[] out, int at, int marker, byte[] payload) {
            int len = payload.length + 2;
            at = marker(out, at, marker);
            out[at] = (byte) (len >> 8);
            out[at + 1] = (byte) len;
            System.arraycopy(payload, 0, out, at + 2, payload.length);
            return at + 2 + payload.length;
        }

        private int u8(int at) {
            return b[at] & 0xFF;
        }

        private int u16(int at) {
            return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
        }
    }
}
