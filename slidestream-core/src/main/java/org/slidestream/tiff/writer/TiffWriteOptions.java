package org.slidestream.tiff.writer;

import java.util.Objects;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.Compression;

/**
 * How to write a pyramidal TIFF.
 *
 * @param layout       {@link TiffLayout#OME} (SubIFD pyramids, OME-XML) or {@link TiffLayout#GENERIC}
 * @param compression  NONE, LZW, DEFLATE, ZSTD (lossless; with predictor 2 for integer samples and 3
 *                     for floating point) or JPEG (8-bit only)
 * @param quality      JPEG quality, 1..100
 * @param subsampling  chroma subsampling of RGB JPEG tiles (stored as YCbCr)
 * @param tileSize     tile width and height, a multiple of 16
 * @param minLevelSide levels are halved until the longer side is at most this
 * @param bigTiff      when to write BigTIFF
 * @param downsampling how lower levels are made: area average, or nearest for label masks
 */
public record TiffWriteOptions(TiffLayout layout, Compression compression, int quality,
        ChromaSubsampling subsampling, int tileSize, int minLevelSide, BigTiffMode bigTiff, Downsampling downsampling) {

    /** Options with the area-average pyramid. */
    public TiffWriteOptions(TiffLayout layout, Compression compression, int quality,
            ChromaSubsampling subsampling, int tileSize, int minLevelSide, BigTiffMode bigTiff) {
        this(layout, compression, quality, subsampling, tileSize, minLevelSide, bigTiff, Downsampling.AVERAGE);
    }

    public TiffWriteOptions {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(subsampling, "subsampling");
        Objects.requireNonNull(bigTiff, "bigTiff");
        Objects.requireNonNull(downsampling, "downsampling");
        switch (compression) {
            case NONE, LZW, DEFLATE, ZSTD, JPEG -> { }
            default -> throw new IllegalArgumentException("cannot write " + compression.cliName()
                    + " compression (choose none, lzw, deflate, zstd or jpeg)");
        }
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("JPEG quality must be 1..100: " + quality);
        if (tileSize < 16 || tileSize % 16 != 0 || tileSize > 8192) {
            throw new IllegalArgumentException("tile size must be a multiple of 16 from 16 to 8192: " + tileSize);
        }
        if (minLevelSide < 1) throw new IllegalArgumentException("minimum level side must be >= 1: " + minLevelSide);
    }

    /** OME layout, Deflate, JPEG quality 90, 4:2:0, 512 px tiles, levels down to 1024 px, BigTIFF when needed. */
    public static TiffWriteOptions defaults() {
        return new TiffWriteOptions(TiffLayout.OME, Compression.DEFLATE, 90, ChromaSubsampling.S420, 512, 1024, BigTiffMode.AUTO, Downsampling.AVERAGE);
    }

    public TiffWriteOptions withLayout(TiffLayout l) {
        return new TiffWriteOptions(l, compression, quality, subsampling, tileSize, minLevelSide, bigTiff, downsampling);
    }

    public TiffWriteOptions withCompression(Compression c) {
        return new TiffWriteOptions(layout, c, quality, subsampling, tileSize, minLevelSide, bigTiff, downsampling);
    }

    public TiffWriteOptions withQuality(int q) {
        return new TiffWriteOptions(layout, compression, q, subsampling, tileSize, minLevelSide, bigTiff, downsampling);
    }

    public TiffWriteOptions withSubsampling(ChromaSubsampling s) {
        return new TiffWriteOptions(layout, compression, quality, s, tileSize, minLevelSide, bigTiff, downsampling);
    }

    public TiffWriteOptions withTileSize(int t) {
        return new TiffWriteOptions(layout, compression, quality, subsampling, t, minLevelSide, bigTiff, downsampling);
    }

    public TiffWriteOptions withMinLevelSide(int s) {
        return new TiffWriteOptions(layout, compression, quality, subsampling, tileSize, s, bigTiff, downsampling);
    }

    public TiffWriteOptions withBigTiff(BigTiffMode m) {
        return new TiffWriteOptions(layout, compression, quality, subsampling, tileSize, minLevelSide, m, downsampling);
    }

    public TiffWriteOptions withDownsampling(Downsampling d) {
        return new TiffWriteOptions(layout, compression, quality, subsampling, tileSize, minLevelSide, bigTiff, d);
    }
}
