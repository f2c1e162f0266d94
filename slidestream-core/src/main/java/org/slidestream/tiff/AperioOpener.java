package org.slidestream.tiff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slidestream.image.PixelType;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOpener;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.UnsupportedSlideException;

/**
 * Aperio SVS: a TIFF whose first ImageDescription starts with "Aperio". As in OpenSlide: the tiled
 * IFDs are the pyramid levels, the second IFD (stripped) is the thumbnail, and the other stripped
 * IFDs are associated images named by the first word of their description's second line
 * ({@code label}, {@code macro}); properties are the description's {@code key = value} fields.
 */
public final class AperioOpener implements SlideOpener {
    static final int SCORE = 30;

    @Override public String name() { return "aperio"; }

    @Override
    public int probe(Path path, byte[] header) {
        String d = TiffFormats.firstDescription(path, header);
        return d != null && d.startsWith("Aperio") ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        List<Ifd> ifds = f.ifds();
        List<TiffImage> levelImages = new ArrayList<>();
        Map<String, TiffImage> associated = new LinkedHashMap<>();
        for (int i = 0; i < ifds.size(); i++) {
            Ifd ifd = ifds.get(i);
            boolean tiled = ifd.has(Tag.TILE_WIDTH);
            if (tiled) {
                levelImages.add(TiffImage.of(ifd));
                continue;
            }
            String name = i == 1 ? "thumbnail" : associatedName(ifd.description());
            if (name == null || associated.containsKey(name)) continue;
            try {
                associated.put(name, TiffImage.of(ifd));
            } catch (UnsupportedSlideException e) {
                // an associated image we cannot decode does not make the slide unreadable
            }
        }
        if (levelImages.isEmpty()) throw new CorruptSlideException(f.path(), "Aperio slide without tiled levels");
        levelImages = TiffSlide.byDecreasingSize(levelImages);
        TiffImage base = levelImages.get(0);
        List<TiffSlide.Level> levels = new ArrayList<>();
        for (TiffImage img : levelImages) {
            if (img.bands != 3 || img.type != PixelType.UINT8) {
                throw new UnsupportedSlideException(f.path(), "Aperio level of " + img.bands + " bands of " + img.type + " (8-bit RGB expected)");
            }
            LevelInfo info = TiffSlide.levelInfo(base, img);
            levels.add(new TiffSlide.Level(info, List.of(List.of(new TiffSlide.Part(img, 0)))));
        }
        String description = ifds.get(0).description();
        Map<String, String> props = new TreeMap<>(parseDescription(description));
        TiffFormats.tiffProperties(ifds.get(0), props);
        props.put("openslide.vendor", "aperio");
        props.put("openslide.comment", description);
        Double mpp = parseDouble(props.get("aperio.MPP"));
        Double mag = parseDouble(props.get("aperio.AppMag"));
        if (mpp != null) {
            props.put("openslide.mpp-x", TiffFormats.number(mpp));
            props.put("openslide.mpp-y", TiffFormats.number(mpp));
        }
        if (mag != null) props.put("openslide.objective-power", props.get("aperio.AppMag"));
        TiffFormats.levelProperties(levels.stream().map(TiffSlide.Level::info).toList(), props);
        SlideMetadata meta = new SlideMetadata("aperio", PixelType.UINT8, 3, 1, 1, List.of("R", "G", "B"),
                mpp, mpp, null, mag, true, props);
        return new TiffSlide(f, options, meta, levels, associated);
    }

    /** {@code aperio.KEY} for every {@code KEY = VALUE} field after the first '|'. */
    static Map<String, String> parseDescription(String description) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] fields = description.split("\\|");
        for (int i = 1; i < fields.length; i++) {
            int eq = fields[i].indexOf(" = ");
            if (eq <= 0) continue;
            // later duplicates win, as in OpenSlide (g_hash_table_insert replaces)
            out.put("aperio." + fields[i].substring(0, eq).trim(), fields[i].substring(eq + 3).trim());
        }
        return out;
    }

    /** The first word of the description's second line ("label 387x463" gives "label"), or null. */
    static String associatedName(String description) {
        String[] lines = description.split("\n");
        if (lines.length < 2) return null;
        String line = lines[1].trim();
        int sp = line.indexOf(' ');
        String name = sp < 0 ? line : line.substring(0, sp);
        return name.isEmpty() ? null : name;
    }

    private static Double parseDouble(String s) {
        if (s == null) return null;
        try {
            double v = Double.parseDouble(s.trim());
            return v > 0 && Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
