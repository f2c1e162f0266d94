package org.slidestream.tiff.writer;

import java.nio.ByteOrder;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.tiff.codec.ByteCodec;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.Compression;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.Predictor;
import org.slidestream.tiff.codec.ZlibCompressor;

/**
 * Encodes one stored tile (full tile size, the samples of one IFD interleaved) as its compressed
 * bytes: JPEG, or the samples in little-endian order through a predictor and a byte codec.
 * Thread-safe; the same input always gives the same bytes.
 */
final class TileEncoder {
    static final int DEFLATE_LEVEL = 6;
    static final int ZSTD_LEVEL = 3;

    private final TiffWriteOptions options;
    private final PixelType type;
    private final ByteCodec codec;
    private final JpegCodec jpeg;
    /** libdeflate for Deflate tiles where it loads (2-3 times faster than zlib), else null. */
    private final ZlibCompressor zlib;

    TileEncoder(TiffWriteOptions options, PixelType type, boolean allowNatives) {
        this.options = options;
        this.type = type;
        this.codec = options.compression() == Compression.JPEG ? null : ByteCodec.of(options.compression());
        this.jpeg = options.compression() == Compression.JPEG ? Codecs.jpeg(allowNatives) : null;
        boolean deflate = options.compression() == Compression.DEFLATE || options.compression() == Compression.ADOBE_DEFLATE;
        this.zlib = deflate ? Codecs.nativeZlib(allowNatives) : null;
    }

    /** TIFF predictor tag value, or 0 when no predictor tag is written. */
    int predictor() {
        return switch (options.compression()) {
            case LZW, DEFLATE, ZSTD -> type.isFloat() ? Predictor.FLOATING_POINT : Predictor.HORIZONTAL;
            default -> 0;
        };
    }

    /** The tile's stored bytes; may change {@code tile}'s samples (the predictor works in place). */
    byte[] encode(Raster tile) {
        if (jpeg != null) return jpeg.encode(tile, options.quality(), options.subsampling());
        byte[] raw;
        int p = predictor();
        if (p == Predictor.FLOATING_POINT) {
            raw = Predictor.applyFloatingPoint(tile.toBytes(ByteOrder.BIG_ENDIAN), tile.width(), tile.height(), tile.bands(), type);
        } else {
            if (p == Predictor.HORIZONTAL) Predictor.applyHorizontal(tile);
            raw = tile.toBytes(ByteOrder.LITTLE_ENDIAN);
        }
        int level = switch (options.compression()) {
            case DEFLATE -> DEFLATE_LEVEL;
            case ZSTD -> ZSTD_LEVEL;
            default -> 0;
        };
        return zlib != null ? zlib.compress(raw, 0, raw.length, level) : codec.encode(raw, level);
    }
}
