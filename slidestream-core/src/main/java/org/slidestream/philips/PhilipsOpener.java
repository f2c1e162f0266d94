package org.slidestream.philips;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
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
import org.slidestream.tiff.TiffXml;
import org.slidestream.tiff.TileGrid;
import org.slidestream.tiff.codec.CodecException;
import org.slidestream.tiff.codec.Jpeg2000Codec;
import org.slidestream.tiff.codec.JpegCodec;
import org.slidestream.tiff.codec.JpegStreams;
import org.w3c.dom.Element;

/**
 * Philips TIFF (IntelliSite): Software starting with "Philips" and a {@code DataObject} of type
 * {@code DPUfsImport} as the first ImageDescription. As in OpenSlide 3.4: the tiled directories are
 * the levels, largest first, the later ones marked reduced-resolution; their sizes in the file are
 * padded to whole tiles, so each level's size is level 0's divided by its downsample, which comes
 * (rounded to an integer) from the pixel spacings of the WSI image's pixel-data representations;
 * tiles the file does not store (byte count 0: outside the scanned areas) are background; stripped
 * directories described "Label" and "Macro" are the {@code label} and {@code macro}, else the
 * base64 JPEGs of the XML's LABELIMAGE and MACROIMAGE. Properties: {@code philips.*} from the
 * XML's attributes (the WSI image's included, each pixel-data representation's as
 * {@code philips.PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE[i].*}), mpp from DICOM_PIXEL_SPACING.
 */
public final class PhilipsOpener implements SlideOpener {
    static final int SCORE = 40;
    private static final String SCANNED_IMAGES = "PIM_DP_SCANNED_IMAGES";
    private static final String REPRESENTATIONS = "PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE";

    @Override public String name() { return "philips-tiff"; }

    @Override
    public int probe(Path path, byte[] header) {
        String d = TiffFormats.firstDescription(path, header);
        return d != null && d.contains("DPUfsImport") && d.contains("<DataObject") ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        Path path = f.path();
        List<Ifd> ifds = f.ifds();
        String software = ifds.get(0).ascii(305);
        if (software == null || !software.startsWith("Philips")) throw new UnsupportedSlideException(path, "Philips XML without Philips software tag");
        Element root = TiffXml.parse(path, "Philips description", ifds.get(0).description());
        if (!TiffXml.name(root).equals("DataObject") || !"DPUfsImport".equals(root.getAttribute("ObjectType"))) {
            throw new CorruptSlideException(path, "Philips description: root is not a DPUfsImport DataObject");
        }
        List<Element> scanned = scannedImages(root);
        List<Element> wsi = scanned.stream().filter(e -> "WSI".equals(attributeText(e, "PIM_DP_IMAGE_TYPE"))).toList();
        if (wsi.size() != 1) throw new CorruptSlideException(path, "Philips description: " + wsi.size() + " WSI images, one expected");

        List<TileGrid> stored = new ArrayList<>();
        Map<String, TileGrid> associated = new LinkedHashMap<>();
        for (Ifd ifd : ifds) {
            if (ifd.has(322)) {
                if (!stored.isEmpty() && (ifd.longValue(254, 0) & 1) == 0) {
                    throw new CorruptSlideException(path, "directory " + ifd.index() + " is not reduced-resolution");
                }
                TileGrid g = TiffFormats.image(ifd);
                if (!stored.isEmpty() && (g.width() > stored.get(stored.size() - 1).width() || g.height() > stored.get(stored.size() - 1).height())) {
                    throw new CorruptSlideException(path, "directory " + ifd.index() + " is larger than the level before it");
                }
                stored.add(g);
            } else {
                String d = ifd.description();
                String name = d.startsWith("Label") ? "label" : d.startsWith("Macro") ? "macro" : null;
                if (name != null && !associated.containsKey(name)) {
                    try {
                        associated.put(name, TiffFormats.image(ifd));
                    } catch (SlideException e) {
                        // an associated image we cannot decode does not make the slide unreadable
                    }
                }
            }
        }
        if (stored.isEmpty()) throw new CorruptSlideException(path, "Philips TIFF without tiled levels");
        List<double[]> spacings = new ArrayList<>();
        Element reps = attribute(wsi.get(0), REPRESENTATIONS);
        Element array = reps == null ? null : TiffXml.child(reps, "Array");
        if (array != null) {
            for (Element rep : TiffXml.children(array, "DataObject")) {
                if (!"PixelDataRepresentation".equals(rep.getAttribute("ObjectType"))) continue;
                double[] s = spacing(attributeText(rep, "DICOM_PIXEL_SPACING"));
                if (s == null) throw new CorruptSlideException(path, "Philips description: pixel spacing of level " + spacings.size() + " unreadable");
                spacings.add(s);
            }
        }
        if (spacings.size() != stored.size()) {
            throw new CorruptSlideException(path, "Philips description: " + spacings.size() + " pixel spacings for " + stored.size() + " levels");
        }
        TileGrid base = stored.get(0);
        List<TiffSlide.Level> levels = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            double ds = i == 0 ? 1 : Math.round((spacings.get(i)[0] / spacings.get(0)[0] + spacings.get(i)[1] / spacings.get(0)[1]) / 2);
            if (ds < 1) throw new CorruptSlideException(path, "Philips description: level " + i + " has a downsample below 1");
            TileGrid g = stored.get(i);
            int w = (int) (base.width() / ds), h = (int) (base.height() / ds);
            TileGrid clipped = i == 0 ? g : new Clipped(g, Math.min(w, g.width()), Math.min(h, g.height()));
            levels.add(new TiffSlide.Level(new LevelInfo(clipped.width(), clipped.height(), ds, g.tileWidth(), g.tileHeight()),
                    List.of(List.of(new TiffSlide.Part(clipped, 0)))));
        }
        for (String[] kind : new String[][] {{"label", "LABELIMAGE"}, {"macro", "MACROIMAGE"}}) {
            if (associated.containsKey(kind[0])) continue;
            scanned.stream().filter(e -> kind[1].equals(attributeText(e, "PIM_DP_IMAGE_TYPE"))).findFirst()
                    .map(e -> attributeText(e, "PIM_DP_IMAGE_DATA"))
                    .ifPresent(b64 -> {
                        try {
                            associated.put(kind[0], new JpegImage(path, Base64.getMimeDecoder().decode(b64)));
                        } catch (IllegalArgumentException | CodecException e) {
                            // not decodable: left out, as OpenSlide does
                        }
                    });
        }
        Map<String, String> props = new TreeMap<>();
        TiffFormats.tiffProperties(ifds.get(0), props);
        props.remove("tiff.ImageDescription");
        props.put("openslide.vendor", "philips");
        addProperties(root, "philips", props);
        Double mppX = null, mppY = null;
        double[] s = spacing(props.get("philips.DICOM_PIXEL_SPACING"));
        if (s != null) {
            mppX = 1e3 * s[0];
            mppY = 1e3 * s[1];
            props.put("openslide.mpp-x", TiffFormats.number(mppX));
            props.put("openslide.mpp-y", TiffFormats.number(mppY));
        }
        TiffFormats.levelProperties(levels.stream().map(TiffSlide.Level::info).toList(), props);
        if (base.bands() != 3 || base.type() != PixelType.UINT8) throw new UnsupportedSlideException(path, "Philips level of " + base.bands() + " bands of " + base.type());
        SlideMetadata meta = new SlideMetadata("philips-tiff", PixelType.UINT8, 3, 1, 1, List.of("R", "G", "B"), mppX, mppY, null, null, true, props);
        return new TiffSlide(f, options, meta, levels, associated);
    }

    /** The DataObjects of PIM_DP_SCANNED_IMAGES. */
    private static List<Element> scannedImages(Element root) {
        Element a = attribute(root, SCANNED_IMAGES);
        Element array = a == null ? null : TiffXml.child(a, "Array");
        return array == null ? List.of() : TiffXml.children(array, "DataObject");
    }

    /** The Attribute child named {@code name}, or null. */
    private static Element attribute(Element dataObject, String name) {
        for (Element a : TiffXml.children(dataObject, "Attribute")) if (name.equals(a.getAttribute("Name"))) return a;
        return null;
    }

    private static String attributeText(Element dataObject, String name) {
        Element a = attribute(dataObject, name);
        return a == null ? null : a.getTextContent().strip();
    }

    /** OpenSlide's walk of the XML into {@code prefix.NAME} properties. */
    private static void addProperties(Element dataObject, String prefix, Map<String, String> props) {
        for (Element a : TiffXml.children(dataObject, "Attribute")) {
            String name = a.getAttribute("Name");
            if (name.isEmpty()) continue;
            if (name.equals(SCANNED_IMAGES)) {
                scannedImages(dataObject).stream().filter(e -> "WSI".equals(attributeText(e, "PIM_DP_IMAGE_TYPE"))).findFirst()
                        .ifPresent(e -> addProperties(e, prefix, props));
            } else if (name.equals(REPRESENTATIONS)) {
                Element array = TiffXml.child(a, "Array");
                List<Element> reps = array == null ? List.of() : TiffXml.children(array, "DataObject");
                for (int i = 0; i < reps.size(); i++) addProperties(reps.get(i), prefix + "." + name + "[" + i + "]", props);
            } else if (TiffXml.children(a, null).isEmpty()) {
                props.put(prefix + "." + name, a.getTextContent());
            }
        }
    }

    /** {@code "row" "column"} spacings in millimetres as {column, row} (x, y), or null. */
    static double[] spacing(String s) {
        if (s == null) return null;
        String[] parts = s.strip().split("\\s+");
        if (parts.length != 2) return null;
        try {
            double row = Double.parseDouble(parts[0].replace("\"", "")), col = Double.parseDouble(parts[1].replace("\"", ""));
            return row > 0 && col > 0 && Double.isFinite(row) && Double.isFinite(col) ? new double[] {col, row} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A level whose tiles are stored for a larger (padded) image: the same tiles, a smaller size. */
    private record Clipped(TileGrid stored, int width, int height) implements TileGrid {
        @Override public int tileWidth() { return stored.tileWidth(); }

        @Override public int tileHeight() { return stored.tileHeight(); }

        @Override public int bands() { return stored.bands(); }

        @Override public PixelType type() { return stored.type(); }

        @Override
        public Raster decodeTile(int tx, int ty, JpegCodec jpeg, Jpeg2000Codec jpeg2000) {
            return stored.decodeTile(tx, ty, jpeg, jpeg2000);
        }
    }

    /** An associated image kept as a JPEG stream in the XML: one tile. */
    private static final class JpegImage implements TileGrid {
        private final Path path;
        private final byte[] jpeg;
        private final JpegStreams.Header header;

        JpegImage(Path path, byte[] jpeg) {
            this.path = path;
            this.jpeg = jpeg;
            this.header = JpegStreams.header(jpeg);
            if (header.componentCount() != 3 && header.componentCount() != 1) throw new CodecException("JPEG of " + header.componentCount() + " components");
        }

        @Override public int width() { return header.width(); }

        @Override public int height() { return header.height(); }

        @Override public int tileWidth() { return header.width(); }

        @Override public int tileHeight() { return header.height(); }

        @Override public int bands() { return header.componentCount(); }

        @Override public PixelType type() { return PixelType.UINT8; }

        @Override
        public Raster decodeTile(int tx, int ty, JpegCodec codec, Jpeg2000Codec jpeg2000) {
            Raster r = Raster.create(PixelType.UINT8, width(), height(), bands());
            try {
                codec.decode(jpeg, header.impliedColour(), r);
            } catch (CodecException e) {
                throw new CorruptSlideException(path, "JPEG image in the XML: " + e.getMessage(), e);
            }
            return r;
        }
    }
}
