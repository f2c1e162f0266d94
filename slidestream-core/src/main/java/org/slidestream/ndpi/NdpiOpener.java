package org.slidestream.ndpi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slidestream.image.PixelType;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOpener;
import org.slidestream.slide.SlideOptions;
import org.slidestream.slide.UnsupportedSlideException;
import org.slidestream.tiff.Ifd;
import org.slidestream.tiff.TiffFile;
import org.slidestream.tiff.TiffFormats;
import org.slidestream.tiff.TiffSlide;
import org.slidestream.tiff.TileGrid;

/**
 * Hamamatsu NDPI: a TIFF-like file (see {@link org.slidestream.tiff.OffsetLayout#NDPI}) whose
 * levels are single JPEG strips, recognised by its tag 65420. As in OpenSlide 3.4: directories with
 * a source lens (65421) above 0 and focal plane (65424) 0 are the stored levels, largest first (the
 * other focal planes, where the file has them, are Z planes 1.. in increasing order; z 0 is plane 0,
 * the one OpenSlide shows); each
 * stored level with restart markers also gives levels at 1/2, 1/4 and 1/8 of its size where its
 * restart interval divides evenly (libjpeg's scaled decoding), a smaller stored level replacing an
 * extra level of the same width; the directory with lens -1 is the {@code macro} image. Properties
 * are OpenSlide's: {@code hamamatsu.*} from the property map (65449), the source lens and the
 * offsets from the slide centre, {@code openslide.mpp-x/y} from the resolution in centimetres,
 * {@code openslide.objective-power} from the source lens.
 */
public final class NdpiOpener implements SlideOpener {
    static final int FORMAT_FLAG = 65420;
    static final int SOURCE_LENS = 65421;
    static final int X_OFFSET = 65422;
    static final int Y_OFFSET = 65423;
    static final int FOCAL_PLANE = 65424;
    static final int MCU_STARTS = 65426;
    static final int REFERENCE = 65427;
    static final int MCU_STARTS_HIGH = 65432;
    static final int PROPERTY_MAP = 65449;
    static final int SCORE = 40;
    private static final int STRIP_OFFSETS = 273;
    private static final int ROWS_PER_STRIP = 278;
    private static final int STRIP_BYTE_COUNTS = 279;

    @Override public String name() { return "hamamatsu-ndpi"; }

    @Override
    public int probe(Path path, byte[] header) {
        return TiffFormats.firstIfdHas(path, header, FORMAT_FLAG) ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    /** A stored level: its directory and virtual tiles. */
    private record Stored(int dir, IntervalTiles tiles) {}

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        Path path = f.path();
        List<Ifd> ifds = f.ifds();
        // stored levels by focal plane (65424); plane 0 is the one OpenSlide reads
        TreeMap<Long, List<Stored>> byPlane = new TreeMap<>();
        Map<String, TileGrid> associated = new LinkedHashMap<>();
        for (int d = 0; d < ifds.size(); d++) {
            Ifd ifd = ifds.get(d);
            double lens = ifd.doubleValue(SOURCE_LENS, Double.NaN);
            if (Double.isNaN(lens)) throw new CorruptSlideException(path, "directory " + d + " has no source lens (tag 65421)");
            if (lens == -1) {
                try {
                    associated.putIfAbsent("macro", TiffFormats.image(ifd));
                } catch (SlideException e) {
                    // a macro image we cannot decode does not make the slide unreadable
                }
                continue;
            }
            if (!(lens > 0)) continue;
            List<Stored> stored = byPlane.computeIfAbsent(ifd.longValue(FOCAL_PLANE, 0), k -> new ArrayList<>());
            Stored s = level(f, ifd, d);
            if (!stored.isEmpty() && s.tiles().width >= stored.get(stored.size() - 1).tiles().width) {
                throw new CorruptSlideException(path, "directory " + d + ": levels are not in decreasing size");
            }
            stored.add(s);
        }
        if (!byPlane.containsKey(0L)) throw new CorruptSlideException(path, "NDPI file without pyramid levels in focal plane 0");
        // z 0 is focal plane 0 (what OpenSlide shows), then the other planes from lowest to highest; a
        // plane whose levels differ from plane 0's is left out
        List<Long> planes = new ArrayList<>(List.of(0L));
        List<List<TileGrid>> gridsByZ = new ArrayList<>(List.of(levelGrids(path, byPlane.get(0L))));
        for (var e : byPlane.entrySet()) {
            if (e.getKey() == 0) continue;
            List<TileGrid> g = levelGrids(path, e.getValue());
            if (!sameSizes(g, gridsByZ.get(0))) continue;
            planes.add(e.getKey());
            gridsByZ.add(g);
        }
        TileGrid base = gridsByZ.get(0).get(0);
        List<TiffSlide.Level> levels = new ArrayList<>();
        for (int l = 0; l < gridsByZ.get(0).size(); l++) {
            List<List<TiffSlide.Part>> parts = new ArrayList<>();
            for (List<TileGrid> g : gridsByZ) parts.add(List.of(new TiffSlide.Part(g.get(l), 0)));
            levels.add(new TiffSlide.Level(TiffSlide.levelInfo(base, gridsByZ.get(0).get(l)), parts));
        }
        Ifd first = ifds.get(0);
        Map<String, String> props = new TreeMap<>();
        TiffFormats.tiffProperties(first, props);
        props.put("openslide.vendor", "hamamatsu");
        Double mppX = TiffFormats.centimetreMpp(first, 282), mppY = TiffFormats.centimetreMpp(first, 283);
        if (mppX != null) props.put("openslide.mpp-x", TiffFormats.number(mppX));
        if (mppY != null) props.put("openslide.mpp-y", TiffFormats.number(mppY));
        double lens = first.doubleValue(SOURCE_LENS, Double.NaN);
        Double magnification = lens > 0 ? lens : null;
        if (magnification != null) {
            props.put("hamamatsu.SourceLens", TiffFormats.number(lens));
            props.put("openslide.objective-power", TiffFormats.number(lens));
        }
        if (first.has(X_OFFSET)) props.put("hamamatsu.XOffsetFromSlideCentre", String.valueOf((int) first.longValue(X_OFFSET, 0)));
        if (first.has(Y_OFFSET)) props.put("hamamatsu.YOffsetFromSlideCentre", String.valueOf((int) first.longValue(Y_OFFSET, 0)));
        TiffFormats.put(props, "hamamatsu.Reference", first.has(REFERENCE) ? first.ascii(REFERENCE) : null);
        props.putAll(propertyMap(first.has(PROPERTY_MAP) ? first.ascii(PROPERTY_MAP) : null));
        TiffFormats.levelProperties(levels.stream().map(TiffSlide.Level::info).toList(), props);
        if (planes.size() > 1) for (int z = 0; z < planes.size(); z++) props.put("hamamatsu.focal-plane[" + z + "]", String.valueOf(planes.get(z)));
        int bands = base.bands();
        SlideMetadata meta = new SlideMetadata("hamamatsu-ndpi", PixelType.UINT8, bands, planes.size(), 1,
                bands == 3 ? List.of("R", "G", "B") : List.of("gray"), mppX, mppY, null, magnification, bands == 3, props);
        return new TiffSlide(f, options, meta, levels, associated);
    }

    /** A stored level's stream: where it is, its JPEG header and its restart intervals. */
    private static Stored level(TiffFile f, Ifd ifd, int d) {
        Path path = f.path();
        String where = "directory " + d;
        long w = ifd.longValue(256, -1), h = ifd.longValue(257, -1);
        if (w <= 0 || h <= 0 || w > Integer.MAX_VALUE - 64 || h > Integer.MAX_VALUE - 64) {
            throw new CorruptSlideException(path, where + ": image size " + w + "x" + h);
        }
        if (ifd.longValue(ROWS_PER_STRIP, h) != h) {
            throw new UnsupportedSlideException(path, where + ": rows per strip " + ifd.longValue(ROWS_PER_STRIP, h) + " (height " + h + ")");
        }
        long start = f.fileOffset(ifd, ifd.longValue(STRIP_OFFSETS, -1));
        long bytes = ifd.longValue(STRIP_BYTE_COUNTS, -1);
        if (start < 0 || bytes <= 0 || start > f.size() || bytes > f.size() - start) {
            throw new CorruptSlideException(path, where + ": JPEG strip (" + bytes + " bytes at " + start + ") runs past the end of the file");
        }
        JpegFrame frame = null;
        byte[] head = null;
        for (int n = 4096; frame == null; n *= 4) {
            head = f.readBytes(start, Math.min(bytes, n), where + " JPEG header");
            try {
                frame = JpegFrame.parse(head);
            } catch (IllegalArgumentException e) {
                boolean cut = e.getMessage().contains("runs past the header") || e.getMessage().contains("ends before");
                if (!cut || n >= JpegFrame.MAX_HEADER || n >= bytes) throw new CorruptSlideException(path, where + ": " + e.getMessage());
            }
        }
        if (w <= 65_500 && h <= 65_500 && (frame.width() != w || frame.height() != h)) {
            throw new CorruptSlideException(path, where + ": JPEG of " + frame.width() + "x" + frame.height() + " in a level of " + w + "x" + h);
        }
        if (frame.restartInterval() > 0 && frame.intervalsPerRow((int) w) < 0) {
            throw new UnsupportedSlideException(path, where + ": restart intervals of " + frame.restartInterval() + " MCUs do not tile a row of "
                    + Math.ceilDiv(w, frame.mcuWidth()) + " MCUs");
        }
        long[] recorded = recordedStarts(ifd, start);
        try {
            return new Stored(d, new IntervalTiles(f::readBytes, start, start + bytes, (int) w, (int) h, frame,
                    Arrays.copyOf(head, frame.headerLength()), recorded));
        } catch (RestartIndex.DamagedStreamException | IllegalArgumentException | ArithmeticException e) {
            throw new CorruptSlideException(path, where + ": " + e.getMessage());
        }
    }

    /** McuStarts (65426, with high words in 65432 past 4 GiB) as absolute offsets, or null when absent. */
    private static long[] recordedStarts(Ifd ifd, long start) {
        if (!ifd.has(MCU_STARTS)) return null;
        long[] low = ifd.longs(MCU_STARTS);
        long[] high = ifd.has(MCU_STARTS_HIGH) ? ifd.longs(MCU_STARTS_HIGH) : null;
        if (high != null && high.length != low.length) return null;
        long[] out = new long[low.length];
        for (int i = 0; i < low.length; i++) out[i] = start + ((low[i] & 0xFFFF_FFFFL) | (high == null ? 0 : high[i] << 32));
        return out;
    }

    /**
     * OpenSlide's level list: each stored level, then its 1/2, 1/4 and 1/8 levels where its tiles
     * divide evenly, keyed by width so that a later (smaller) stored level replaces an extra level of
     * the same width; largest first.
     */
    private static List<TileGrid> levelGrids(Path path, List<Stored> stored) {
        TreeMap<Integer, TileGrid> byWidth = new TreeMap<>();
        for (Stored s : stored) {
            IntervalTiles t = s.tiles();
            String name = "level of directory " + s.dir();
            byWidth.put(t.width, new NdpiGrid(path, name, t, 1));
            // OpenSlide's tile: one interval, or the whole level without restart markers.
            int tw = t.hasRestartMarkers() ? t.intervalWidth() : t.width, th = t.hasRestartMarkers() ? t.intervalHeight() : t.height;
            for (int scale = 2; scale <= 8; scale *= 2) {
                if (tw % scale != 0 || th % scale != 0 || t.width / scale == 0 || t.height / scale == 0) continue;
                byWidth.put(t.width / scale, new NdpiGrid(path, name + " at 1/" + scale, t, scale));
            }
        }
        return new ArrayList<>(byWidth.descendingMap().values());
    }


    /** Whether two level lists have the same sizes. */
    private static boolean sameSizes(List<TileGrid> a, List<TileGrid> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).width() != b.get(i).width() || a.get(i).height() != b.get(i).height() || a.get(i).bands() != b.get(i).bands()) return false;
        }
        return true;
    }

    /** {@code hamamatsu.KEY} for each {@code KEY=VALUE} line (CR LF separated) of the property map. */
    static Map<String, String> propertyMap(String map) {
        Map<String, String> out = new LinkedHashMap<>();
        if (map == null) return out;
        for (String record : map.split("\r\n")) {
            int eq = record.indexOf('=');
            if (eq <= 0 || eq == record.length() - 1) continue;
            out.put("hamamatsu." + record.substring(0, eq), record.substring(eq + 1));
        }
        return out;
    }
}
