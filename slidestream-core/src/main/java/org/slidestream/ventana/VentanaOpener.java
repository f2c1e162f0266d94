package org.slidestream.ventana;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.slidestream.tiff.Mosaic;
import org.slidestream.tiff.TiffFile;
import org.slidestream.tiff.TiffFormats;
import org.slidestream.tiff.TiffSlide;
import org.slidestream.tiff.TiffXml;
import org.slidestream.tiff.TileGrid;
import org.w3c.dom.Element;

/**
 * Roche Ventana BIF (and Ventana TIFF): the first directory's XMP packet (tag 700) holds an
 * {@code iScan} element; directories described {@code level=N mag=M} are the levels (downsample =
 * level 0's magnification / M), {@code Label Image} is the {@code macro}, {@code Thumbnail} the
 * thumbnail. In a BIF, level 0's XMP holds {@code EncodeInfo}: each scanned area of interest is a
 * grid of camera tiles (the TIFF's tiles) that overlap their neighbours by the amounts of the
 * {@code TileJointInfo} elements; as OpenSlide 3.4 does, the overlaps are averaged, weighted by
 * their confidence, into one tile advance, the areas placed at their positions (Y from the bottom),
 * and every level drawn from its stored tiles, each holding downsample x downsample camera tiles,
 * at those positions (where tiles overlap, the lower and right one shows, as in OpenSlide). Joints measured LEFT and
 * DOWN (VENTANA DP 200), whose tiles are numbered from the bottom right, are read as well; OpenSlide
 * 3.4 refuses them. Properties: {@code ventana.*} from the iScan attributes, mpp from {@code ScanRes},
 * objective power from {@code Magnification}, {@code openslide.region[i].*}.
 */
public final class VentanaOpener implements SlideOpener {
    static final int XMP = 700;
    static final int SCORE = 40;

    @Override public String name() { return "ventana"; }

    @Override
    public int probe(Path path, byte[] header) {
        byte[] xmp = TiffFormats.firstIfdBytes(path, header, XMP);
        return xmp != null && new String(xmp, StandardCharsets.UTF_8).contains("iScan") ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    /** A scanned area: its first tile's column and row in the level-0 tile grid, its tiles, its position. */
    record Area(int startCol, int startRow, int across, int down, double x, double y) {}

    /** Tile advance and areas of a BIF's level 0. */
    record Layout(double advanceX, double advanceY, List<Area> areas) {}

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        Path path = f.path();
        List<Ifd> ifds = f.ifds();
        byte[] xmp = ifds.get(0).bytes(XMP);
        if (xmp == null) throw new CorruptSlideException(path, "no XMP packet in the first directory");
        Element iscan = iscan(path, new String(xmp, StandardCharsets.UTF_8));
        Map<String, String> props = new TreeMap<>();
        for (int i = 0; i < iscan.getAttributes().getLength(); i++) {
            var a = iscan.getAttributes().item(i);
            if (!a.getNodeValue().isEmpty()) props.put("ventana." + a.getNodeName(), a.getNodeValue());
        }
        List<TileGrid> stored = new ArrayList<>();
        List<Double> downsamples = new ArrayList<>();
        Map<String, TileGrid> associated = new LinkedHashMap<>();
        Layout layout = null;
        double mag0 = 0, prev = Double.POSITIVE_INFINITY;
        Ifd level0 = null;
        for (Ifd ifd : ifds) {
            String d = ifd.description();
            if (d.contains("level=")) {
                Map<String, String> kv = new HashMap<>();
                for (String pair : d.split(" ")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) kv.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
                int level;
                double mag;
                try {
                    level = Integer.parseInt(kv.getOrDefault("level", ""));
                    mag = Double.parseDouble(kv.getOrDefault("mag", ""));
                } catch (NumberFormatException e) {
                    throw new CorruptSlideException(path, "directory " + ifd.index() + ": level description '" + d + "' without level and mag");
                }
                if (level != stored.size() || !(mag < prev) || !(mag > 0)) {
                    throw new CorruptSlideException(path, "directory " + ifd.index() + ": level " + level + " at " + mag + "x out of order");
                }
                prev = mag;
                if (level == 0) {
                    mag0 = mag;
                    level0 = ifd;
                }
                if (!ifd.has(322)) throw new UnsupportedSlideException(path, "directory " + ifd.index() + ": level is not tiled");
                TileGrid g = TiffFormats.image(ifd);
                if (!stored.isEmpty() && (g.tileWidth() != stored.get(0).tileWidth() || g.tileHeight() != stored.get(0).tileHeight())) {
                    throw new CorruptSlideException(path, "levels of different tile sizes");
                }
                if (level == 0 && ifd.has(XMP)) {
                    layout = encodeInfo(path, new String(ifd.bytes(XMP), StandardCharsets.UTF_8), g.tileWidth(), g.tileHeight());
                    for (Area a : layout.areas()) {
                        if ((long) a.startCol() + a.across() > g.tilesAcross() || (long) a.startRow() + a.down() > g.tilesDown()) {
                            throw new CorruptSlideException(path, "EncodeInfo: an area of " + a.across() + "x" + a.down() + " tiles at tile "
                                    + a.startCol() + "," + a.startRow() + " lies outside level 0's " + g.tilesAcross() + "x" + g.tilesDown() + " tiles");
                        }
                    }
                }
                stored.add(g);
                downsamples.add(mag0 / mag);
            } else if (d.equals("Label Image") || d.equals("Label_Image") || d.equals("Thumbnail")) {
                String name = d.equals("Thumbnail") ? "thumbnail" : "macro";
                try {
                    associated.putIfAbsent(name, TiffFormats.image(ifd));
                } catch (SlideException e) {
                    // an associated image we cannot decode does not make the slide unreadable
                }
            }
        }
        if (stored.isEmpty()) throw new CorruptSlideException(path, "Ventana slide without pyramid levels");
        List<TiffSlide.Level> levels = new ArrayList<>();
        for (int l = 0; l < stored.size(); l++) {
            TileGrid g = stored.get(l);
            double ds = downsamples.get(l);
            TileGrid grid = layout == null ? g : mosaic(g, layout, ds);
            levels.add(new TiffSlide.Level(new LevelInfo(grid.width(), grid.height(), ds, grid.tileWidth(), grid.tileHeight()),
                    List.of(List.of(new TiffSlide.Part(grid, 0)))));
        }
        levels.sort((a, b) -> Integer.compare(b.info().width(), a.info().width()));
        TiffFormats.tiffProperties(level0, props);
        TiffFormats.put(props, "openslide.comment", level0.description());
        props.put("openslide.vendor", "ventana");
        Double magnification = null;
        try {
            if (props.containsKey("ventana.Magnification")) {
                long m = Long.parseLong(props.get("ventana.Magnification").strip());
                props.put("openslide.objective-power", String.valueOf(m));
                magnification = (double) m;
            }
        } catch (NumberFormatException e) {
            // OpenSlide copies only integer magnifications
        }
        Double mpp = null;
        try {
            if (props.containsKey("ventana.ScanRes")) {
                mpp = Double.parseDouble(props.get("ventana.ScanRes").strip());
                props.put("openslide.mpp-x", TiffFormats.number(mpp));
                props.put("openslide.mpp-y", TiffFormats.number(mpp));
            }
        } catch (NumberFormatException e) {
            mpp = null;
        }
        if (layout != null) {
            int tw = stored.get(0).tileWidth(), th = stored.get(0).tileHeight();
            for (int i = 0; i < layout.areas().size(); i++) {
                Area a = layout.areas().get(i);
                String p = "openslide.region[" + i + "].";
                props.put(p + "x", String.valueOf((long) (layout.advanceX() * a.startCol())));
                props.put(p + "y", String.valueOf((long) (layout.advanceY() * a.startRow())));
                props.put(p + "width", String.valueOf((long) Math.ceil(layout.advanceX() * (a.across() - 1) + tw)));
                props.put(p + "height", String.valueOf((long) Math.ceil(layout.advanceY() * (a.down() - 1) + th)));
            }
        }
        TiffFormats.levelProperties(levels.stream().map(TiffSlide.Level::info).toList(), props);
        TileGrid base = stored.get(0);
        if (base.bands() != 3 || base.type() != PixelType.UINT8) throw new UnsupportedSlideException(path, "Ventana level of " + base.bands() + " bands of " + base.type());
        SlideMetadata meta = new SlideMetadata("ventana", PixelType.UINT8, 3, 1, 1, List.of("R", "G", "B"), mpp, mpp, null, magnification, true, props);
        return new TiffSlide(f, options, meta, levels, associated);
    }

    private static Element iscan(Path path, String xmp) {
        Element root = TiffXml.parse(path, "XMP packet", xmp);
        if (TiffXml.name(root).equals("iScan")) return root;
        Element i = TiffXml.name(root).equals("Metadata") ? TiffXml.child(root, "iScan") : null;
        if (i == null) throw new CorruptSlideException(path, "XMP packet without an iScan element");
        return i;
    }

    /** Parses level 0's EncodeInfo: the areas and the confidence-weighted mean tile advance. */
    static Layout encodeInfo(Path path, String xml, int tw, int th) {
        Element root = TiffXml.parse(path, "level 0 XMP packet", xml);
        if (!TiffXml.name(root).equals("EncodeInfo")) throw new CorruptSlideException(path, "level 0 XMP packet: no EncodeInfo");
        Element stitch = TiffXml.child(root, "SlideStitchInfo"), origins = TiffXml.child(root, "AoiOrigin");
        List<Element> infos = stitch == null ? List.of() : TiffXml.children(stitch, "ImageInfo");
        List<Element> aois = origins == null ? List.of() : TiffXml.children(origins, null);
        if (infos.isEmpty() || infos.size() != aois.size()) throw new CorruptSlideException(path, "EncodeInfo: missing or inconsistent areas");
        double sumX = 0, sumY = 0;
        long weightX = 0, weightY = 0;
        List<Area> areas = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            Element info = infos.get(i), aoi = aois.get(i);
            if (integer(path, info, "AOIScanned") == 0) continue;
            long ox = integer(path, aoi, "OriginX"), oy = integer(path, aoi, "OriginY");
            if (integer(path, info, "Width") != tw || integer(path, info, "Height") != th) {
                throw new CorruptSlideException(path, "EncodeInfo: camera tiles of " + integer(path, info, "Width") + "x" + integer(path, info, "Height")
                        + " in a level of " + tw + "x" + th + " tiles");
            }
            if (ox % tw != 0 || oy % th != 0) throw new CorruptSlideException(path, "EncodeInfo: area origin not on the tile grid");
            int across = (int) integer(path, info, "NumCols"), down = (int) integer(path, info, "NumRows");
            if (across <= 0 || down <= 0 || (long) across * down > 10_000_000) throw new CorruptSlideException(path, "EncodeInfo: area of " + across + "x" + down + " tiles");
            List<Element> joints = TiffXml.children(info, "TileJointInfo");
            boolean fromRight = joints.stream().anyMatch(j -> "LEFT".equals(j.getAttribute("Direction")));
            for (Element j : joints) {
                int[] t1 = tile(path, j, "Tile1", across, down, fromRight), t2 = tile(path, j, "Tile2", across, down, fromRight);
                String dir = j.getAttribute("Direction");
                boolean horizontal = dir.equals("RIGHT") || dir.equals("LEFT"), vertical = dir.equals("UP") || dir.equals("DOWN");
                if (!horizontal && !vertical) throw new CorruptSlideException(path, "EncodeInfo: joint direction \"" + dir + "\"");
                boolean adjacent = horizontal ? t1[1] == t2[1] && Math.abs(t1[0] - t2[0]) == 1 : t1[0] == t2[0] && Math.abs(t1[1] - t2[1]) == 1;
                if (!adjacent) throw new CorruptSlideException(path, "EncodeInfo: " + dir + " joint of tiles that are not neighbours");
                long confidence = integer(path, j, "Confidence");
                if (horizontal) {
                    sumX -= confidence * number(path, j, "OverlapX");
                    weightX += confidence;
                } else {
                    sumY -= confidence * number(path, j, "OverlapY");
                    weightY += confidence;
                }
            }
            areas.add(new Area((int) (ox / tw), (int) (oy / th), across, down, Math.floor(number(path, info, "Pos-X")), Math.floor(number(path, info, "Pos-Y"))));
        }
        double advanceX = tw + (weightX == 0 ? 0 : sumX / weightX), advanceY = th + (weightY == 0 ? 0 : sumY / weightY);
        // Pos-Y is from the bottom of the area to a line below every area: turn it into a top.
        double top = 0;
        for (Area a : areas) top = Math.max(top, a.y() + (a.down() - 1) * advanceY + th);
        List<Area> fixed = new ArrayList<>();
        for (Area a : areas) fixed.add(new Area(a.startCol(), a.startRow(), a.across(), a.down(), a.x(), Math.floor(top - a.y() - ((a.down() - 1) * advanceY + th))));
        return new Layout(advanceX, advanceY, fixed);
    }

    /** A tile's (column, row) from the top left of its area, from its 1-based number in scanning order. */
    private static int[] tile(Path path, Element joint, String attribute, int across, int down, boolean fromRight) {
        long n = integer(path, joint, attribute);
        if (n < 1 || n > (long) across * down) throw new CorruptSlideException(path, "EncodeInfo: tile number " + n + " out of range");
        int i = (int) (n - 1), col = i % across, row = i / across;
        // rows go up from the bottom, serpentine: iScan starts each even row at the left, DP 200 at the right
        if ((row % 2 == 1) != fromRight) col = across - col - 1;
        return new int[] {col, down - row - 1};
    }

    /** One level of a BIF: every camera tile's part of its stored tile, at its place. */
    private static TileGrid mosaic(TileGrid stored, Layout layout, double downsample) {
        int d = (int) Math.round(downsample);
        int tw = stored.tileWidth(), th = stored.tileHeight();
        int sw = tw / d, sh = th / d;
        List<Mosaic.Piece> pieces = new ArrayList<>();
        double right = 0, bottom = 0;
        for (Area a : layout.areas()) {
            // top left first: where tiles overlap, the lower and right one shows (as in OpenSlide)
            for (int r = 0; r < a.down(); r++) {
                for (int c = 0; c < a.across(); c++) {
                    int col = a.startCol() + c, row = a.startRow() + r;
                    double x = (a.x() + c * layout.advanceX()) / downsample, y = (a.y() + r * layout.advanceY()) / downsample;
                    int tx = col / d, ty = row / d;
                    if (tx >= stored.tilesAcross() || ty >= stored.tilesDown()) continue;
                    pieces.add(new Mosaic.Piece(stored, tx, ty, (col % d) * sw, (row % d) * sh, sw, sh, Math.round(x), Math.round(y)));
                    right = Math.max(right, x + (double) tw / downsample);
                    bottom = Math.max(bottom, y + (double) th / downsample);
                }
            }
        }
        return new Mosaic((int) Math.ceil(right), (int) Math.ceil(bottom), Math.max(256, tw), 3, PixelType.UINT8, 255, pieces);
    }

    private static long integer(Path path, Element e, String name) {
        String v = TiffXml.attribute(e, name);
        try {
            return Long.parseLong(v == null ? "" : v.strip());
        } catch (NumberFormatException ex) {
            throw new CorruptSlideException(path, "EncodeInfo: " + TiffXml.name(e) + " " + name + "=\"" + v + "\" is not an integer");
        }
    }

    private static double number(Path path, Element e, String name) {
        String v = TiffXml.attribute(e, name);
        try {
            double d = Double.parseDouble(v == null ? "" : v.strip());
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException ex) {
            throw new CorruptSlideException(path, "EncodeInfo: " + TiffXml.name(e) + " " + name + "=\"" + v + "\" is not a number");
        }
    }
}
