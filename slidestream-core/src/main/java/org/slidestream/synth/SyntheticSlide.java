package org.slidestream.synth;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.Slide;
import org.slidestream.tiff.writer.WriteMetadata;

/**
 * A synthetic H&E-like whole-slide image of any size (up to 200,000 x 200,000 and beyond), computed
 * tile by tile on demand: 8-bit RGB, 40-60 % tissue in smooth blobs on a white background. Pixels
 * depend only on their coordinates, the slide's size and the seed, never on how the slide is tiled
 * or in which order tiles are asked for. Thread-safe. Pixel size {@value #MPP} µm (a 40x scan).
 */
public final class SyntheticSlide implements TileSource {
    /** Micrometres per pixel of every synthetic slide. */
    public static final double MPP = 0.25;
    /** Objective power that pixel size stands for. */
    public static final double MAGNIFICATION = 40;
    /** Tile size the slide computes most efficiently. */
    public static final int TILE = 512;

    private final ImageInfo info;
    private final Painter painter;

    private SyntheticSlide(int width, int height, Painter painter) {
        this.info = new ImageInfo(width, height, 3, PixelType.UINT8, TILE, TILE);
        this.painter = painter;
    }

    /** Procedural tissue: stroma, nuclei, vacuoles; needs no input. */
    public static SyntheticSlide procedural(int width, int height, long seed) {
        checkSize(width, height);
        return new SyntheticSlide(width, height, new Procedural(width, height, seed));
    }

    /**
     * A mosaic of tissue patches taken from a real 8-bit RGB slide (randomly flipped and rotated),
     * inside the same kind of tissue outline as {@link #procedural}. The slide must stay open while
     * the synthetic slide is read.
     *
     * @throws IllegalArgumentException when the slide is not 8-bit RGB or shows no tissue
     */
    public static SyntheticSlide fromSlide(Slide source, int width, int height, long seed) {
        checkSize(width, height);
        return new SyntheticSlide(width, height, new Mosaic(source, width, height, seed));
    }

    private static void checkSize(int width, int height) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("synthetic slide size must be positive: " + width + "x" + height);
    }

    public static double mppX() { return MPP; }

    public static double mppY() { return MPP; }

    public static double magnification() { return MAGNIFICATION; }

    /** What to write with a synthetic slide: RGB, {@value #MPP} µm per pixel, 40x. */
    public static WriteMetadata writeMetadata() {
        return WriteMetadata.rgb(MPP, MPP).withMagnification(MAGNIFICATION).withName("synthetic");
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    @Override
    public void read(int plane, Region region, Raster dest) {
        if (plane != 0) throw new IllegalArgumentException("a synthetic slide has one plane, not plane " + plane);
        if (dest.type() != PixelType.UINT8 || dest.bands() != 3 || dest.width() < region.width() || dest.height() < region.height()) {
            throw new IllegalArgumentException("destination must be 8-bit RGB of at least " + region.width() + "x" + region.height());
        }
        if (region.isEmpty()) return;
        Region inside = region.intersect(info.bounds());
        if (inside.equals(region)) {
            painter.paint(region, dest);
            return;
        }
        dest.fill(new Region(0, 0, region.width(), region.height()), 0);
        fillBackground(dest, region.width(), region.height());
        if (inside.isEmpty()) return;
        Raster part = Raster.create(PixelType.UINT8, inside.width(), inside.height(), 3);
        painter.paint(inside, part);
        dest.copyFrom(part, 0, 0, inside.x() - region.x(), inside.y() - region.y(), inside.width(), inside.height());
    }

    private static void fillBackground(Raster dest, int w, int h) {
        byte[] d = dest.bytes();
        for (int y = 0; y < h; y++) {
            for (int x = 0, o = y * dest.width() * 3; x < w; x++, o += 3) {
                d[o] = (byte) Procedural.BACKGROUND_R;
                d[o + 1] = (byte) Procedural.BACKGROUND_G;
                d[o + 2] = (byte) Procedural.BACKGROUND_B;
            }
        }
    }

    @Override
    public String toString() {
        return "SyntheticSlide[" + info.width() + "x" + info.height() + ", " + painter.getClass().getSimpleName().toLowerCase() + "]";
    }
}
