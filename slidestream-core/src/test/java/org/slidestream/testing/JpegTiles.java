package org.slidestream.testing;

import java.io.ByteArrayOutputStream;
import java.util.function.BiPredicate;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.tiff.codec.JpegCodec;

/**
 * Tiled JPEG images for the vendor-format writers: an 8-bit RGB source cut into tiles (edge tiles
 * padded by repeating the edge, as libtiff writers do), each encoded by the project's JPEG codec as
 * YCbCr, written into a {@link TiffBuilder} with the tags a tiled JPEG TIFF needs. Tiles may be left
 * out (offset and byte count 0: sparse, as Philips files are), and the tables may be kept once in
 * JPEGTables with abbreviated tiles (as libtiff writes them) instead of in every tile.
 */
public final class JpegTiles {
    private final int tile;
    private final int quality;
    private final ChromaSubsampling subsampling;
    private boolean sharedTables;
    private BiPredicate<Integer, Integer> missing = (x, y) -> false;

    public JpegTiles(int tile, int quality, ChromaSubsampling subsampling) {
        this.tile = tile;
        this.quality = quality;
        this.subsampling = subsampling;
    }

    /** Keeps the tables in JPEGTables (347) and writes abbreviated tiles. */
    public JpegTiles sharedTables() {
        this.sharedTables = true;
        return this;
    }

    /** Tiles (column, row) for which this holds are not stored. */
    public JpegTiles missing(BiPredicate<Integer, Integer> which) {
        this.missing = which;
        return this;
    }

    /** Appends the tiles of {@code src} and returns a directory with the image's tags (not yet written). */
    public TiffBuilder.Dir write(TiffBuilder b, TileSource src) {
        JpegCodec codec = Codecs.jpeg(true);
        int w = src.info().width(), h = src.info().height();
        int across = Math.ceilDiv(w, tile), down = Math.ceilDiv(h, tile);
        long[] offsets = new long[across * down], counts = new long[across * down];
        byte[] tables = null;
        Raster padded = Raster.create(PixelType.UINT8, tile, tile, 3);
        for (int ty = 0; ty < down; ty++) {
            for (int tx = 0; tx < across; tx++) {
                if (missing.test(tx, ty)) continue;
                int x = tx * tile, y = ty * tile, cw = Math.min(tile, w - x), ch = Math.min(tile, h - y);
                Raster r = Raster.create(PixelType.UINT8, cw, ch, 3);
                src.read(0, new Region(x, y, cw, ch), r);
                for (int yy = 0; yy < tile; yy++) {
                    padded.copyFrom(r, 0, Math.min(yy, ch - 1), 0, yy, cw, 1);
                    for (int xx = cw; xx < tile; xx++) padded.copyFrom(r, cw - 1, Math.min(yy, ch - 1), xx, yy, 1, 1);
                }
                byte[] jpeg = codec.encode(padded, quality, subsampling);
                if (sharedTables) {
                    byte[][] split = split(jpeg);
                    if (tables == null) tables = split[0];
                    jpeg = split[1];
                }
                int i = ty * across + tx;
                offsets[i] = b.append(jpeg);
                counts[i] = jpeg.length;
            }
        }
        TiffBuilder.Dir d = b.directory().longs(256, w).longs(257, h).shorts(258, 8, 8, 8).shorts(259, 7).shorts(262, 6)
                .shorts(277, 3).shorts(284, 1).longs(322, tile).longs(323, tile).longs(324, offsets).longs(325, counts)
                .shorts(530, subsampling.horizontal(), subsampling.vertical());
        if (tables != null) d.bytes(347, 7, tables);
        return d;
    }

    /** A complete JPEG as libtiff keeps it: {tables (SOI, DQT, DHT, EOI), tile (SOI, SOF, SOS..., EOI)}. */
    private static byte[][] split(byte[] j) {
        ByteArrayOutputStream tables = new ByteArrayOutputStream(), rest = new ByteArrayOutputStream(j.length);
        tables.write(0xFF);
        tables.write(0xD8);
        rest.write(0xFF);
        rest.write(0xD8);
        int p = 2;
        while (p + 4 <= j.length) {
            int m = j[p + 1] & 0xFF, len = (j[p + 2] & 0xFF) << 8 | (j[p + 3] & 0xFF);
            if (m == 0xDA) {
                rest.write(j, p, j.length - p);
                break;
            }
            if (m == 0xDB || m == 0xC4) tables.write(j, p, 2 + len);
            else if (m != 0xE0) rest.write(j, p, 2 + len); // the JFIF marker goes, as in libtiff's tiles
            p += 2 + len;
        }
        tables.write(0xFF);
        tables.write(0xD9);
        return new byte[][] {tables.toByteArray(), rest.toByteArray()};
    }
}
