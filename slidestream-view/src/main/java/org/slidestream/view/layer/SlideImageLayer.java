package org.slidestream.view.layer;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.Plane;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.view.tile.DeepZoom;
import org.slidestream.view.tile.PyramidReader;

/**
 * A slide, or an image aligned with it, drawn from its pyramid in one of three ways: as it is
 * (8-bit RGB or gray brightfield), one channel mapped through a contrast window onto a colour
 * (fluorescence, multiplex rounds, any pixel type; the page adds channels up), or as labels
 * (a label mask: each value its colour, 0 transparent).
 */
public final class SlideImageLayer implements TileLayer {

    /** How the pixels become colours. */
    public enum Mode { NATURAL, CHANNEL, LABELS }

    private static final Set<String> NATURAL_OPTIONS = Set.of("z", "t");
    private static final Set<String> CHANNEL_OPTIONS = Set.of("c", "z", "t", "lo", "hi", "color");

    private final PyramidReader reader;
    private final Mode mode;

    public SlideImageLayer(PyramidReader reader, Mode mode) {
        this.reader = reader;
        this.mode = mode;
    }

    /** The natural mode for a slide's pixels: as they are for 8-bit brightfield RGB or gray, else by channel. */
    public static Mode naturalMode(SlideMetadata m) {
        boolean rgb8 = m.pixelType() == PixelType.UINT8 && (m.sizeC() == 3 || m.sizeC() == 1) && m.brightfield();
        return rgb8 ? Mode.NATURAL : Mode.CHANNEL;
    }

    public Mode mode() { return mode; }

    public PyramidReader reader() { return reader; }

    @Override
    public Set<String> optionNames() {
        return mode == Mode.CHANNEL ? CHANNEL_OPTIONS : NATURAL_OPTIONS;
    }

    @Override
    public void check(Map<String, String> o) {
        SlideMetadata m = reader.slide().metadata();
        Options.integer(o, "z", 0, 0, m.sizeZ() - 1);
        Options.integer(o, "t", 0, 0, m.sizeT() - 1);
        if (mode == Mode.CHANNEL) {
            Options.integer(o, "c", 0, 0, m.sizeC() - 1);
            Options.number(o, "lo", 0);
            Options.number(o, "hi", 1);
            Options.colour(o, "color", 0xFFFFFF);
        }
    }

    @Override
    public boolean opaque() {
        return mode != Mode.LABELS;
    }

    @Override
    public Raster render(DeepZoom zoom, int level, Region region, Map<String, String> o) {
        SlideMetadata m = reader.slide().metadata();
        int z = Options.integer(o, "z", 0, 0, m.sizeZ() - 1), t = Options.integer(o, "t", 0, 0, m.sizeT() - 1);
        return switch (mode) {
            case NATURAL -> natural(reader.read(level, region, Plane.of(z, t)));
            case LABELS -> labels(reader.read(level, region, new Plane(0, z, t)));
            case CHANNEL -> {
                int c = Options.integer(o, "c", 0, 0, m.sizeC() - 1);
                double lo = Options.number(o, "lo", 0), hi = Options.number(o, "hi", m.pixelType().isFloat() ? 1 : m.pixelType().maxValue());
                yield channel(reader.read(level, region, new Plane(c, z, t)), lo, hi, Options.colour(o, "color", 0xFFFFFF));
            }
        };
    }

    /** 8-bit RGB as it is; gray spread to three bands. */
    static Raster natural(Raster src) {
        if (src.bands() == 3) return src;
        Raster out = Raster.create(PixelType.UINT8, src.width(), src.height(), 3);
        byte[] s = src.bytes(), d = out.bytes();
        for (int i = 0; i < s.length; i++) {
            d[3 * i] = d[3 * i + 1] = d[3 * i + 2] = s[i];
        }
        return out;
    }

    /** One channel through the window [lo, hi] onto black..colour. */
    static Raster channel(Raster src, double lo, double hi, int rgb) {
        Raster out = Raster.create(PixelType.UINT8, src.width(), src.height(), 3);
        byte[] d = out.bytes();
        double scale = hi > lo ? 1.0 / (hi - lo) : 0;
        int r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
        int n = src.width() * src.height();
        for (int i = 0; i < n; i++) {
            double v = src.getAt(i);
            double f = hi > lo ? (v - lo) * scale : (v >= hi ? 1 : 0);
            f = f < 0 ? 0 : Math.min(f, 1);
            d[3 * i] = (byte) Math.round(r * f);
            d[3 * i + 1] = (byte) Math.round(g * f);
            d[3 * i + 2] = (byte) Math.round(b * f);
        }
        return out;
    }

    /** Each non-zero label its categorical colour, 0 transparent. */
    static Raster labels(Raster src) {
        Raster out = Rgba.transparent(src.width(), src.height());
        byte[] d = out.bytes();
        int n = src.width() * src.height();
        for (int i = 0; i < n; i++) {
            int v = (int) src.getAt(i);
            if (v != 0) Rgba.put(d, 4 * i, Palette.category(v), 255);
        }
        return out;
    }

    /**
     * A contrast window for a channel: the 0.5th and 99.5th percentiles of its values on a small
     * version of the image (the smallest Deep Zoom level of at least 512 px across that reads a stored level).
     */
    public double[] defaultWindow(DeepZoom zoom, int channel) {
        SlideMetadata m = reader.slide().metadata();
        int level = zoom.maxLevel();
        while (level > 0 && Math.max(zoom.levelWidth(level - 1), zoom.levelHeight(level - 1)) >= 512) level--;
        Raster r = reader.read(level, new Region(0, 0, (int) zoom.levelWidth(level), (int) zoom.levelHeight(level)), Plane.channel(channel));
        double[] v = new double[r.width() * r.height()];
        for (int i = 0; i < v.length; i++) v[i] = r.getAt(i);
        Arrays.sort(v);
        double lo = v[(int) Math.floor(0.005 * (v.length - 1))], hi = v[(int) Math.ceil(0.995 * (v.length - 1))];
        if (!(hi > lo)) {
            lo = m.pixelType().isFloat() ? 0 : m.pixelType().minValue();
            hi = m.pixelType().isFloat() ? 1 : m.pixelType().maxValue();
        }
        return new double[] {lo, hi};
    }
}
