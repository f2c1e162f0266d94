package org.slidestream.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.tiff.codec.ByteCodec;
import org.slidestream.tiff.codec.CodecException;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.Jpeg2000Header;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.JpegColour;
import org.slidestream.tiff.codec.JpegStreams;
import org.slidestream.tiff.codec.Predictor;

/**
 * One image of a TIFF file (an IFD with pixel data), as tiles: tiled images have their tiles, and a
 * stripped image is a grid one tile wide whose tiles are the strips (image width x RowsPerStrip).
 * Everything a decode needs is read and validated when the image is made, so a tile decode reads
 * only the tile's bytes.
 */
final class TiffImage implements TileGrid {
    static final int PHOTOMETRIC_MIN_IS_WHITE = 0;
    static final int PHOTOMETRIC_MIN_IS_BLACK = 1;
    static final int PHOTOMETRIC_RGB = 2;
    static final int PHOTOMETRIC_PALETTE = 3;
    static final int PHOTOMETRIC_YCBCR = 6;
    /** Largest decoded tile or strip we accept (a Java array; a budget check comes on top). */
    private static final int JP2K_LIBVIPS = 33004;
    /** Uncompressed strips larger than this are read in pieces of whole rows. */
    private static final long SPLIT_STRIP_BYTES = 1L << 20;
    private static final long MAX_BLOCK_BYTES = Integer.MAX_VALUE - 64;

    private final Ifd ifd;
    private final Path path;
    final int width;
    final int height;
    final int tileWidth;
    final int tileHeight;
    final boolean tiled;
    /** Samples per pixel stored; {@link #bands} of them are used (RGB with alpha: 3 of 4). */
    final int samples;
    final int bands;
    final PixelType type;
    final int compressionCode;
    final Compression compression;
    final int photometric;
    final int planar;
    final int predictor;
    final int tilesAcross;
    final int tilesDown;
    private final long[] offsets;
    private final long[] counts;
    private final byte[] jpegTables;
    /** RGB triplets of a palette-colour image's 256 indices, or null. */
    private final byte[] palette;
    private final ByteOrder order;

    private TiffImage(Ifd ifd, PixelType typeOverride) {
        this.ifd = ifd;
        this.path = ifd.file().path();
        this.order = ifd.file().order();
        String where = "IFD " + ifd.index();
        long w = ifd.longValue(Tag.IMAGE_WIDTH, -1), h = ifd.longValue(Tag.IMAGE_LENGTH, -1);
        if (w <= 0 || h <= 0) throw corrupt(where + ": missing or zero image size (" + w + "x" + h + ")");
        if (w > Integer.MAX_VALUE - 64 || h > Integer.MAX_VALUE - 64) throw unsupported(where + ": image of " + w + "x" + h + " pixels is too large");
        width = (int) w;
        height = (int) h;
        long spp = ifd.longValue(Tag.SAMPLES_PER_PIXEL, 1);
        if (spp < 1 || spp > 1024) throw corrupt(where + ": SamplesPerPixel " + spp);
        samples = (int) spp;
        long[] bps = ifd.longs(Tag.BITS_PER_SAMPLE, samples);
        int bits = bps == null || bps.length == 0 ? 1 : (int) bps[0];
        if (bps != null) {
            for (long b : bps) if (b != bits) throw unsupported(where + ": different BitsPerSample per sample");
        }
        int format = (int) ifd.longValue(Tag.SAMPLE_FORMAT, 1);
        PixelType t = pixelType(bits, format);
        if (t == null) throw unsupported(where + ": " + bits + "-bit samples of SampleFormat " + format);
        if (typeOverride != null && typeOverride != t) {
            if (typeOverride.bytes() != t.bytes() || typeOverride.isFloat() != t.isFloat()) {
                throw corrupt(where + ": samples are " + t + " but the metadata says " + typeOverride);
            }
            t = typeOverride;
        }
        type = t;
        compressionCode = (int) ifd.longValue(Tag.COMPRESSION, 1);
        // 33004: libvips's code for JPEG 2000 tiles, whose components it stores as YCbCr (without the codestream's MCT).
        compression = compressionCode == JP2K_LIBVIPS ? Compression.APERIO_JP2K_YCBCR : Compression.fromCode(compressionCode);
        if (compression == null) throw unsupported(where + ": unknown compression " + compressionCode);
        boolean jpeg = compression == Compression.JPEG;
        if (!jpeg && !compression.isJpeg2000() && ByteCodec.of(compression) == null) {
            throw unsupported(where + ": compression " + compression.cliName() + " (" + compressionCode + ") is not supported");
        }
        photometric = (int) ifd.longValue(Tag.PHOTOMETRIC, samples >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MIN_IS_BLACK);
        planar = (int) ifd.longValue(Tag.PLANAR_CONFIGURATION, 1);
        if (planar != 1 && planar != 2) throw corrupt(where + ": PlanarConfiguration " + planar);
        predictor = (int) ifd.longValue(Tag.PREDICTOR, 1);
        if (predictor != 1 && predictor != 2 && predictor != 3) throw unsupported(where + ": predictor " + predictor);
        if (predictor == 3 && !type.isFloat()) throw unsupported(where + ": floating-point predictor on " + type + " samples");
        if (ifd.longValue(Tag.FILL_ORDER, 1) == 2) throw unsupported(where + ": FillOrder 2 (bit-reversed bytes)");
        switch (photometric) {
            case PHOTOMETRIC_MIN_IS_BLACK, PHOTOMETRIC_RGB -> { }
            case PHOTOMETRIC_MIN_IS_WHITE -> {
                if (type.isFloat() || type.isSigned()) throw unsupported(where + ": min-is-white " + type + " samples");
            }
            case PHOTOMETRIC_YCBCR -> {
                if (!jpeg && !compression.isJpeg2000()) throw unsupported(where + ": YCbCr samples without JPEG compression");
            }
            case PHOTOMETRIC_PALETTE -> {
                if (type != PixelType.UINT8 || samples != 1) throw unsupported(where + ": palette-colour images of " + bits + "-bit samples");
            }
            default -> throw unsupported(where + ": photometric interpretation " + photometric);
        }
        bands = photometric == PHOTOMETRIC_PALETTE ? 3 : photometric == PHOTOMETRIC_RGB && samples > 3 ? 3 : samples;
        if (photometric == PHOTOMETRIC_PALETTE) {
            long[] map = ifd.longs(Tag.COLOR_MAP, 3 * 256);
            if (map == null || map.length < 3 * 256) throw corrupt(where + ": palette-colour image without a 256-entry ColorMap");
            palette = new byte[3 * 256];
            // 16-bit map entries to 8 bits, as libtiff's RGBA interface does for 16-bit maps
            for (int i = 0; i < 256; i++) for (int c = 0; c < 3; c++) palette[3 * i + c] = (byte) (map[c * 256 + i] >> 8);
        } else {
            palette = null;
        }
        if ((jpeg || compression.isJpeg2000()) && planar == 2 && samples > 1 && photometric != PHOTOMETRIC_RGB && photometric != PHOTOMETRIC_MIN_IS_BLACK) {
            throw unsupported(where + ": separate-plane JPEG with photometric " + photometric);
        }
        if (jpeg && (type.bytes() != 1 || (planar == 1 && samples != 1 && samples != 3))) {
            throw unsupported(where + ": JPEG with " + samples + " samples of " + bits + " bits");
        }
        if (compression.isJpeg2000() && type.bytes() > 2) throw unsupported(where + ": JPEG 2000 with " + bits + "-bit samples");

        tiled = ifd.has(Tag.TILE_WIDTH) || ifd.has(Tag.TILE_OFFSETS);
        long[] blockOffsets, blockCounts;
        int th;
        int planes = planar == 2 ? samples : 1;
        long needed;
        if (tiled) {
            long tw = ifd.longValue(Tag.TILE_WIDTH, -1), tl = ifd.longValue(Tag.TILE_LENGTH, -1);
            if (tw <= 0 || tl <= 0 || tw > 65_536 || tl > 65_536) throw corrupt(where + ": tile size " + tw + "x" + tl);
            tileWidth = (int) tw;
            th = (int) tl;
            needed = (long) Math.ceilDiv(width, tileWidth) * Math.ceilDiv(height, th) * planes;
            // Only the values the grid needs are read, whatever count the tag claims.
            blockOffsets = ifd.longs(Tag.TILE_OFFSETS, needed);
            blockCounts = ifd.longs(Tag.TILE_BYTE_COUNTS, needed);
        } else {
            long rps = ifd.longValue(Tag.ROWS_PER_STRIP, height);
            if (rps <= 0 || rps > height) rps = height;
            tileWidth = width;
            th = (int) rps;
            needed = (long) Math.ceilDiv(height, th) * planes;
            blockOffsets = ifd.longs(Tag.STRIP_OFFSETS, needed);
            blockCounts = ifd.longs(Tag.STRIP_BYTE_COUNTS, needed);
        }
        String kind = tiled ? "tile" : "strip";
        if (blockOffsets == null) throw corrupt(where + ": no " + kind + " offsets");
        if (ifd.file().layout() == OffsetLayout.NDPI) {
            for (int i = 0; i < blockOffsets.length; i++) blockOffsets[i] = ifd.file().fileOffset(ifd, blockOffsets[i]);
        }
        if (blockCounts == null) throw corrupt(where + ": no " + kind + " byte counts");
        if (blockOffsets.length < needed || blockCounts.length < needed) {
            throw corrupt(where + ": " + Math.min(blockOffsets.length, blockCounts.length) + " " + kind + " offsets/byte counts for "
                    + needed + " " + kind + "s");
        }
        long rowBytes = (long) width * (planar == 2 ? 1 : samples) * type.bytes();
        if (!tiled && compression == Compression.NONE && rowBytes * th > SPLIT_STRIP_BYTES) {
            // Uncompressed rows are addressable: read a large strip as several smaller ones, so that a
            // one-strip image (kidney-48-5.tif, many scanners' exports) is read and cached in pieces.
            int rows = (int) Math.max(1, Math.min(th, SPLIT_STRIP_BYTES / rowBytes));
            while (th % rows != 0) rows--;
            int origDown = Math.ceilDiv(height, th), down = Math.ceilDiv(height, rows);
            long[] o = new long[down * planes], c = new long[down * planes];
            for (int p = 0; p < planes; p++) {
                for (int v = 0; v < down; v++) {
                    long row = (long) v * rows;
                    int strip = p * origDown + (int) (row / th);
                    long within = (row % th) * rowBytes;
                    o[p * down + v] = blockOffsets[strip] + within;
                    c[p * down + v] = blockCounts[strip] == 0 ? 0 : Math.max(0, Math.min(rows * rowBytes, blockCounts[strip] - within));
                }
            }
            blockOffsets = o;
            blockCounts = c;
            th = rows;
        }
        tileHeight = th;
        offsets = blockOffsets;
        counts = blockCounts;
        tilesAcross = Math.ceilDiv(width, tileWidth);
        tilesDown = Math.ceilDiv(height, tileHeight);
        long blockBytes = (long) tileWidth * tileHeight * (planar == 2 ? 1 : samples) * type.bytes();
        if (blockBytes > MAX_BLOCK_BYTES) throw unsupported(where + ": " + kind + "s of " + blockBytes + " bytes are too large");
        jpegTables = jpeg ? ifd.bytes(Tag.JPEG_TABLES) : null;
    }

    /** The image an IFD describes; {@code typeOverride} (null: the IFD's) reinterprets samples of the same width. */
    static TiffImage of(Ifd ifd, PixelType typeOverride) {
        return new TiffImage(ifd, typeOverride);
    }

    static TiffImage of(Ifd ifd) {
        return new TiffImage(ifd, null);
    }

    /** The sample type of BitsPerSample and SampleFormat, or null when we do not read it (1-bit, 12-bit, half floats). */
    private static PixelType pixelType(int bits, int format) {
        return switch (format) {
            case 1, 4 -> switch (bits) { // unsigned; 4 = "undefined", read as unsigned as libtiff does
                case 8 -> PixelType.UINT8;
                case 16 -> PixelType.UINT16;
                case 32 -> PixelType.UINT32;
                default -> null;
            };
            case 2 -> switch (bits) {
                case 8 -> PixelType.INT8;
                case 16 -> PixelType.INT16;
                case 32 -> PixelType.INT32;
                default -> null;
            };
            case 3 -> switch (bits) {
                case 32 -> PixelType.FLOAT32;
                case 64 -> PixelType.FLOAT64;
                default -> null;
            };
            default -> null;
        };
    }

    private CorruptSlideException corrupt(String why) {
        return new CorruptSlideException(path, why);
    }

    private UnsupportedSlideException unsupported(String why) {
        return new UnsupportedSlideException(path, why);
    }

    Ifd ifd() { return ifd; }

    int tileCount() { return tilesAcross * tilesDown; }

    @Override public int width() { return width; }

    @Override public int height() { return height; }

    @Override public int tileWidth() { return tileWidth; }

    @Override public int tileHeight() { return tileHeight; }

    @Override public int bands() { return bands; }

    @Override public PixelType type() { return type; }

    @Override public int tilesAcross() { return tilesAcross; }

    @Override public int tilesDown() { return tilesDown; }

    /** JPEG: what three components hold; the TIFF photometric tag decides, as in libtiff. */
    private JpegColour jpegColour() {
        return photometric == PHOTOMETRIC_YCBCR ? JpegColour.YCBCR : JpegColour.RGB;
    }

    private JpegColour jpeg2000Colour() {
        return compression == Compression.APERIO_JP2K_YCBCR ? JpegColour.YCBCR : JpegColour.RGB;
    }

    /**
     * Decodes tile (tx, ty) into a new raster of the full tile size with {@link #bands} bands;
     * returns null for a tile the file does not store (byte count 0), which reads as background.
     *
     * @throws CorruptSlideException when the tile's data is damaged or outside the file
     */
    @Override
    public Raster decodeTile(int tx, int ty, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
        int index = ty * tilesAcross + tx;
        String what = (tiled ? "tile " : "strip ") + index + " of IFD " + ifd.index();
        try {
            if (planar == 1 || samples == 1) {
                Raster r = decodeBlock(index, samples, jpeg, jpeg2000, what);
                if (r == null) return null;
                if (palette != null) return expandPalette(r);
                return bands == samples ? r : firstBands(r);
            }
            Raster out = Raster.create(type, tileWidth, tileHeight, bands);
            int perPlane = tileCount();
            boolean any = false;
            for (int s = 0; s < bands; s++) {
                Raster plane = decodeBlock(s * perPlane + index, 1, jpeg, jpeg2000, what + " sample " + s);
                if (plane != null) {
                    out.setBand(s, plane);
                    any = true;
                }
            }
            return any ? out : null;
        } catch (CodecException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
            throw new CorruptSlideException(path, what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes only {@code part} of tile (tx, ty) (tile pixels), reduced {@code scale} times (1, 2, 4
     * or 8; {@code part}'s origin a multiple of it), into {@code dest} at {@code (dx, dy)}: the JPEG
     * decoder skips the blocks outside the part and reduces in the DCT domain, OpenJPEG decodes only
     * the code-blocks the part needs (at scale 1 only). Returns false, having decoded
     * nothing, when this image's tiles are not decoded that way (not JPEG or JPEG 2000, separate
     * planes, a palette or extra samples, a tile not stored, a part outside the stored image).
     *
     * @throws CorruptSlideException when the tile's data is damaged
     */
    public boolean decodeTilePart(int tx, int ty, Region part, int scale, JpegCodec jpeg, Jpeg2000Codec jpeg2000,
                                  Raster dest, int dx, int dy) {
        boolean j2k = compression.isJpeg2000();
        if ((compression != Compression.JPEG && !j2k) || (planar != 1 && samples != 1) || palette != null || bands != samples
                || dest.bands() != samples || dest.type() != type || (!j2k && type != PixelType.UINT8)) {
            return false;
        }
        int index = ty * tilesAcross + tx;
        // JPEG 2000's reduced resolutions are the wavelet's low-pass, half a pixel off an area average: whole resolution only.
        if (counts[index] == 0 || part.x() % scale != 0 || part.y() % scale != 0 || (j2k && scale != 1)) return false;
        String what = (tiled ? "tile " : "strip ") + index + " of IFD " + ifd.index();
        try {
            byte[] data = ifd.file().readBytes(offsets[index], counts[index], what);
            Region scaled = new Region(part.x() / scale, part.y() / scale, Math.ceilDiv(part.width(), scale), Math.ceilDiv(part.height(), scale));
            if (j2k) {
                Jpeg2000Header h = Jpeg2000Header.parse(data);
                if (part.right() > h.width() || part.bottom() > h.height()) return false;
                jpeg2000.decode(data, jpeg2000Colour(), scale, scaled, dest, dx, dy);
                return true;
            }
            byte[] stream = JpegStreams.withTables(jpegTables, data);
            JpegStreams.Header h = JpegStreams.header(stream);
            if (part.right() > h.width() || part.bottom() > h.height()) return false;
            jpeg.decode(stream, samples == 3 ? jpegColour() : JpegColour.RGB, scale, scaled, dest, dx, dy);
            return true;
        } catch (CodecException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
            throw new CorruptSlideException(path, what + ": " + e.getMessage(), e);
        }
    }

    private Raster decodeBlock(int block, int blockSamples, JpegCodec jpeg, Jpeg2000Codec jpeg2000, String what) {
        long offset = offsets[block], count = counts[block];
        if (count == 0) return null;
        byte[] data = ifd.file().readBytes(offset, count, what);
        // Tiles are stored whole (padded at the edges); the last strip holds only the rows left.
        int rows = tiled ? tileHeight : Math.min(tileHeight, height - (block % tileCount()) / tilesAcross * tileHeight);
        if (compression == Compression.JPEG) {
            Raster r = Raster.create(type, tileWidth, tileHeight, blockSamples);
            byte[] stream = JpegStreams.withTables(jpegTables, data);
            jpeg.decode(stream, blockSamples == 3 ? jpegColour() : JpegColour.RGB, r);
            return r;
        }
        if (compression.isJpeg2000()) {
            Raster r = Raster.create(type, tileWidth, tileHeight, blockSamples);
            jpeg2000.decode(data, jpeg2000Colour(), r);
            return r;
        }
        int bytesPerSample = type.bytes();
        int rowBytes = tileWidth * blockSamples * bytesPerSample;
        int full = rowBytes * tileHeight;
        // Only the rows the block holds are expected (the last strip is shorter); the rest stays zero.
        byte[] raw = ByteCodec.of(compression).decode(data, rowBytes * rows);
        if (predictor == Predictor.FLOATING_POINT) {
            byte[] be = Predictor.undoFloatingPoint(raw, tileWidth, rows, blockSamples, type);
            Raster r = Raster.create(type, tileWidth, tileHeight, blockSamples);
            r.readSamples(ByteBuffer.wrap(be.length == full ? be : java.util.Arrays.copyOf(be, full)).order(ByteOrder.BIG_ENDIAN));
            return r;
        }
        Raster r;
        if (bytesPerSample == 1) {
            r = Raster.wrap(type, tileWidth, tileHeight, blockSamples, raw.length >= full ? raw : java.util.Arrays.copyOf(raw, full));
        } else {
            r = Raster.create(type, tileWidth, tileHeight, blockSamples);
            ByteBuffer in = ByteBuffer.wrap(raw.length >= full ? raw : java.util.Arrays.copyOf(raw, full)).order(order);
            r.readSamples(in);
        }
        if (predictor == Predictor.HORIZONTAL) Predictor.undoHorizontal(r);
        if (photometric == PHOTOMETRIC_MIN_IS_WHITE) invert(r);
        return r;
    }

    private static void invert(Raster r) {
        switch (r.type()) {
            case UINT8 -> { byte[] a = r.bytes(); for (int i = 0; i < a.length; i++) a[i] = (byte) ~a[i]; }
            case UINT16 -> { short[] a = r.shorts(); for (int i = 0; i < a.length; i++) a[i] = (short) ~a[i]; }
            case UINT32 -> { int[] a = r.ints(); for (int i = 0; i < a.length; i++) a[i] = ~a[i]; }
            default -> throw new IllegalStateException("min-is-white " + r.type());
        }
    }

    private Raster expandPalette(Raster indices) {
        Raster out = Raster.create(PixelType.UINT8, indices.width(), indices.height(), 3);
        byte[] in = indices.bytes(), o = out.bytes();
        for (int i = 0, n = indices.width() * indices.height(); i < n; i++) {
            int p = 3 * (in[i] & 0xFF);
            o[3 * i] = palette[p];
            o[3 * i + 1] = palette[p + 1];
            o[3 * i + 2] = palette[p + 2];
        }
        return out;
    }

    /** The first {@link #bands} bands of a tile with extra samples (alpha). */
    private Raster firstBands(Raster r) {
        Raster out = Raster.create(type, r.width(), r.height(), bands);
        for (int b = 0; b < bands; b++) out.setBand(b, r.band(b));
        return out;
    }
}
