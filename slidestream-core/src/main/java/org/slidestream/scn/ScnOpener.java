package org.slidestream.scn;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slidestream.image.PixelType;
import org.slidestream.slide.CorruptSlideException;
import org.slidestream.slide.Slide;
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
 * Leica SCN: a tiled BigTIFF whose first ImageDescription is an {@code scn} XML document (namespace
 * {@code .../scn/2010/03/10} or {@code /2010/10/01}). As in OpenSlide 3.4: the collection is the
 * glass, sized in nanometres; an image whose view covers the whole collection is the {@code macro};
 * the other brightfield images are regions of the main image, each a pyramid of directories listed
 * in its {@code pixels/dimension} elements (focal plane 0). Level {@code i} of the slide is the
 * collection at the finest resolution of the regions' {@code i}-th dimensions, each region painted at
 * its offset, white elsewhere. Properties are OpenSlide's ({@code leica.*},
 * {@code openslide.region[i].*}, {@code openslide.bounds-*}, mpp from the resolution tags in cm,
 * objective power from the objective).
 */
public final class ScnOpener implements SlideOpener {
    static final String NS1 = "http://www.leica-microsystems.com/scn/2010/03/10";
    static final String NS2 = "http://www.leica-microsystems.com/scn/2010/10/01";
    static final int SCORE = 40;
    /** Virtual tiles of the glass. */
    static final int TILE = 512;

    @Override public String name() { return "leica-scn"; }

    @Override
    public int probe(Path path, byte[] header) {
        String d = TiffFormats.firstDescription(path, header);
        return d != null && (d.contains(NS1) || d.contains(NS2)) ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    record Dimension(int ifd, long width, long height, double nmPerPixel) {}

    record Image(boolean macro, String illumination, String objective, String aperture, String created, String deviceModel,
                 String deviceVersion, long nmOffsetX, long nmOffsetY, List<Dimension> dimensions) {}

    record Collection(long nmWidth, long nmHeight, String barcode, List<Image> images) {}

    /** Parses the SCN document; errors name what is missing. */
    static Collection parse(Path path, String xml) {
        Element root = TiffXml.parse(path, "SCN description", xml);
        String ns = root.getNamespaceURI();
        if (!TiffXml.name(root).equals("scn") || !(NS1.equals(ns) || NS2.equals(ns))) {
            throw new CorruptSlideException(path, "SCN description: root element is not scn in Leica's namespace");
        }
        Element c = TiffXml.child(root, "collection");
        if (c == null) throw new CorruptSlideException(path, "SCN description: no collection element");
        String barcode = TiffXml.text(c, "barcode");
        if (barcode != null) {
            try {
                barcode = new String(Base64.getMimeDecoder().decode(barcode), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                barcode = null;
            }
        } else {
            barcode = TiffXml.attribute(c, "barcode");
        }
        long cw = longAttr(path, c, "sizeX"), ch = longAttr(path, c, "sizeY");
        List<Image> images = new ArrayList<>();
        for (Element im : TiffXml.children(c, "image")) {
            Element view = TiffXml.child(im, "view");
            if (view == null) throw new CorruptSlideException(path, "SCN description: image without a view");
            long vw = longAttr(path, view, "sizeX"), vh = longAttr(path, view, "sizeY");
            long ox = longAttr(path, view, "offsetX"), oy = longAttr(path, view, "offsetY");
            Element device = TiffXml.child(im, "device");
            Element settings = TiffXml.child(im, "scanSettings");
            Element illumination = TiffXml.path(settings, "illuminationSettings");
            List<Dimension> dims = new ArrayList<>();
            Element pixels = TiffXml.child(im, "pixels");
            if (pixels == null) throw new CorruptSlideException(path, "SCN description: image without pixels");
            for (Element d : TiffXml.children(pixels, "dimension")) {
                String z = TiffXml.attribute(d, "z");
                if (z != null && !z.equals("0")) continue;
                long w = longAttr(path, d, "sizeX"), h = longAttr(path, d, "sizeY");
                if (w <= 0 || h <= 0) throw new CorruptSlideException(path, "SCN description: dimension of " + w + "x" + h);
                dims.add(new Dimension((int) longAttr(path, d, "ifd"), w, h, (double) vw / w));
            }
            if (dims.isEmpty()) throw new CorruptSlideException(path, "SCN description: image without dimensions");
            dims.sort(Comparator.comparingLong(Dimension::width).reversed());
            images.add(new Image(ox == 0 && oy == 0 && vw == cw && vh == ch, TiffXml.text(illumination, "illuminationSource"),
                    TiffXml.text(TiffXml.path(settings, "objectiveSettings"), "objective"), TiffXml.text(illumination, "numericalAperture"),
                    TiffXml.text(im, "creationDate"), device == null ? null : TiffXml.attribute(device, "model"),
                    device == null ? null : TiffXml.attribute(device, "version"), ox, oy, List.copyOf(dims)));
        }
        if (images.isEmpty()) throw new CorruptSlideException(path, "SCN description: no images");
        return new Collection(cw, ch, barcode, images);
    }

    private static long longAttr(Path path, Element e, String name) {
        String v = TiffXml.attribute(e, name);
        if (v == null) throw new CorruptSlideException(path, "SCN description: " + TiffXml.name(e) + " without " + name);
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException ex) {
            throw new CorruptSlideException(path, "SCN description: " + TiffXml.name(e) + " " + name + "=\"" + v + "\" is not an integer");
        }
    }

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        Path path = f.path();
        List<Ifd> ifds = f.ifds();
        Collection col = parse(path, ifds.get(0).description());
        List<Image> mains = col.images().stream().filter(i -> !i.macro() && "brightfield".equals(i.illumination())).toList();
        if (mains.isEmpty()) throw new UnsupportedSlideException(path, "SCN without a brightfield main image");
        Image first = mains.get(0);
        int levelCount = first.dimensions().size();
        for (Image im : mains) {
            if (!java.util.Objects.equals(im.objective(), first.objective()) || im.dimensions().size() != levelCount) {
                throw new UnsupportedSlideException(path, "SCN main images of different objectives or pyramids");
            }
        }
        List<Mosaic> planes = new ArrayList<>();
        List<long[]> regions0 = new ArrayList<>();
        for (int l = 0; l < levelCount; l++) {
            double nm = Double.MAX_VALUE;
            for (Image im : mains) {
                Dimension d = im.dimensions().get(l);
                double ref = first.dimensions().get(l).nmPerPixel();
                if (1 - Math.abs(d.nmPerPixel() - ref) / ref < 0.98) throw new CorruptSlideException(path, "SCN main images of different resolutions");
                nm = Math.min(nm, d.nmPerPixel());
            }
            List<Mosaic.Piece> pieces = new ArrayList<>();
            for (Image im : mains) {
                TileGrid area = TiffFormats.image(directory(path, ifds, im.dimensions().get(l).ifd()));
                if (area.bands() != 3 || area.type() != PixelType.UINT8) throw new UnsupportedSlideException(path, "SCN region of " + area.bands() + " bands of " + area.type());
                // as OpenSlide: offsets in nanometres truncated to the level's pixels
                long ox = (long) (im.nmOffsetX() / nm), oy = (long) (im.nmOffsetY() / nm);
                pieces.addAll(Mosaic.whole(area, ox, oy));
                if (l == 0) regions0.add(new long[] {ox, oy, area.width(), area.height()});
            }
            planes.add(new Mosaic((int) Math.ceil(col.nmWidth() / nm), (int) Math.ceil(col.nmHeight() / nm), TILE, 3, PixelType.UINT8, 255, pieces));
        }
        List<TiffSlide.Level> withInfo = new ArrayList<>();
        for (Mosaic m : planes) withInfo.add(new TiffSlide.Level(TiffSlide.levelInfo(planes.get(0), m), List.of(List.of(new TiffSlide.Part(m, 0)))));

        Map<String, TileGrid> associated = new LinkedHashMap<>();
        List<Image> macros = col.images().stream().filter(i -> i.macro() && "brightfield".equals(i.illumination())).toList();
        if (macros.size() > 1) throw new CorruptSlideException(path, "SCN with several macro images");
        if (!macros.isEmpty()) associated.put("macro", TiffFormats.image(directory(path, ifds, macros.get(0).dimensions().get(0).ifd())));

        Map<String, String> props = new TreeMap<>();
        Ifd propertyDir = directory(path, ifds, first.dimensions().get(0).ifd());
        TiffFormats.tiffProperties(propertyDir, props);
        props.remove("tiff.ImageDescription");
        props.put("openslide.vendor", "leica");
        TiffFormats.put(props, "leica.barcode", col.barcode());
        TiffFormats.put(props, "leica.aperture", first.aperture());
        TiffFormats.put(props, "leica.creation-date", first.created());
        TiffFormats.put(props, "leica.device-model", first.deviceModel());
        TiffFormats.put(props, "leica.device-version", first.deviceVersion());
        TiffFormats.put(props, "leica.illumination-source", first.illumination());
        TiffFormats.put(props, "leica.objective", first.objective());
        Double magnification = null;
        try {
            if (first.objective() != null) {
                long power = Long.parseLong(first.objective().strip());
                props.put("openslide.objective-power", String.valueOf(power));
                magnification = (double) power;
            }
        } catch (NumberFormatException e) {
            // OpenSlide copies only integer objectives
        }
        Double mppX = TiffFormats.centimetreMpp(propertyDir, 282), mppY = TiffFormats.centimetreMpp(propertyDir, 283);
        if (mppX != null) props.put("openslide.mpp-x", TiffFormats.number(mppX));
        if (mppY != null) props.put("openslide.mpp-y", TiffFormats.number(mppY));
        long x0 = Long.MAX_VALUE, y0 = Long.MAX_VALUE, x1 = Long.MIN_VALUE, y1 = Long.MIN_VALUE;
        for (int i = 0; i < regions0.size(); i++) {
            long[] r = regions0.get(i);
            props.put("openslide.region[" + i + "].x", String.valueOf(r[0]));
            props.put("openslide.region[" + i + "].y", String.valueOf(r[1]));
            props.put("openslide.region[" + i + "].width", String.valueOf(r[2]));
            props.put("openslide.region[" + i + "].height", String.valueOf(r[3]));
            x0 = Math.min(x0, r[0]);
            y0 = Math.min(y0, r[1]);
            x1 = Math.max(x1, r[0] + r[2]);
            y1 = Math.max(y1, r[1] + r[3]);
        }
        props.put("openslide.bounds-x", String.valueOf(x0));
        props.put("openslide.bounds-y", String.valueOf(y0));
        props.put("openslide.bounds-width", String.valueOf(x1 - x0));
        props.put("openslide.bounds-height", String.valueOf(y1 - y0));
        TiffFormats.levelProperties(withInfo.stream().map(TiffSlide.Level::info).toList(), props);
        SlideMetadata meta = new SlideMetadata("leica-scn", PixelType.UINT8, 3, 1, 1, List.of("R", "G", "B"), mppX, mppY, null,
                magnification, true, props);
        return new TiffSlide(f, options, meta, withInfo, associated);
    }

    private static Ifd directory(Path path, List<Ifd> ifds, int index) {
        if (index < 0 || index >= ifds.size()) throw new CorruptSlideException(path, "SCN description names directory " + index + " of " + ifds.size());
        return ifds.get(index);
    }

}
