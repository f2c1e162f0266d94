package org.slidestream.ndpi;

/**
 * The header of a level's JPEG stream (one strip of an NDPI file): where the frame header (SOF) and
 * the entropy-coded data start, the image size, the restart interval and the MCU size. Positions are
 * relative to the start of the stream. Parsed from the bytes up to the first scan only.
 *
 * @param sofPosition     where the SOF marker (its 0xFF) is
 * @param headerLength    bytes from SOI to the end of the SOS segment: where the first interval starts
 * @param width           the width the SOF declares (NDPI writes 0 or a wrong value past 65,500)
 * @param height          the height the SOF declares
 * @param components      colour components (1 or 3)
 * @param restartInterval MCUs between restart markers, 0 when the stream has none
 * @param mcuWidth        pixels across one MCU
 * @param mcuHeight       pixels down one MCU
 */
record JpegFrame(int sofPosition, int headerLength, int width, int height, int components, int restartInterval,
                 int mcuWidth, int mcuHeight) {

    /** Headers longer than this are not an NDPI level's (theirs are a few hundred bytes). */
    static final int MAX_HEADER = 1 << 20;

    /**
     * Parses the markers of {@code b} from SOI to the end of the first SOS segment.
     *
     * @throws IllegalArgumentException naming what is wrong, when the bytes are not such a header
     *                                  or end before the first scan
     */
    static JpegFrame parse(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) throw new IllegalArgumentException("no JPEG start-of-image marker");
        int pos = 2, sof = -1, width = 0, height = 0, components = 0, restart = 0, maxH = 1, maxV = 1, scanComponents = 0;
        while (true) {
            if (pos + 4 > b.length) throw new IllegalArgumentException("JPEG header ends before its first scan");
            if ((b[pos] & 0xFF) != 0xFF) throw new IllegalArgumentException("JPEG marker expected at byte " + pos);
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) { pos++; continue; } // fill byte
            int len = (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
            if (len < 2 || pos + 2 + len > b.length) throw new IllegalArgumentException("JPEG marker 0x" + Integer.toHexString(marker) + " runs past the header");
            int p = pos + 4;
            if (isSof(marker)) {
                if (marker != 0xC0 && marker != 0xC1) throw new IllegalArgumentException("JPEG process 0x" + Integer.toHexString(marker) + " (only baseline and extended Huffman are split at restart markers)");
                if (len < 8) throw new IllegalArgumentException("JPEG frame header too short");
                sof = pos;
                height = (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF);
                width = (b[p + 3] & 0xFF) << 8 | (b[p + 4] & 0xFF);
                components = b[p + 5] & 0xFF;
                if (components < 1 || len < 8 + 3 * components) throw new IllegalArgumentException("JPEG frame header with " + components + " components");
                for (int c = 0; c < components; c++) {
                    int hv = b[p + 7 + 3 * c] & 0xFF;
                    int h = hv >> 4, v = hv & 15;
                    if (h < 1 || h > 4 || v < 1 || v > 4) throw new IllegalArgumentException("JPEG sampling factors " + h + "x" + v);
                    maxH = Math.max(maxH, h);
                    maxV = Math.max(maxV, v);
                }
            } else if (marker == 0xDD) {
                if (len != 4) throw new IllegalArgumentException("JPEG restart-interval segment of length " + len);
                restart = (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
            } else if (marker == 0xDA) {
                if (sof < 0) throw new IllegalArgumentException("JPEG scan before its frame header");
                scanComponents = b[p] & 0xFF;
                int end = pos + 2 + len;
                // A single-component scan codes 8x8 blocks whatever the sampling; an interleaved one, MCUs.
                int mcuW = scanComponents > 1 ? 8 * maxH : 8, mcuH = scanComponents > 1 ? 8 * maxV : 8;
                if (scanComponents != components) throw new IllegalArgumentException("JPEG scan of " + scanComponents + " of " + components + " components (progressive or non-interleaved)");
                return new JpegFrame(sof, end, width, height, components, restart, mcuW, mcuH);
            } else if (marker == 0xD9 || marker == 0xD8) {
                throw new IllegalArgumentException("JPEG marker 0x" + Integer.toHexString(marker) + " before the first scan");
            }
            pos += 2 + len;
        }
    }

    private static boolean isSof(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    /** Intervals across one row of MCUs of an image {@code imageWidth} wide, or -1 when the intervals do not tile the row. */
    int intervalsPerRow(int imageWidth) {
        if (restartInterval <= 0) return -1;
        int mcusPerRow = Math.ceilDiv(imageWidth, mcuWidth);
        return mcusPerRow % restartInterval == 0 ? mcusPerRow / restartInterval : -1;
    }
}
