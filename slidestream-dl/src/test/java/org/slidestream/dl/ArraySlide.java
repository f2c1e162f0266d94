package org.slidestream.dl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

/**
 * A one-level slide held in memory (one raster per Z section), for tests that need exact pixels
 * from the {@link Slide} API: level-0 reads, integer downsamples by area averaging (what the
 * reader does), background outside the image.
 */
public final class ArraySlide implements Slide {
    private final Path path;
    private final List<Raster> planes;
    private final SlideMetadata meta;

    public ArraySlide(Path path, List<Raster> planes, boolean brightfield) {
        this.path = path;
        this.planes = List.copyOf(planes);
        Raster r = planes.get(0);
        List<String> names = new ArrayList<>();
        for (int c = 0; c < r.bands(); c++) names.add(brightfield && r.bands() == 3 ? "RGB".substring(c, c + 1) : "C" + c);
        this.meta = new SlideMetadata("test", r.type(), r.bands(), planes.size(), 1, names, 0.5, 0.5, null, 20.0,
                brightfield, Map.of());
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

    @Override public Path path() { return path; }

    @Override public SlideMetadata metadata() { return meta; }

    @Override
    public List<LevelInfo> levels() {
        Raster r = planes.get(0);
        return List.of(new LevelInfo(r.width(), r.height(), 1.0, 64, 64));
    }

    @Override public List<String> associatedImages() { return List.of(); }

    @Override public Raster readAssociated(String name) { throw new IllegalArgumentException("no associated image " + name); }

    @Override
    public void readRegion(ReadRequest q, Raster dest) {
        int ds = q.byLevel() ? 1 : (int) Math.round(q.downsample());
        if (q.byLevel() && q.level() != 0 || !q.byLevel() && Math.abs(q.downsample() - ds) > 1e-9) {
            throw new IllegalArgumentException("test slide reads level 0 and integer downsamples only");
        }
        Raster src = planes.get(q.z());
        int bands = q.channel() == ReadRequest.ALL_CHANNELS ? src.bands() : 1;
        for (int y = 0; y < q.height(); y++) {
            for (int x = 0; x < q.width(); x++) {
                for (int b = 0; b < bands; b++) {
                    int band = q.channel() == ReadRequest.ALL_CHANNELS ? b : q.channel();
                    double sum = 0;
                    for (int j = 0; j < ds; j++) {
                        for (int i = 0; i < ds; i++) sum += sample(src, q.x() + x * ds + i, q.y() + y * ds + j, band);
                    }
                    dest.set(x, y, b, sum / (ds * ds));
                }
            }
        }
    }

    private double sample(Raster src, int x, int y, int band) {
        if (x < 0 || y < 0 || x >= src.width() || y >= src.height()) return meta.background();
        return src.get(x, y, band);
    }

    @Override
    public void readLevelRegion(int level, Region region, int channel, int z, int t, Raster dest) {
        if (level != 0 || t != 0) throw new IllegalArgumentException("test slide has level 0 and t 0 only");
        readRegion(new ReadRequest(region.x(), region.y(), region.width(), region.height(), 0, 0, channel, z, t), dest);
    }

    @Override public void close() { }
}
