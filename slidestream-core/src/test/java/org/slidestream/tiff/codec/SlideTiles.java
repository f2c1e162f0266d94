package org.slidestream.tiff.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

/**
 * Tiles of a real slide's level 0 with the reference pixels OpenSlide gives for the same
 * rectangles: tifffile lists each tile's offset and length (and the JPEGTables), OpenSlide's
 * {@code read_region} reads the tile's rectangle, and the tile bytes are read from the file here.
 */
record SlideTiles(int width, int height, int tileWidth, int tileHeight, byte[] jpegTables, List<Tile> tiles) {

    /** One tile: its compressed bytes and OpenSlide's RGB pixels of its rectangle (clipped to the image). */
    record Tile(int index, int x, int y, byte[] data, Raster reference) {}

    private static final String SCRIPT = """
            import sys, json, openslide, tifffile, numpy as np
            path, out, idx = sys.argv[1], sys.argv[2], [int(i) for i in sys.argv[3].split(',')]
            page = tifffile.TiffFile(path).pages[0]
            tw, th, W, H = page.tilewidth, page.tilelength, page.imagewidth, page.imagelength
            across = -(-W // tw)
            slide = openslide.OpenSlide(path)
            tiles = []
            with open(out, 'wb') as f:
                for i in idx:
                    x, y = (i % across) * tw, (i // across) * th
                    w, h = min(tw, W - x), min(th, H - y)
                    f.write(np.asarray(slide.read_region((x, y), 0, (w, h)))[:, :, :3].tobytes())
                    tiles.append(dict(index=i, x=x, y=y, w=w, h=h,
                                      offset=int(page.dataoffsets[i]), length=int(page.databytecounts[i])))
            print(json.dumps(dict(width=W, height=H, tileWidth=tw, tileHeight=th,
                                  tables=(page.jpegtables or b'').hex(), tiles=tiles)))
            """;

    /** The tiles with these indices (row-major over level 0) of a slide in ../shared/data/slides. */
    static SlideTiles load(String slideName, int... indices) {
        Path slide = SharedData.slide(slideName);
        ReferenceTools.requirePythonModules("openslide", "tifffile", "numpy");
        try {
            Path pixels = Files.createTempFile("openslide-tiles", ".rgb");
            try {
                String idx = IntStream.of(indices).mapToObj(String::valueOf).collect(Collectors.joining(","));
                String json = ReferenceTools.python(SCRIPT, slide, pixels, idx).requireSuccess("OpenSlide tile reference").stdout();
                JsonNode root = new ObjectMapper().readTree(json);
                byte[] rgb = Files.readAllBytes(pixels);
                List<Tile> tiles = new ArrayList<>();
                int pos = 0;
                try (RandomAccessFile file = new RandomAccessFile(slide.toFile(), "r")) {
                    for (JsonNode t : root.get("tiles")) {
                        byte[] data = new byte[t.get("length").asInt()];
                        file.seek(t.get("offset").asLong());
                        file.readFully(data);
                        int w = t.get("w").asInt(), h = t.get("h").asInt();
                        Raster ref = Raster.create(PixelType.UINT8, w, h, 3);
                        System.arraycopy(rgb, pos, ref.bytes(), 0, w * h * 3);
                        pos += w * h * 3;
                        tiles.add(new Tile(t.get("index").asInt(), t.get("x").asInt(), t.get("y").asInt(), data, ref));
                    }
                }
                return new SlideTiles(root.get("width").asInt(), root.get("height").asInt(), root.get("tileWidth").asInt(),
                        root.get("tileHeight").asInt(), HexFormat.of().parseHex(root.get("tables").asText()), List.copyOf(tiles));
            } finally {
                Files.deleteIfExists(pixels);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A raster of one tile's full size, as a decoder fills it. */
    Raster newTileRaster() {
        return Raster.create(PixelType.UINT8, tileWidth, tileHeight, 3);
    }
}
