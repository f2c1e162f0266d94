package org.slidestream.tiff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * OME-TIFF: the OME-XML in the first ImageDescription gives the sizes (C, Z, T), the dimension order,
 * the pixel type, physical sizes and channel names, and its TiffData blocks map each (c, z, t) plane
 * to an IFD; the pyramid of each plane is in that IFD's SubIFDs (OME-TIFF 6 / bioformats2raw layout).
 * A channel is one IFD (fluorescence) or several samples of one IFD (RGB brightfield). The first
 * Image of the XML is read.
 */
public final class OmeTiffOpener implements SlideOpener {
    static final int SCORE = 20;

    @Override public String name() { return "ome-tiff"; }

    @Override
    public int probe(Path path, byte[] header) {
        String d = TiffFormats.firstDescription(path, header);
        return d != null && d.contains("<OME") && d.contains("http://www.openmicroscopy.org/Schemas/OME") ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        Path path = f.path();
        List<Ifd> ifds = f.ifds();
        OmeXml ome;
        try {
            ome = OmeXml.parse(ifds.get(0).description());
        } catch (IllegalArgumentException e) {
            throw new CorruptSlideException(path, "OME-XML: " + e.getMessage(), e);
        }
        PixelType type;
        try {
            type = PixelType.parse(ome.type());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedSlideException(path, "OME pixel type '" + ome.type() + "'");
        }
        Map<Integer, TiffImage> images = new HashMap<>();
        TiffImage firstImage = image(images, ifds, 0, type, path);
        int spp = firstImage.bands;
        if (ome.sizeC() % spp != 0) {
            throw new CorruptSlideException(path, "OME-XML SizeC " + ome.sizeC() + " is not a multiple of the " + spp + " samples per pixel");
        }
        int groups = ome.sizeC() / spp;
        long total = (long) groups * ome.sizeZ() * ome.sizeT();
        if (total > ifds.size()) {
            throw new CorruptSlideException(path, "OME-XML describes " + total + " planes but the file has " + ifds.size() + " IFDs");
        }
        int[] planeIfd = mapPlanes(ome, (int) total, groups, ifds.size(), path);

        // Pyramid depth: what every plane's IFD has in SubIFDs.
        int levelCount = Integer.MAX_VALUE;
        for (int ifd : planeIfd) levelCount = Math.min(levelCount, 1 + ifds.get(ifd).subIfds().size());
        List<TiffSlide.Level> levels = new ArrayList<>();
        TiffImage base = null;
        for (int level = 0; level < levelCount; level++) {
            List<List<TiffSlide.Part>> planes = new ArrayList<>();
            TiffImage ref = null;
            for (int t = 0; t < ome.sizeT(); t++) {
                for (int z = 0; z < ome.sizeZ(); z++) {
                    List<TiffSlide.Part> parts = new ArrayList<>(groups);
                    for (int c = 0; c < groups; c++) {
                        int ifdIndex = planeIfd[ome.planeIndex(c, z, t, groups)];
                        TiffImage img = level == 0 ? image(images, ifds, ifdIndex, type, path)
                                : TiffImage.of(ifds.get(ifdIndex).subIfds().get(level - 1), type);
                        if (ref == null) ref = img;
                        if (img.width != ref.width || img.height != ref.height || img.bands != spp) {
                            throw new CorruptSlideException(path, "OME-TIFF level " + level + ": IFD " + ifdIndex + " is " + img.width + "x"
                                    + img.height + "x" + img.bands + ", others " + ref.width + "x" + ref.height + "x" + spp);
                        }
                        parts.add(new TiffSlide.Part(img, c * spp));
                    }
                    planes.add(List.copyOf(parts));
                }
            }
            if (level == 0) {
                base = ref;
                if (ref.width != ome.sizeX() || ref.height != ome.sizeY()) {
                    throw new CorruptSlideException(path, "OME-XML says " + ome.sizeX() + "x" + ome.sizeY() + " but IFD " + planeIfd[0]
                            + " is " + ref.width + "x" + ref.height);
                }
            } else if (!TiffFormats.sameLayoutSmaller((TiffImage) levels.get(level - 1).planes().get(0).get(0).image(), ref)) {
                break; // SubIFDs that are not a pyramid (none we know of): keep the levels so far
            }
            LevelInfo info = TiffSlide.levelInfo(base, ref);
            levels.add(new TiffSlide.Level(info, List.copyOf(planes)));
        }

        boolean rgb = groups == 1 && spp == 3 && type == PixelType.UINT8;
        List<String> names = new ArrayList<>();
        if (rgb) {
            names.addAll(List.of("R", "G", "B"));
        } else {
            for (int c = 0; c < groups; c++) {
                String n = c < ome.channels().size() ? ome.channels().get(c).name() : null;
                for (int s = 0; s < spp; s++) {
                    String name = n == null || n.isBlank() ? "C" + (c * spp + s) : n;
                    names.add(spp == 1 || n == null ? name : n + "-" + s);
                }
            }
        }
        Map<String, String> props = new TreeMap<>();
        TiffFormats.tiffProperties(ifds.get(0), props);
        props.remove("tiff.ImageDescription"); // the OME-XML itself: can be megabytes; its content is in the metadata
        props.put("openslide.vendor", "ome-tiff");
        props.put("ome.DimensionOrder", ome.dimensionOrder());
        props.put("ome.Type", ome.type());
        props.put("ome.SizeC", String.valueOf(ome.sizeC()));
        props.put("ome.SizeZ", String.valueOf(ome.sizeZ()));
        props.put("ome.SizeT", String.valueOf(ome.sizeT()));
        props.put("ome.ImageCount", String.valueOf(ome.imageCount()));
        TiffFormats.put(props, "ome.Name", blankToNull(ome.name()));
        TiffFormats.put(props, "ome.Creator", blankToNull(ome.creator()));
        if (ome.physicalSizeX() != null) props.put("openslide.mpp-x", TiffFormats.number(ome.physicalSizeX()));
        if (ome.physicalSizeY() != null) props.put("openslide.mpp-y", TiffFormats.number(ome.physicalSizeY()));
        if (ome.magnification() != null) props.put("openslide.objective-power", TiffFormats.number(ome.magnification()));
        TiffFormats.levelProperties(levels.stream().map(TiffSlide.Level::info).toList(), props);
        SlideMetadata meta = new SlideMetadata("ome-tiff", type, ome.sizeC(), ome.sizeZ(), ome.sizeT(), names,
                ome.physicalSizeX(), ome.physicalSizeY(), ome.physicalSizeZ(), ome.magnification(), rgb, props);
        return new TiffSlide(f, options, meta, levels, Map.of());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static TiffImage image(Map<Integer, TiffImage> cache, List<Ifd> ifds, int index, PixelType type, Path path) {
        TiffImage img = cache.get(index);
        if (img == null) {
            img = TiffImage.of(ifds.get(index), type);
            cache.put(index, img);
        }
        return img;
    }

    /** The IFD of every plane index, from the TiffData blocks (or plane i in IFD i without any). */
    private static int[] mapPlanes(OmeXml ome, int total, int groups, int ifdCount, Path path) {
        int[] planeIfd = new int[total];
        Arrays.fill(planeIfd, -1);
        if (ome.tiffData().isEmpty()) {
            for (int p = 0; p < total; p++) planeIfd[p] = p;
        }
        String self = path.getFileName().toString();
        for (OmeXml.TiffData td : ome.tiffData()) {
            boolean otherFile = td.uuid() != null && !ome.uuid().isEmpty() ? !td.uuid().equals(ome.uuid())
                    : td.fileName() != null && !td.fileName().equals(self);
            if (otherFile) {
                throw new UnsupportedSlideException(path, "multi-file OME-TIFF (planes in " + (td.fileName() != null ? td.fileName() : td.uuid()) + ")");
            }
            if (td.firstC() >= groups || td.firstZ() >= ome.sizeZ() || td.firstT() >= ome.sizeT()) {
                throw new CorruptSlideException(path, "OME-XML TiffData starts at C=" + td.firstC() + " Z=" + td.firstZ() + " T=" + td.firstT()
                        + ", outside the image");
            }
            int count = td.planeCount() >= 0 ? td.planeCount() : td.ifd() < 0 && ome.tiffData().size() == 1 ? total : 1;
            int start = ome.planeIndex(td.firstC(), td.firstZ(), td.firstT(), groups);
            int ifd0 = Math.max(0, td.ifd());
            for (int k = 0; k < count && start + k < total; k++) planeIfd[start + k] = ifd0 + k;
        }
        for (int p = 0; p < total; p++) {
            if (planeIfd[p] < 0) {
                int[] czt = ome.planeCoordinates(p, groups);
                throw new CorruptSlideException(path, "OME-XML maps no IFD to plane C=" + czt[0] + " Z=" + czt[1] + " T=" + czt[2]);
            }
            if (planeIfd[p] >= ifdCount) {
                throw new CorruptSlideException(path, "OME-XML maps a plane to IFD " + planeIfd[p] + " but the file has " + ifdCount + " IFDs");
            }
        }
        return planeIfd;
    }
}
