package org.slidestream.tiff;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slidestream.image.PixelType;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.SlideException;

/** What the TIFF-based openers share: probing the first IFD, OpenSlide-style properties, resolution. */
public final class TiffFormats {
    private TiffFormats() {}

    /** The first IFD's ImageDescription of a TIFF file, or null when the file is not a readable TIFF. */
    public static String firstDescription(Path path, byte[] header) {
        if (!TiffFile.isTiff(header)) return null;
        try (TiffFile f = TiffFile.openFirst(path)) {
            return f.ifds().get(0).description();
        } catch (SlideException e) {
            return null; // the generic opener reports what is wrong with it
        }
    }

    /** Whether the first IFD of a TIFF file has {@code tag} (for probing vendor formats by their private tags). */
    public static boolean firstIfdHas(Path path, byte[] header, int tag) {
        if (!TiffFile.isTiff(header)) return false;
        try (TiffFile f = TiffFile.openFirst(path)) {
            return f.ifds().get(0).has(tag);
        } catch (SlideException e) {
            return false;
        }
    }

    /** The raw values of {@code tag} in the first IFD of a TIFF file (an XMP packet), or null. */
    public static byte[] firstIfdBytes(Path path, byte[] header, int tag) {
        if (!TiffFile.isTiff(header)) return null;
        try (TiffFile f = TiffFile.openFirst(path)) {
            Ifd first = f.ifds().get(0);
            return first.has(tag) && first.count(tag) <= (1 << 24) ? first.bytes(tag) : null;
        } catch (SlideException e) {
            return null;
        }
    }

    /** The image of an IFD (its tiles or strips) as a grid, checked when made. */
    public static TileGrid image(Ifd ifd) {
        return TiffImage.of(ifd);
    }

    /** Opens the file and builds a slide from it, closing the file when building fails. */
    public static TiffSlide open(Path path, Function<TiffFile, TiffSlide> build) {
        TiffFile f = TiffFile.open(path);
        try {
            return build.apply(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** OpenSlide's {@code tiff.*} properties of an IFD. */
    public static void tiffProperties(Ifd ifd, Map<String, String> props) {
        put(props, "tiff.ImageDescription", ifd.ascii(Tag.IMAGE_DESCRIPTION));
        put(props, "tiff.Make", ifd.ascii(Tag.MAKE));
        put(props, "tiff.Model", ifd.ascii(Tag.MODEL));
        put(props, "tiff.Software", ifd.ascii(Tag.SOFTWARE));
        put(props, "tiff.DateTime", ifd.ascii(Tag.DATE_TIME));
        put(props, "tiff.Artist", ifd.ascii(Tag.ARTIST));
        put(props, "tiff.Copyright", ifd.ascii(Tag.COPYRIGHT));
        if (ifd.has(Tag.X_RESOLUTION)) props.put("tiff.XResolution", number(ifd.doubleValue(Tag.X_RESOLUTION, 0)));
        if (ifd.has(Tag.Y_RESOLUTION)) props.put("tiff.YResolution", number(ifd.doubleValue(Tag.Y_RESOLUTION, 0)));
        props.put("tiff.ResolutionUnit", switch ((int) ifd.longValue(Tag.RESOLUTION_UNIT, 2)) {
            case 1 -> "none";
            case 3 -> "centimeter";
            default -> "inch";
        });
    }

    /** OpenSlide's {@code openslide.level*} properties. */
    public static void levelProperties(List<LevelInfo> levels, Map<String, String> props) {
        props.put("openslide.level-count", String.valueOf(levels.size()));
        for (int i = 0; i < levels.size(); i++) {
            LevelInfo l = levels.get(i);
            String p = "openslide.level[" + i + "].";
            props.put(p + "width", String.valueOf(l.width()));
            props.put(p + "height", String.valueOf(l.height()));
            props.put(p + "downsample", number(l.downsample()));
            props.put(p + "tile-width", String.valueOf(l.tileWidth()));
            props.put(p + "tile-height", String.valueOf(l.tileHeight()));
        }
    }

    /** A number as OpenSlide prints it: integers without a decimal point, others in shortest form. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return String.valueOf(v);
    }

    public static void put(Map<String, String> props, String key, String value) {
        if (value != null) props.put(key, value);
    }

    /**
     * Micrometres per pixel from the resolution tags: only with a centimetre unit (as OpenSlide's
     * generic reader), or inches at a microscope's resolution (the default 72 dpi means nothing).
     */
    public static Double mpp(Ifd ifd, int tag) {
        if (!ifd.has(tag)) return null;
        double res = ifd.doubleValue(tag, 0);
        if (!(res > 0) || Double.isInfinite(res)) return null;
        int unit = (int) ifd.longValue(Tag.RESOLUTION_UNIT, 2);
        double mpp = switch (unit) {
            case 3 -> 10_000 / res;
            case 2 -> 25_400 / res;
            default -> Double.NaN;
        };
        if (Double.isNaN(mpp) || (unit == 2 && mpp > 100)) return null;
        return mpp;
    }

    /** Micrometres per pixel from a resolution tag, only in centimetres (as OpenSlide reads NDPI and SCN). */
    public static Double centimetreMpp(Ifd ifd, int tag) {
        if (!ifd.has(tag) || ifd.longValue(Tag.RESOLUTION_UNIT, 2) != 3) return null;
        double res = ifd.doubleValue(tag, 0);
        return res > 0 && Double.isFinite(res) ? 10_000 / res : null;
    }

    /** Channel names of a TIFF image of {@code bands} samples. */
    static List<String> channelNames(TiffImage img) {
        if (img.bands == 3 && rgbLike(img.photometric)) {
            return List.of("R", "G", "B");
        }
        if (img.bands == 1) return List.of("gray");
        return java.util.stream.IntStream.range(0, img.bands).mapToObj(i -> "C" + i).toList();
    }

    /** 8-bit RGB (brightfield): white background. */
    static boolean brightfield(TiffImage img) {
        return img.type == PixelType.UINT8 && img.bands == 3
                && rgbLike(img.photometric);
    }

    private static boolean rgbLike(int photometric) {
        return photometric == TiffImage.PHOTOMETRIC_RGB || photometric == TiffImage.PHOTOMETRIC_YCBCR
                || photometric == TiffImage.PHOTOMETRIC_PALETTE;
    }

    /** Whether {@code img} is a reduced version of {@code base}: same samples, smaller, same aspect within rounding. */
    static boolean sameLayoutSmaller(TiffImage base, TiffImage img) {
        if (img.bands != base.bands || img.type != base.type) return false;
        if (img.width > base.width || img.height > base.height) return false;
        if (img.width == base.width && img.height == base.height) return false;
        double dx = (double) base.width / img.width, dy = (double) base.height / img.height;
        // A level rounds its size: the two ratios agree within one pixel of the level's size.
        return Math.abs(dx - dy) <= Math.max(dx, dy) * (1.0 / Math.min(img.width, img.height) + 0.02);
    }
}
