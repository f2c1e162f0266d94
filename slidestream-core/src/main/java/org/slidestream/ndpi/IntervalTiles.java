package org.slidestream.ndpi;

import java.io.ByteArrayOutputStream;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.JpegColour;
import org.slidestream.tiff.codec.JpegStreams;

/**
 * A level stored as one JPEG stream with restart markers, read as virtual tiles: each tile is a
 * rectangle of whole restart intervals (a few across, a few rows of MCUs down; about
 * {@link #TARGET_TILE_PIXELS}), decoded from a JPEG
 * stream built for it alone: the level's header with the tile's size in its frame header, then the
 * tile's intervals row by row with their restart markers renumbered from 0 and an end-of-image
 * marker after the last. DC prediction restarts at every marker, so each interval decodes without
 * the data before it, and a region read decodes only the intervals it touches.
 *
 * <p>A level without restart markers is one tile, the whole stream (as OpenSlide reads it).
 */
final class IntervalTiles {
    /**
     * Pixels of a virtual tile the grouping aims at: a random 256 x 256 read decodes about as many
     * pixels as OpenSlide's one-interval tiles (often 256 x 8) while making ten times fewer decodes.
     */
    static final int TARGET_TILE_PIXELS = 128 * 128;

    private final RestartIndex.Bytes file;
    private final long streamStart;
    private final long streamEnd;
    private final JpegFrame frame;
    private final byte[] header;
    private final JpegColour colour;
    private final RestartIndex index;
    final int width;
    final int height;
    final int tileWidth;
    final int tileHeight;
    final int tilesAcross;
    final int tilesDown;
    private final int intervalsAcross;
    private final int groupAcross;
    private final int groupDown;
    final int bands;

    /**
     * @param width     the level's width (from its TIFF tags; the frame header's may be wrong)
     * @param recorded  absolute interval starts from the file's tags, or null
     */
    IntervalTiles(RestartIndex.Bytes file, long streamStart, long streamEnd, int width, int height, JpegFrame frame, byte[] header,
                  long[] recorded) {
        this.file = file;
        this.streamStart = streamStart;
        this.streamEnd = streamEnd;
        this.frame = frame;
        this.header = header;
        this.width = width;
        this.height = height;
        this.bands = frame.components();
        if (bands != 1 && bands != 3) throw new IllegalArgumentException("JPEG of " + bands + " components");
        this.colour = bands == 3 ? JpegStreams.header(header).impliedColour() : JpegColour.YCBCR;
        int perRow = frame.intervalsPerRow(width);
        if (perRow > 0) {
            int intervalWidth = frame.restartInterval() * frame.mcuWidth();
            int rows = Math.ceilDiv(height, frame.mcuHeight());
            intervalsAcross = perRow;
            groupAcross = Math.max(1, Math.min(perRow, 256 / intervalWidth));
            groupDown = Math.max(1, Math.min(rows, TARGET_TILE_PIXELS / (groupAcross * intervalWidth * frame.mcuHeight())));
            tileWidth = groupAcross * intervalWidth;
            tileHeight = groupDown * frame.mcuHeight();
            index = new RestartIndex(file, streamStart + frame.headerLength(), streamEnd, Math.multiplyExact(perRow, rows), recorded);
        } else {
            intervalsAcross = groupAcross = groupDown = 1;
            tileWidth = width;
            tileHeight = height;
            index = null;
        }
        tilesAcross = Math.ceilDiv(width, tileWidth);
        tilesDown = Math.ceilDiv(height, tileHeight);
    }

    /** Pixels across one restart interval. */
    int intervalWidth() { return frame.restartInterval() * frame.mcuWidth(); }

    /** Pixels down one restart interval (one row of MCUs). */
    int intervalHeight() { return frame.mcuHeight(); }

    /** Whether the stream has restart markers (else it is one tile). */
    boolean hasRestartMarkers() { return index != null; }

    /** Width and height of tile (tx, ty), cut at the level's edge. */
    int tileW(int tx) { return Math.min(tileWidth, width - tx * tileWidth); }

    int tileH(int ty) { return Math.min(tileHeight, height - ty * tileHeight); }

    /**
     * Decodes tile (tx, ty) into a new raster of the tile's size (cut at the edge) divided by
     * {@code scale} (1, 2, 4 or 8; rounded down, at least 1), 8-bit, 1 or 3 bands. Scaled tiles are
     * OpenSlide's extra NDPI levels, which libjpeg decodes reduced in the DCT domain; the codec does
     * the same (its pure-Java fallback averages boxes of the decoded tile instead).
     *
     * @throws RestartIndex.DamagedStreamException when the stream's markers are damaged
     * @throws org.slidestream.tiff.codec.CodecException when the JPEG data is
     */
    Raster decode(int tx, int ty, JpegCodec codec, int scale) {
        int w = tileW(tx), h = tileH(ty);
        if (scale == 1) {
            Raster out = Raster.create(PixelType.UINT8, w, h, bands);
            codec.decode(stream(tx, ty), colour, out);
            return out;
        }
        int rw = Math.max(1, w / scale), rh = Math.max(1, h / scale);
        Raster out = Raster.create(PixelType.UINT8, rw, rh, bands);
        codec.decode(stream(tx, ty), colour, scale, new Region(0, 0, rw, rh), out, 0, 0);
        return out;
    }

    /** The JPEG stream of tile (tx, ty). */
    byte[] stream(int tx, int ty) {
        if (index == null) {
            byte[] whole = file.read(streamStart, streamEnd - streamStart, "JPEG stream");
            return withSize(whole, width, height, whole.length);
        }
        int w = tileW(tx), h = tileH(ty);
        int across = Math.min(groupAcross, intervalsAcross - tx * groupAcross);
        int down = Math.ceilDiv(h, frame.mcuHeight());
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + across * down * 1024);
        out.write(withSize(header, w, h, header.length), 0, header.length);
        int written = 0, total = across * down;
        for (int r = 0; r < down; r++) {
            int first = (ty * groupDown + r) * intervalsAcross + tx * groupAcross;
            Row row = rowFromRecords(first, across);
            if (row == null) row = rowByScanning(first, across);
            for (int c = 0; c < across; c++) {
                int end = row.offset() + row.ends()[c];
                if (row.ends()[c] < 2 || (row.bytes()[end - 2] & 0xFF) != 0xFF) {
                    throw new RestartIndex.DamagedStreamException("no marker at the end of restart interval " + (first + c));
                }
                row.bytes()[end - 1] = (byte) (++written == total ? 0xD9 : 0xD0 + ((written - 1) & 7));
            }
            out.write(row.bytes(), row.offset(), row.ends()[across - 1]);
        }
        return out.toByteArray();
    }

    /**
     * A row of consecutive intervals as read: its bytes from {@code offset}, and where each interval
     * ends (after its marker) relative to {@code offset}.
     */
    private record Row(byte[] bytes, int offset, int[] ends) {}

    /**
     * Intervals {@code first .. first + n} read in one piece from the recorded starts, with every
     * restart marker inside them and the one before them checked; null when a start is unknown or a
     * marker is not where the records say (those records are then distrusted).
     */
    private Row rowFromRecords(int first, int n) {
        long[] s = index.recorded(first, n);
        if (s == null) return null;
        long from = first == 0 ? s[0] : s[0] - 2;
        for (int i = 1; i <= n; i++) {
            if (s[i] < s[i - 1] + 2) { // records out of order: not to be trusted
                index.distrustFrom(first);
                return null;
            }
        }
        if (from < 0 || s[n] <= from || s[n] - from > Integer.MAX_VALUE - 16) return null;
        byte[] b = file.read(from, s[n] - from, "JPEG data");
        int base = (int) (s[0] - from);
        int[] ends = new int[n];
        for (int i = 0; i <= n; i++) {
            int k = first + i; // the marker before interval k ends interval k - 1
            if (k == 0) continue;
            int at = (int) (s[i] - from) - 2;
            boolean last = k == index.count(); // the stream's end: EOI or whatever the strip ends with
            if (at < 0 || at + 1 >= b.length || (b[at] & 0xFF) != 0xFF || (!last && (b[at + 1] & 0xFF) != 0xD0 + ((k - 1) & 7))) {
                index.distrustFrom(first);
                return null;
            }
            if (i > 0) ends[i - 1] = at + 2 - base;
        }
        index.confirm(first, n);
        return new Row(b, base, ends);
    }

    /** Intervals {@code first .. first + n}, their starts found (by scanning where needed) first. */
    private Row rowByScanning(int first, int n) {
        long start = index.interval(first)[0];
        int[] ends = new int[n];
        long last = start;
        for (int c = 0; c < n; c++) {
            last = index.interval(first + c)[1];
            if (last - start > Integer.MAX_VALUE - 16) throw new RestartIndex.DamagedStreamException("a row of restart intervals larger than 2 GB");
            ends[c] = (int) (last - start);
        }
        return new Row(file.read(start, last - start, "JPEG data"), 0, ends);
    }

    /** A copy of the first {@code length} bytes of a stream with the frame header's size set to w x h. */
    private byte[] withSize(byte[] stream, int w, int h, int length) {
        byte[] b = java.util.Arrays.copyOf(stream, length);
        int p = frame.sofPosition() + 5;
        b[p] = (byte) (h >> 8);
        b[p + 1] = (byte) h;
        b[p + 2] = (byte) (w >> 8);
        b[p + 3] = (byte) w;
        return b;
    }
}
