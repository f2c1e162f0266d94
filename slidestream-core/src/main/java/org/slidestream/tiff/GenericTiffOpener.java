package org.slidestream.tiff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideException;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.slide.SlideOpener;
import org.slidestream.slide.SlideOptions;

/**
 * Any other TIFF or BigTIFF: level 0 is the first IFD; the pyramid is its SubIFDs when it has
 * reduced images there (libvips {@code --subifd}, OME-style writers), else the following IFDs of the
 * main chain with the same samples and a smaller size (libvips, OpenSlide's generic TIFF; reduced-
 * resolution IFDs with NewSubfileType bit 0 belong to it). Tiled or stripped.
 */
public final class GenericTiffOpener implements SlideOpener {
    static final int SCORE = 10;

    @Override public String name() { return "generic-tiff"; }

    @Override
    public int probe(Path path, byte[] header) {
        return TiffFile.isTiff(header) ? SCORE : 0;
    }

    @Override
    public Slide open(Path path, SlideOptions options) {
        return TiffFormats.open(path, f -> build(f, options));
    }

    private static TiffSlide build(TiffFile f, SlideOptions options) {
        List<Ifd> ifds = f.ifds();
        Ifd first = ifds.get(0);
        TiffImage base = TiffImage.of(first);
        List<TiffImage> pyramid = new ArrayList<>();
        pyramid.add(base);
        for (Ifd sub : first.subIfds()) {
            TiffImage img = candidate(sub, base);
            if (img != null) pyramid.add(img);
        }
        if (pyramid.size() == 1) {
            TiffImage prev = base;
            for (int i = 1; i < ifds.size(); i++) {
                Ifd ifd = ifds.get(i);
                long type = ifd.longValue(Tag.NEW_SUBFILE_TYPE, 0);
                if ((type & 4) != 0) continue; // a transparency mask
                TiffImage img = candidate(ifd, prev);
                if (img == null) continue; // a page of another kind (thumbnail, label, another series)
                pyramid.add(img);
                prev = img;
            }
        }
        pyramid = TiffSlide.byDecreasingSize(pyramid);
        List<TiffSlide.Level> levels = new ArrayList<>();
        for (TiffImage img : pyramid) {
            levels.add(new TiffSlide.Level(TiffSlide.levelInfo(base, img), List.of(List.of(new TiffSlide.Part(img, 0)))));
        }
        Map<String, String> props = new TreeMap<>();
        TiffFormats.tiffProperties(first, props);
        props.put("openslide.vendor", "generic-tiff");
        Double mppX = TiffFormats.mpp(first, Tag.X_RESOLUTION), mppY = TiffFormats.mpp(first, Tag.Y_RESOLUTION);
        if (mppX != null) props.put("openslide.mpp-x", TiffFormats.number(mppX));
        if (mppY != null) props.put("openslide.mpp-y", TiffFormats.number(mppY));
        TiffFormats.levelProperties(levels.stream().map(TiffSlide.Level::info).toList(), props);
        SlideMetadata meta = new SlideMetadata("generic-tiff", base.type, base.bands, 1, 1, TiffFormats.channelNames(base),
                mppX, mppY, null, null, TiffFormats.brightfield(base), props);
        return new TiffSlide(f, options, meta, levels, Map.of());
    }

    /** The image of an IFD when it is a smaller version of {@code larger}; null otherwise or when it cannot be read. */
    private static TiffImage candidate(Ifd ifd, TiffImage larger) {
        TiffImage img;
        try {
            img = TiffImage.of(ifd);
        } catch (SlideException e) {
            return null;
        }
        return TiffFormats.sameLayoutSmaller(larger, img) ? img : null;
    }
}
