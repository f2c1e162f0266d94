package org.slidestream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.RasterSource;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Plane;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOpener;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.TiledSlide;
import org.slidestream.synth.SyntheticSlide;

/**
 * Test slides for the command tests, readable before a TIFF reader is on the class path: a text
 * file {@code synth W H SEED} is the procedural synthetic slide of that size; a PNG is its pixels,
 * with an optional {@code mpp} sidecar ({@code NAME.png.mpp}). Both are formats on the tile engine:
 * level 0 is the image in 256 px tiles; levels 1, 2, ... are 4x, 16x, ... downsamples whose tiles
 * the engine resamples from level 0, as it resamples any read between levels.
 */
public final class TestSlideOpener implements SlideOpener {
    @Override public String name() { return "test"; }

    @Override public int probe(Path path, byte[] header) {
        String h = new String(header, 0, Math.min(6, header.length), StandardCharsets.US_ASCII);
        if (h.startsWith("synth ")) return 1;
        if (header.length > 4 && (header[0] & 0xFF) == 0x89 && header[1] == 'P') return 1;
        if (h.startsWith("broken")) return 1;
        return 0;
    }

    @Override public Slide open(Path path, SlideOptions options) {
        try {
            byte[] head = Files.readAllBytes(path);
            String text = new String(head, 0, Math.min(64, head.length), StandardCharsets.US_ASCII);
            if (text.startsWith("broken")) throw new CorruptSlideException(path, "damaged tile 0 (test)");
            if (text.startsWith("synth ")) {
                String[] f = text.strip().split("\\s+");
                return TestSlide.of(path, SyntheticSlide.procedural(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3])),
                        SyntheticSlide.MPP, SyntheticSlide.MAGNIFICATION, options);
            }
            Raster r = ImageFiles.read(path);
            Path mppFile = path.resolveSibling(path.getFileName() + ".mpp");
            Double mpp = Files.exists(mppFile) ? Double.valueOf(Files.readString(mppFile).strip()) : null;
            return TestSlide.of(path, RasterSource.of(r, 255), mpp, null, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One level of RGB pixels from a tile source: the slide's level 0. */
    private static final class Level0 extends TiledSlide {
        private final TileSource src;

        Level0(Path path, TileSource src, SlideMetadata meta, SlideOptions options) {
            super(path, meta, List.of(new LevelInfo(src.info().width(), src.info().height(), 1, TILE, TILE)), options);
            this.src = src;
        }

        @Override protected Raster decodeTile(int level, Plane plane, int tx, int ty) {
            Raster r = Raster.create(PixelType.UINT8, TILE, TILE, 3);
            src.read(0, new Region(tx * TILE, ty * TILE, TILE, TILE), r);
            return r;
        }

        @Override public List<String> associatedImages() { return List.of(); }

        @Override public Raster readAssociated(String name) { throw new IllegalArgumentException("none"); }
    }

    private static final int TILE = 256;

    static final class TestSlide extends TiledSlide {
        private final Level0 base;

        private TestSlide(Level0 base, List<LevelInfo> levels, SlideOptions options) {
            super(base.path(), base.metadata(), levels, options);
            this.base = base;
        }

        static TestSlide of(Path path, TileSource src, Double mpp, Double mag, SlideOptions options) {
            SlideMetadata meta = new SlideMetadata("test", PixelType.UINT8, 3, 1, 1, List.of("R", "G", "B"), mpp, mpp, null, mag, true, Map.of());
            List<LevelInfo> levels = new ArrayList<>();
            int w = src.info().width(), h = src.info().height();
            for (int d = 1; d == 1 || Math.max(w / d, h / d) >= TILE; d *= 4) {
                levels.add(new LevelInfo(Math.ceilDiv(w, d), Math.ceilDiv(h, d), d, TILE, TILE));
            }
            return new TestSlide(new Level0(path, src, meta, options), levels, options);
        }

        @Override protected Raster decodeTile(int level, Plane plane, int tx, int ty) {
            double d = level(level).downsample();
            int x = (int) Math.round(tx * TILE * d), y = (int) Math.round(ty * TILE * d);
            return base.readRegion(ReadRequest.atDownsample(d, x, y, TILE, TILE));
        }

        @Override public List<String> associatedImages() { return List.of(); }

        @Override public Raster readAssociated(String name) { throw new IllegalArgumentException("none"); }

        @Override protected void closeSource() { base.close(); }
    }
}
