package org.slidestream.ndpi;

import java.nio.file.Path;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.tiff.TileGrid;
import org.slidestream.tiff.codec.CodecException;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * One NDPI level as a grid of virtual tiles: a stored level's runs of restart intervals, or (scale
 * 2, 4 or 8) OpenSlide's extra level made from a stored one, each tile the stored tile decoded
 * reduced in the DCT domain, as libjpeg's scaled decoding gives OpenSlide.
 */
final class NdpiGrid implements TileGrid {
    private final Path path;
    private final String level;
    private final IntervalTiles stored;
    private final int scale;

    NdpiGrid(Path path, String level, IntervalTiles stored, int scale) {
        this.path = path;
        this.level = level;
        this.stored = stored;
        this.scale = scale;
    }

    @Override public int width() { return stored.width / scale; }

    @Override public int height() { return stored.height / scale; }

    @Override public int tileWidth() { return Math.max(1, stored.tileWidth / scale); }

    @Override public int tileHeight() { return Math.max(1, stored.tileHeight / scale); }

    @Override public int bands() { return stored.bands; }

    @Override public PixelType type() { return PixelType.UINT8; }

    /** Bytes of the stored tile decoded for one of ours (the larger one, for scaled levels). */
    @Override
    public long tileBytes() {
        return (long) stored.tileWidth * stored.tileHeight * stored.bands;
    }

    @Override
    public Raster decodeTile(int tx, int ty, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
        try {
            return stored.decode(tx, ty, jpeg, scale);
        } catch (RestartIndex.DamagedStreamException | CodecException | IllegalArgumentException e) {
            throw new CorruptSlideException(path, level + ", tile " + tx + "," + ty + ": " + e.getMessage(), e);
        }
    }
}
