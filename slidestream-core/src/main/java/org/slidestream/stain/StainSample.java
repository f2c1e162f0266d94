package org.slidestream.stain;

import java.util.Arrays;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;
import org.slidestream.slide.Plane;
import org.slidestream.slide.Slide;

/**
 * The tissue pixels stains are fitted on: 8-bit RGB pixels whose optical density exceeds the
 * threshold {@code beta} in at least one channel (and, for slides, whose HSV saturation is at least
 * {@link #SLIDE_MIN_SATURATION}, which leaves out gray and black background, dust and scanner
 * padding). At most {@link StainParameters#maxSamples()} pixels are kept: beyond that every other
 * kept pixel is dropped and only every second later one is taken, so the sample stays an even,
 * deterministic thinning of the pixels in the order they were added.
 */
public final class StainSample {
    /** Minimum HSV saturation of a tissue pixel in a slide sample. */
    public static final float SLIDE_MIN_SATURATION = 0.05f;
    /** Pixels of the low-resolution image a slide sample is drawn from, at most. */
    public static final long SLIDE_SAMPLE_PIXELS = 4L << 20;

    private final StainParameters parameters;
    private final float minSaturation;
    private final int maxValue; // a pixel is tissue when its darkest channel is at most this
    private byte[] rgb;
    private int size;
    private long seen;
    private long candidates;
    private int stride = 1;
    private int skip = 1; // candidates until the next kept one

    public StainSample(StainParameters parameters, float minSaturation) {
        this.parameters = parameters;
        this.minSaturation = minSaturation;
        float[] od = OpticalDensity.table(parameters.io());
        int m = -1;
        for (int v = 0; v < 256; v++) if (od[v] > parameters.beta()) m = v;
        this.maxValue = m;
        this.rgb = new byte[3 * Math.min(parameters.maxSamples(), 1 << 16)];
    }

    /** A sample of every tissue pixel of an image (thinned beyond the maximum). */
    public static StainSample of(Raster rgb, StainParameters parameters) {
        StainSample s = new StainSample(parameters, 0f);
        s.add(rgb);
        return s;
    }

    /**
     * A sample of a slide (or a level-0 region of it, null for all) at about the downsample that gives
     * {@link #SLIDE_SAMPLE_PIXELS} pixels: the pyramid level closest below that downsample is read in
     * blocks within the budget, and every k-th pixel of every k-th row of it is looked at (k the ratio
     * of the downsamples). Pixels are taken as stored, not averaged: averaging would mix the stains of
     * neighbouring pixels and pull the stain vectors towards each other.
     */
    public static StainSample of(Slide slide, Region region, StainParameters parameters, MemoryBudget budget) {
        var l0 = slide.level(0);
        Region r = region == null ? new Region(0, 0, l0.width(), l0.height()) : region.intersect(new Region(0, 0, l0.width(), l0.height()));
        if (r.isEmpty()) throw new IllegalArgumentException("region " + region + " is outside the slide");
        double d = Math.max(1.0, Math.sqrt((double) r.pixels() / SLIDE_SAMPLE_PIXELS));
        int level = slide.bestLevelForDownsample(d);
        var li = slide.level(level);
        double ds = li.downsample();
        int k = Math.max(1, (int) Math.floor(d / ds + 1e-9));
        int x0 = (int) Math.floor(r.x() / ds), y0 = (int) Math.floor(r.y() / ds);
        int x1 = Math.min(li.width(), (int) Math.ceil(r.right() / ds)), y1 = Math.min(li.height(), (int) Math.ceil(r.bottom() / ds));
        int block = Math.max(k, BLOCK / k * k); // a multiple of k, so every block starts on the sampling grid
        StainSample s = new StainSample(parameters, SLIDE_MIN_SATURATION);
        try (Reservation ignored = budget.reserve(Raster.byteSize(PixelType.UINT8, block, block, 3), "stain sample block")) {
            Raster buf = Raster.create(PixelType.UINT8, block, block, 3);
            for (int by = y0; by < y1; by += block) {
                for (int bx = x0; bx < x1; bx += block) {
                    Region b = new Region(bx, by, Math.min(block, x1 - bx), Math.min(block, y1 - by));
                    slide.readLevelRegion(level, b, Plane.FIRST, buf);
                    s.add(buf, new Region(0, 0, b.width(), b.height()), k);
                }
            }
        }
        return s;
    }

    private static final int BLOCK = 1024;

    public void add(Raster rgb) {
        add(rgb, new Region(0, 0, rgb.width(), rgb.height()));
    }

    /** Adds the tissue pixels of a rectangle of an 8-bit RGB raster. */
    public void add(Raster image, Region area) {
        add(image, area, 1);
    }

    /** Adds the tissue pixels among every {@code step}-th pixel of every {@code step}-th row of a rectangle. */
    public void add(Raster image, Region area, int step) {
        if (image.type() != PixelType.UINT8 || image.bands() != 3) {
            throw new IllegalArgumentException("stain fitting needs 8-bit RGB, not " + image.bands() + " bands of " + image.type());
        }
        byte[] a = image.bytes();
        int maxV = maxValue, max = parameters.maxSamples();
        float minSat = minSaturation;
        for (int y = area.y(); y < area.bottom(); y += step) {
            int i = image.index(area.x(), y, 0);
            int looked = 0;
            for (int x = 0; x < area.width(); x += step, i += 3 * step) {
                int r = a[i] & 0xFF, g = a[i + 1] & 0xFF, b = a[i + 2] & 0xFF;
                looked++;
                int min = Math.min(r, Math.min(g, b));
                if (min > maxV) continue;
                if (minSat > 0) {
                    int mx = Math.max(r, Math.max(g, b));
                    if (mx == 0 || (mx - min) < minSat * mx) continue;
                }
                candidates++;
                if (--skip > 0) continue; // keep every stride-th candidate: 0, s, 2s, ...
                skip = stride;
                if (size == max) {
                    thin();
                    // the candidates kept so far are those at multiples of the new stride; this one
                    // (at a multiple of the old stride) is kept only if it is one too
                    long c = candidates - 1;
                    skip = (int) (stride - c % stride);
                    if (c % stride != 0) continue;
                    skip = stride;
                }
                if (3 * size == rgb.length) rgb = Arrays.copyOf(rgb, Math.min(3 * max, 2 * rgb.length));
                rgb[3 * size] = (byte) r;
                rgb[3 * size + 1] = (byte) g;
                rgb[3 * size + 2] = (byte) b;
                size++;
            }
            seen += looked;
        }
    }

    private void thin() {
        int n = 0;
        for (int k = 0; k < size; k += 2, n++) {
            System.arraycopy(rgb, 3 * k, rgb, 3 * n, 3);
        }
        size = n;
        stride *= 2; // kept: candidates 0, 2s, 4s, ... of the old stride s
    }

    /** Tissue pixels kept. */
    public int size() { return size; }

    /** Pixels looked at. */
    public long pixelsSeen() { return seen; }

    /** Pixels that passed the tissue criterion (kept or thinned out). */
    public long tissuePixels() { return candidates; }

    public StainParameters parameters() { return parameters; }

    /** The kept pixels, R, G, B interleaved (a copy). */
    public byte[] rgb() {
        return Arrays.copyOf(rgb, 3 * size);
    }

    byte[] rgbArray() { return rgb; }
}
