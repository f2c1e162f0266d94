package org.slidestream.register;

import java.util.ArrayList;
import java.util.List;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.RasterSource;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Plane;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

/**
 * What registration needs of an image round: its pyramid levels and their pixels, channel names
 * and physical pixel size. A {@link Slide} is one ({@link #of(Slide)}); so is a stack of
 * in-memory rasters.
 */
public interface Pyramid {

    String name();

    List<LevelInfo> levels();

    List<String> channelNames();

    PixelType pixelType();

    /** Micrometres per level-0 pixel along x and y, or null when unknown. */
    Double mppX();

    Double mppY();

    /** Planes (z sections and time points) of every level. */
    int planes();

    /** All channels of one level (regions in that level's pixels). */
    TileSource level(int index);

    /** One channel of a region of a level, as a one-band raster of the region's size. */
    default Raster readChannel(int level, Region region, int channel, int plane) {
        TileSource src = level(level);
        Raster all = Raster.create(pixelType(), region.width(), region.height(), src.info().bands());
        src.read(plane, region, all);
        return all.bands() == 1 ? all : all.band(channel);
    }

    default int width() { return levels().get(0).width(); }

    default int height() { return levels().get(0).height(); }

    /** The level with the largest downsample not above {@code downsample}. */
    default int bestLevel(double downsample) {
        List<LevelInfo> ls = levels();
        int best = 0;
        for (int i = 1; i < ls.size(); i++) {
            if (ls.get(i).downsample() <= downsample * (1 + 1e-6)) best = i;
        }
        return best;
    }

    /** Index of a channel given by name (case-insensitive) or by index; -1 when there is none. */
    default int channelIndex(String nameOrIndex) {
        List<String> names = channelNames();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(nameOrIndex.trim())) return i;
        }
        try {
            int c = Integer.parseInt(nameOrIndex.trim());
            return c >= 0 && c < names.size() ? c : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An open slide as a pyramid (the slide stays owned by the caller). */
    static Pyramid of(Slide slide) {
        SlideMetadata m = slide.metadata();
        String name = slide.path().getFileName().toString();
        return new Pyramid() {
            @Override public String name() { return name; }
            @Override public List<LevelInfo> levels() { return slide.levels(); }
            @Override public List<String> channelNames() { return m.channelNames(); }
            @Override public PixelType pixelType() { return m.pixelType(); }
            @Override public Double mppX() { return m.mppX(); }
            @Override public Double mppY() { return m.mppY(); }
            @Override public int planes() { return m.sizeZ() * m.sizeT(); }
            @Override public TileSource level(int index) { return slide.levelSource(index); }
            @Override public Raster readChannel(int level, Region region, int channel, int plane) {
                Raster r = Raster.create(m.pixelType(), region.width(), region.height(), 1);
                slide.readLevelRegion(level, region, new Plane(channel, plane % m.sizeZ(), plane / m.sizeZ()), r);
                return r;
            }
        };
    }

    /**
     * A pyramid held in memory: level 0 computed from {@code source} (plane 0), each further level
     * the 2x2 mean of the one before, down to a longer side of about 256. For tests and small images.
     */
    static Pyramid inMemory(String name, TileSource source, List<String> channelNames, Double mpp) {
        ImageInfo info = source.info();
        List<Raster> rasters = new ArrayList<>();
        rasters.add(source.read(info.bounds()));
        while (Math.max(rasters.getLast().width(), rasters.getLast().height()) > 256) {
            rasters.add(halve(rasters.getLast()));
        }
        List<LevelInfo> levels = new ArrayList<>();
        for (Raster r : rasters) {
            levels.add(new LevelInfo(r.width(), r.height(), (double) info.width() / r.width(), 256, 256));
        }
        List<String> names = List.copyOf(channelNames);
        return new Pyramid() {
            @Override public String name() { return name; }
            @Override public List<LevelInfo> levels() { return levels; }
            @Override public List<String> channelNames() { return names; }
            @Override public PixelType pixelType() { return info.pixelType(); }
            @Override public Double mppX() { return mpp; }
            @Override public Double mppY() { return mpp; }
            @Override public int planes() { return 1; }
            @Override public TileSource level(int index) { return RasterSource.of(rasters.get(index)); }
        };
    }

    private static Raster halve(Raster r) {
        int w = Math.max(1, r.width() / 2), h = Math.max(1, r.height() / 2), b = r.bands();
        Raster out = Raster.create(r.type(), w, h, b);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < b; c++) {
                    double s = r.get(2 * x, 2 * y, c) + r.get(Math.min(2 * x + 1, r.width() - 1), 2 * y, c)
                            + r.get(2 * x, Math.min(2 * y + 1, r.height() - 1), c)
                            + r.get(Math.min(2 * x + 1, r.width() - 1), Math.min(2 * y + 1, r.height() - 1), c);
                    out.set(x, y, c, s / 4);
                }
            }
        }
        return out;
    }
}
