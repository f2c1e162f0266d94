package org.slidestream.register;

import java.util.List;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.LevelInfo;

/** Views of pyramids. */
final class Pyramids {
    private Pyramids() {}

    /** One channel of a pyramid as a one-channel pyramid. */
    static Pyramid channel(Pyramid p, int channel) {
        String name = p.channelNames().get(channel);
        return new Pyramid() {
            @Override public String name() { return p.name(); }
            @Override public List<LevelInfo> levels() { return p.levels(); }
            @Override public List<String> channelNames() { return List.of(name); }
            @Override public PixelType pixelType() { return p.pixelType(); }
            @Override public Double mppX() { return p.mppX(); }
            @Override public Double mppY() { return p.mppY(); }
            @Override public int planes() { return p.planes(); }
            @Override public Raster readChannel(int level, Region region, int c, int plane) { return p.readChannel(level, region, channel, plane); }
            @Override public TileSource level(int index) {
                LevelInfo l = p.levels().get(index);
                ImageInfo info = new ImageInfo(l.width(), l.height(), 1, p.pixelType(), l.tileWidth(), l.tileHeight());
                return new TileSource() {
                    @Override public ImageInfo info() { return info; }
                    @Override public int planes() { return p.planes(); }
                    @Override public void read(int plane, Region region, Raster dest) {
                        Raster r = p.readChannel(index, region, channel, plane);
                        dest.copyFrom(r, 0, 0, 0, 0, region.width(), region.height());
                    }
                };
            }
        };
    }
}
