package org.slidestream.qptiff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slidestream.image.PixelType;
import org.slidestream.slide.CorruptSlideException;
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
import org.w3c.dom.Element;

/**
 * Akoya (PerkinElmer) QPTIFF, as Vectra and Phenocycler/CODEX scanners write it: every page has a
 * {@code PerkinElmer-QPI-ImageDescription} XML whose {@code ImageType} says what the page is. The
 * {@code FullResolution} pages in a row are the channels of level 0 (one page each, or one RGB page
 * for brightfield), each named by its {@code Name} (else its {@code Biomarker}); the
 * {@code ReducedResolution} pages that follow, channel by channel, are the lower levels; the
 * {@code Thumbnail}, {@code Overview} ({@code macro}) and {@code Label} pages are associated images.
 * Channel colour, exposure time and signal units, the slide id, objective and camera become
 * {@code qptiff.*} properties; mpp comes from the resolution tags (else {@code PixelSizeMicrons}),
 * the magnification from the scan profile (else the objective, such as {@code 10x}).
 */
public final class QptiffOpener implements SlideOpener {
    static final String ROOT = "PerkinElmer-QPI-ImageDescription";
    static final int SCORE = 35;

    @Override public String name() { return "qptiff"; }

    @Override
    public int probe(Path path, byte[] header) {
        String d = TiffFormats.firstDescription(path, header);
        return d != null && d.contains("<" + ROOT) ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    /** A page: its directory, its XML and what the XML says it is. */
    private record Page(Ifd ifd, Element xml, String type) {}

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        Path path = f.path();
        List<Page> pages = new ArrayList<>();
        for (Ifd ifd : f.ifds()) {
            String d = ifd.description();
            if (!d.contains("<" + ROOT)) {
                pages.add(new Page(ifd, null, ""));
                continue;
            }
            Element xml = TiffXml.parse(path, "IFD " + ifd.index() + " description", d);
            String type = TiffXml.text(xml, "ImageType");
            pages.add(new Page(ifd, xml, type == null ? "" : type));
        }
        List<Page> channels = new ArrayList<>();
        int i = 0;
        while (i < pages.size() && !pages.get(i).type().equals("FullResolution")) i++;
        while (i < pages.size() && pages.get(i).type().equals("FullResolution")) channels.add(pages.get(i++));
        if (channels.isEmpty()) throw new CorruptSlideException(path, "QPTIFF without FullResolution pages");

        List<TileGrid> base = new ArrayList<>();
        for (Page p : channels) base.add(TiffFormats.image(p.ifd()));
        TileGrid first = base.get(0);
        for (TileGrid g : base) {
            if (g.width() != first.width() || g.height() != first.height() || g.type() != first.type() || g.bands() != first.bands()) {
                throw new CorruptSlideException(path, "QPTIFF channels of different sizes or types (" + g.width() + "x" + g.height() + " "
                        + g.type() + " and " + first.width() + "x" + first.height() + " " + first.type() + ")");
            }
        }
        boolean rgb = channels.size() == 1 && first.bands() == 3;
        if (!rgb && first.bands() != 1) {
            throw new UnsupportedSlideException(path, "QPTIFF channel pages of " + first.bands() + " samples");
        }
        List<List<TileGrid>> pyramid = new ArrayList<>();
        pyramid.add(base);
        List<TileGrid> current = new ArrayList<>();
        for (Page p : pages) {
            if (!p.type().equals("ReducedResolution")) continue;
            TileGrid g;
            try {
                g = TiffFormats.image(p.ifd());
            } catch (SlideException e) {
                continue; // a reduced level we cannot read: the levels above still serve every read
            }
            if (!current.isEmpty() && (g.width() != current.get(0).width() || g.height() != current.get(0).height())) current = new ArrayList<>();
            if (current.isEmpty()) pyramid.add(current);
            current.add(g);
        }
        List<TiffSlide.Level> levels = new ArrayList<>();
        for (List<TileGrid> level : pyramid) {
            TileGrid g0 = level.get(0);
            if (level.size() != base.size() || g0.type() != first.type() || g0.bands() != first.bands() || g0.width() >= first.width() && level != base) {
                continue; // an incomplete or odd reduced level
            }
            List<TiffSlide.Part> parts = new ArrayList<>();
            for (int c = 0; c < level.size(); c++) parts.add(new TiffSlide.Part(level.get(c), rgb ? 0 : c));
            levels.add(new TiffSlide.Level(TiffSlide.levelInfo(first, g0), List.of(parts)));
        }
        Map<String, TileGrid> associated = new LinkedHashMap<>();
        for (Page p : pages) {
            String name = switch (p.type()) {
                case "Thumbnail" -> "thumbnail";
                case "Overview" -> "macro";
                case "Label" -> "label";
                default -> null;
            };
            if (name == null || associated.containsKey(name)) continue;
            try {
                associated.put(name, TiffFormats.image(p.ifd()));
            } catch (SlideException e) {
                // an associated image we cannot decode does not make the slide unreadable
            }
        }

        Element info = channels.get(0).xml();
        Map<String, String> props = new TreeMap<>();
        TiffFormats.tiffProperties(channels.get(0).ifd(), props);
        props.remove("tiff.ImageDescription");
        props.put("openslide.vendor", "akoya");
        for (String key : List.of("DescriptionVersion", "AcquisitionSoftware", "Identifier", "SlideID", "Barcode", "ComputerName",
                "Objective", "CameraName", "IsUnmixedComponent")) {
            TiffFormats.put(props, "qptiff." + key, TiffXml.text(info, key));
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < channels.size(); c++) {
            Element x = channels.get(c).xml();
            String name = rgb ? null : first(TiffXml.text(x, "Name"), TiffXml.text(x, "Biomarker"));
            if (!rgb) names.add(name != null ? name : "C" + c);
            String p = "qptiff.channel[" + c + "].";
            for (String key : List.of("Name", "Biomarker", "Color", "ExposureTime", "SignalUnits")) TiffFormats.put(props, p + key, TiffXml.text(x, key));
        }
        if (rgb) names = List.of("R", "G", "B");
        Element resolution = TiffXml.find(info, "ScanResolution");
        Double mppX = TiffFormats.mpp(channels.get(0).ifd(), 282), mppY = TiffFormats.mpp(channels.get(0).ifd(), 283);
        Double profileMpp = number(TiffXml.text(resolution, "PixelSizeMicrons"));
        if (mppX == null || mppY == null) {
            mppX = profileMpp;
            mppY = profileMpp;
        }
        Double magnification = number(TiffXml.text(resolution, "Magnification"));
        if (magnification == null) magnification = objectivePower(TiffXml.text(info, "Objective"));
        if (mppX != null) props.put("openslide.mpp-x", TiffFormats.number(mppX));
        if (mppY != null) props.put("openslide.mpp-y", TiffFormats.number(mppY));
        if (magnification != null) props.put("openslide.objective-power", TiffFormats.number(magnification));
        TiffFormats.levelProperties(levels.stream().map(TiffSlide.Level::info).toList(), props);
        PixelType type = first.type();
        SlideMetadata meta = new SlideMetadata("qptiff", type, names.size(), 1, 1, names, mppX, mppY, null, magnification,
                rgb && type == PixelType.UINT8, props);
        return new TiffSlide(f, options, meta, levels, associated);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static Double number(String s) {
        if (s == null) return null;
        try {
            double v = Double.parseDouble(s.strip());
            return v > 0 && Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "10x", "20X", "40x Plan Apo": the leading number. */
    static Double objectivePower(String objective) {
        if (objective == null) return null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+(?:\\.\\d+)?)\\s*[xX]").matcher(objective);
        return m.find() ? number(m.group(1)) : null;
    }
}
