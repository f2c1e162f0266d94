package org.slidestream.dl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5Exception;
import org.slidestream.format.h5.H5File;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;

/**
 * A {@code coords.h5} in the CLAM / TRIDENT layout, read in batches: dataset {@code coords}, int64
 * N x 2, the level-0 (x, y) of each patch's top-left corner, with attributes (on the dataset, or
 * on the file) {@code patch_size} (pixels of the patch as read), {@code patch_level} (the pyramid
 * level read, CLAM), {@code patch_size_level0} (the patch's side in level-0 pixels, TRIDENT),
 * {@code downsample}, {@code name} and, when the patch step wrote it, {@code slide_path}.
 */
public final class PatchCoords implements AutoCloseable {
    /** Attributes that may name the slide, in the order tried. */
    static final String[] SLIDE_PATH_ATTRIBUTES = {"slide_path", "wsi_path", "slide"};

    private final Path file;
    private final H5File h5;
    private final H5Dataset coords;
    private final long rows;
    private final Map<String, Object> attributes;
    private final int patchSize;
    private final int patchLevel;
    private final double downsample;

    private PatchCoords(Path file, H5File h5, H5Dataset coords, long rows, Map<String, Object> attributes) throws FormatException {
        this.file = file;
        this.h5 = h5;
        this.coords = coords;
        this.rows = rows;
        this.attributes = attributes;
        Object ps = attributes.get("patch_size");
        if (ps == null) throw new FormatException(file, "coords has no 'patch_size' attribute");
        this.patchSize = (int) number(ps, "patch_size");
        if (patchSize < 1) throw new FormatException(file, "patch_size must be positive: " + patchSize);
        this.patchLevel = attributes.containsKey("patch_level") ? (int) number(attributes.get("patch_level"), "patch_level") : -1;
        // downsample is exact where given (CLAM, slidestream); patch_size_level0 is rounded to whole pixels (TRIDENT)
        if (attributes.containsKey("downsample")) {
            this.downsample = number(attributes.get("downsample"), "downsample");
        } else if (attributes.containsKey("patch_size_level0")) {
            this.downsample = number(attributes.get("patch_size_level0"), "patch_size_level0") / patchSize;
        } else {
            this.downsample = Double.NaN;
        }
        if (patchLevel < 0 && !(downsample > 0)) {
            throw new FormatException(file, "coords says neither patch_level nor patch_size_level0 / downsample: "
                    + "cannot tell the resolution of the patches");
        }
    }

    /**
     * Opens a coords file.
     *
     * @throws java.nio.file.NoSuchFileException when it is missing
     * @throws FormatException when it has no {@code coords} N x 2 integer dataset or no patch size
     */
    public static PatchCoords open(Path file) throws IOException {
        H5File h5 = H5File.open(file);
        try {
            if (!h5.contains("coords")) throw new FormatException(file, "no 'coords' dataset (not a CLAM/TRIDENT coords file)");
            H5Dataset d = h5.dataset("coords");
            long[] shape = d.shape();
            if (shape.length != 2 || shape[1] != 2 || d.type().isFloat()) {
                throw new FormatException(file, "'coords' must be integers of shape N x 2, not " + d.type() + " " + Arrays.toString(shape));
            }
            Map<String, Object> attrs = new LinkedHashMap<>(h5.attributes());
            attrs.putAll(d.attributes());        // the dataset's own attributes win (CLAM, TRIDENT)
            return new PatchCoords(file, h5, d, shape[0], attrs);
        } catch (IOException | RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    private double number(Object v, String name) throws FormatException {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof long[] a && a.length >= 1) return a[0];          // CLAM writes some as 1- or 2-element arrays
        if (v instanceof double[] a && a.length >= 1) return a[0];
        throw new FormatException(file, "attribute '" + name + "' is not a number");
    }

    public Path file() { return file; }

    /** Number of patches N. */
    public long count() { return rows; }

    public int patchSize() { return patchSize; }

    /** The pyramid level the patches were cut at, or -1 when the file does not say (TRIDENT). */
    public int patchLevel() { return patchLevel; }

    /** Level-0 pixels per patch pixel, or NaN when only the level is known. */
    public double downsample() { return downsample; }

    /** Every attribute of the file and of the coords dataset (the dataset's win). */
    public Map<String, Object> attributes() { return Map.copyOf(attributes); }

    /** The slide the file names ({@code slide_path} and the like), or null. Relative names are relative to its folder. */
    public Path slidePath() {
        for (String a : SLIDE_PATH_ATTRIBUTES) {
            if (attributes.get(a) instanceof String s && !s.isBlank()) {
                Path p = Path.of(s);
                return p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p).normalize();
            }
        }
        return null;
    }

    /** Rows {@code first .. first + n - 1} as x0, y0, x1, y1, ... */
    public long[] read(long first, int n) throws H5Exception {
        return coords.readLongs(first, n);
    }

    /**
     * How to read one patch from {@code slide}: at {@code patch_level} when the slide has that level
     * (and its downsample agrees with the file's, where the file gives one), else at the file's
     * downsample of level 0 (the reader picks the level and averages).
     */
    public ReadRequest template(Slide slide) throws FormatException {
        if (patchLevel >= 0 && patchLevel < slide.levelCount()) {
            LevelInfo l = slide.level(patchLevel);
            if (!(downsample > 0) || Math.abs(l.downsample() - downsample) <= 0.01 * downsample) {
                return ReadRequest.atLevel(patchLevel, 0, 0, patchSize, patchSize);
            }
        }
        if (downsample > 0) return ReadRequest.atDownsample(downsample, 0, 0, patchSize, patchSize);
        throw new FormatException(file, "patch_level " + patchLevel + " but " + slide.path().getFileName() + " has levels 0.."
                + (slide.levelCount() - 1) + " and the file gives no downsample");
    }

    /** The template moved to a patch's level-0 corner. */
    static ReadRequest at(ReadRequest t, long x, long y) {
        if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE || y < Integer.MIN_VALUE || y > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "patch corner (%d, %d) is outside any slide", x, y));
        }
        return new ReadRequest((int) x, (int) y, t.width(), t.height(), t.resolution(), t.plane());
    }

    @Override
    public void close() throws IOException {
        h5.close();
    }
}
