package org.slidestream.dl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Plane;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.TiledSlide;

/**
 * A one-level slide held in memory (one raster per Z section), on the tile engine: exact pixels at
 * level 0 in 64 px tiles, any downsample resampled by the engine as for a real slide, background
 * outside the image.
 */
public final class ArraySlide extends TiledSlide {
    private static final int TILE = 64;
    private final List<Raster> planes;

    public ArraySlide(Path path, List<Raster> planes, boolean brightfield) {
        this(path, planes, brightfield, SlideOptions.defaults());
    }

    public ArraySlide(Path path, List<Raster> planes, boolean brightfield, SlideOptions options) {
        super(path, metadata(planes, brightfield), List.of(new LevelInfo(planes.get(0).width(), planes.get(0).height(), 1.0, TILE, TILE)), options);
        this.planes = List.copyOf(planes);
    }

    private static SlideMetadata metadata(List<Raster> planes, boolean brightfield) {
        Raster r = planes.get(0);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < r.bands(); c++) names.add(brightfield && r.bands() == 3 ? "RGB".substring(c, c + 1) : "C" + c);
        return new SlideMetadata("test", r.type(), r.bands(), planes.size(), 1, names, 0.5, 0.5, null, 20.0, brightfield, Map.of());
    }

    /** A deterministic RGB test image with structure at several scales. */
    public static Raster rgb(int w, int h, long seed) {
        Raster r = Raster.create(PixelType.UINT8, w, h, 3);
        java.util.Random rnd = new java.util.Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.set(x, y, 0, 128 + 100 * Math.sin(x / 9.0 + y / 23.0) + rnd.nextInt(20));
                r.set(x, y, 1, 90 + 80 * Math.cos(y / 7.0) + rnd.nextInt(30));
                r.set(x, y, 2, (x * 3 + y * 5) % 256);
            }
        }
        return r;
    }

    @Override
    protected Raster decodeTile(int level, Plane plane, int tx, int ty) {
        Raster src = planes.get(plane.z());
        Region tile = new Region(tx * TILE, ty * TILE, TILE, TILE).intersect(new Region(0, 0, src.width(), src.height()));
        return src.crop(tile);
    }

    @Override public List<String> associatedImages() { return List.of(); }

    @Override public Raster readAssociated(String name) { throw new IllegalArgumentException("no associated image " + name); }
}
