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
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOpener;
import org.slidestream.slide.SlideOptions;
import org.slidestream.synth.SyntheticSlide;

/**
 * Test slides for the command tests, readable before a TIFF reader is on the class path: a text
 * file {@code synth W H SEED} is the procedural synthetic slide of that size; a PNG is its pixels,
 * with an optional {@code mpp} sidecar ({@code NAME.png.mpp}). Levels are 2x area averages of
 * level 0; reads at any downsample average the level-0 pixels each output pixel covers.
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
                return new TestSlide(path, SyntheticSlide.procedural(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3])),
                        SyntheticSlide.MPP, SyntheticSlide.MAGNIFICATION);
            }
            Raster r = ImageFiles.read(path);
            Path mppFile = path.resolveSibling(path.getFileName() + ".mpp");
            Double mpp = Files.exists(mppFile) ? Double.valueOf(Files.readString(mppFile).strip()) : null;
            return new TestSlide(path, new RasterSource(r), mpp, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record RasterSource(Raster r) implements TileSource {
        @Override public ImageInfo info() { return new ImageInfo(r.width(), r.height(), 3, PixelType.UINT8, 256, 256); }

        @Override public void read(int plane, Region region, Raster dest) {
            dest.fill(255);
            Region in = region.intersect(info().bounds());
            if (!in.isEmpty()) dest.copyFrom(r, in.x(), in.y(), in.x() - region.x(), in.y() - region.y(), in.width(), in.height());
        }
    }

    static final class TestSlide implements Slide {
        private final Path path;
        private final TileSource src;
        private final SlideMetadata meta;
        private final List<LevelInfo> levels = new ArrayList<>();

        TestSlide(Path path, TileSource src, Double mpp, Double mag) {
            this.path = path;
            this.src = src;
            this.meta = new SlideMetadata("test", PixelType.UINT8, 3, 1, 1, List.of("R", "G", "B"), mpp, mpp, null, mag, true, Map.of());
            int w = src.info().width(), h = src.info().height();
            for (int d = 1; d == 1 || Math.max(w / d, h / d) >= 256; d *= 4) {
                levels.add(new LevelInfo(Math.ceilDiv(w, d), Math.ceilDiv(h, d), d, 256, 256));
            }
        }

        @Override public Path path() { return path; }
        @Override public SlideMetadata metadata() { return meta; }
        @Override public List<LevelInfo> levels() { return levels; }
        @Override public List<String> associatedImages() { return List.of(); }
        @Override public Raster readAssociated(String name) { throw new IllegalArgumentException("none"); }
        @Override public void close() {}

        @Override public void readRegion(ReadRequest q, Raster dest) {
            double ds = q.byLevel() ? levels.get(q.level()).downsample() : q.downsample();
            average(q.x(), q.y(), q.width(), q.height(), ds, dest);
        }

        @Override public void readLevelRegion(int level, Region r, int channel, int z, int t, Raster dest) {
            double ds = levels.get(level).downsample();
            average((int) Math.round(r.x() * ds), (int) Math.round(r.y() * ds), r.width(), r.height(), ds, dest);
        }

        /** Each output pixel: the mean of the level-0 pixels whose centres fall in its footprint. */
        private void average(int x0, int y0, int w, int h, double ds, Raster dest) {
            if (ds == 1) {
                src.read(0, new Region(x0, y0, w, h), dest);
                return;
            }
            for (int y = 0; y < h; y++) {
                int sy0 = (int) Math.floor(y0 + y * ds), sy1 = Math.max(sy0 + 1, (int) Math.floor(y0 + (y + 1) * ds));
                int sw = (int) Math.floor(w * ds) + 2;
                Raster strip = Raster.create(PixelType.UINT8, sw, sy1 - sy0, 3);
                src.read(0, new Region(x0, sy0, sw, sy1 - sy0), strip);
                for (int x = 0; x < w; x++) {
                    int sx0 = (int) Math.floor(x * ds), sx1 = Math.max(sx0 + 1, (int) Math.floor((x + 1) * ds));
                    for (int b = 0; b < 3; b++) {
                        long s = 0;
                        for (int yy = 0; yy < sy1 - sy0; yy++) for (int xx = sx0; xx < sx1; xx++) s += strip.bytes()[(yy * sw + xx) * 3 + b] & 0xFF;
                        dest.bytes()[(y * dest.width() + x) * 3 + b] = (byte) Math.round(s / (double) ((sy1 - sy0) * (sx1 - sx0)));
                    }
                }
            }
        }
    }
}
