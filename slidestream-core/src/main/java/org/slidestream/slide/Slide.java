package org.slidestream.slide;

import java.nio.file.Path;
import java.util.List;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;

/**
 * An open whole-slide image (or any pyramidal image): levels, metadata, associated images, and
 * region reads at any level or downsample. Thread-safe: many threads may read one open slide at
 * once. Close it to release its file and its cached tiles.
 */
public interface Slide extends AutoCloseable {

    /** Opens a slide with the process-wide default options. */
    static Slide open(Path path) {
        return open(path, SlideOptions.defaults());
    }

    /**
     * Opens a slide with the reader that fits it best.
     *
     * @throws SlideException naming the file and the problem when it is missing, unreadable, not a
     *                        supported format, or damaged
     */
    static Slide open(Path path, SlideOptions options) {
        return SlideOpeners.open(path, options);
    }

    Path path();

    SlideMetadata metadata();

    /** Pyramid levels, level 0 (full resolution) first, downsamples increasing. */
    List<LevelInfo> levels();

    default LevelInfo level(int index) {
        List<LevelInfo> ls = levels();
        if (index < 0 || index >= ls.size()) {
            throw new IllegalArgumentException(path().getFileName() + ": no level " + index + " (levels 0.." + (ls.size() - 1) + ")");
        }
        return ls.get(index);
    }

    default int levelCount() {
        return levels().size();
    }

    /**
     * The level to read for a downsample: the one with the largest downsample not above it
     * (OpenSlide's rule), allowing for rounding in stored downsamples.
     */
    default int bestLevelForDownsample(double downsample) {
        return Resolution.bestLevel(levels(), downsample);
    }

    /** Names of the associated images ({@code thumbnail}, {@code label}, {@code macro}, ...). */
    List<String> associatedImages();

    /** An associated image, whole, as 8-bit RGB. */
    Raster readAssociated(String name);

    /**
     * Reads a region into {@code dest} at (0, 0). {@code dest} must have the request's band count
     * ({@link SlideMetadata#sizeC()} for all channels, else 1), the slide's pixel type, and at least
     * the request's size. Pixels outside the image are the background.
     *
     * @throws IllegalArgumentException when the request names a level, channel, section or time point
     *                                  the slide lacks, or a resolution it cannot resolve
     */
    void readRegion(ReadRequest request, Raster dest);

    /**
     * Reads a region given in pixels of a pyramid level, with no resampling: the primitive that
     * {@link #readRegion} and {@link #levelSource} build on. Same rules for {@code dest} and for
     * pixels outside the level as {@link #readRegion}.
     */
    void readLevelRegion(int level, Region region, Plane plane, Raster dest);

    /** Reads a region into a new raster. */
    default Raster readRegion(ReadRequest request) {
        SlideMetadata m = metadata();
        int bands = request.plane().bands(m.sizeC());
        Raster r = Raster.create(m.pixelType(), request.width(), request.height(), bands);
        readRegion(request, r);
        return r;
    }

    /**
     * One pyramid level as a {@link TileSource} of all channels, each (z, t) a plane
     * (plane = t * sizeZ + z), tiles the level's storage tiles. The source's regions are in level
     * pixels.
     */
    default TileSource levelSource(int level) {
        LevelInfo l = level(level);
        SlideMetadata m = metadata();
        ImageInfo info = new ImageInfo(l.width(), l.height(), m.sizeC(), m.pixelType(), l.tileWidth(), l.tileHeight());
        Slide self = this;
        return new TileSource() {
            @Override public ImageInfo info() { return info; }

            @Override public int planes() { return m.sizeZ() * m.sizeT(); }

            @Override public void read(int plane, Region region, Raster dest) {
                self.readLevelRegion(level, region, Plane.of(plane % m.sizeZ(), plane / m.sizeZ()), dest);
            }
        };
    }

    @Override
    void close();
}
