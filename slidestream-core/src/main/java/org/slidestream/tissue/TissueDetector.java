package org.slidestream.tissue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideException;

/**
 * Finds tissue on a low-resolution image of a slide: classify pixels ({@link TissueMethod}),
 * remove pen marks, close small gaps, follow the borders of the tissue and its holes, drop
 * contours and holes smaller than the area filters (CLAM's rules), and fill what is kept.
 */
public final class TissueDetector {
    private static final Logger LOG = LoggerFactory.getLogger(TissueDetector.class);

    /** Default segmentation resolution: about 8 micrometres per pixel (a 20x slide at 1/16). */
    public static final double DEFAULT_SEG_MPP = 8.0;
    /**
     * The tile cache tissue detection makes use of: each tile of the segmentation level is read
     * once (a tile row at a time, or the whole level in one read).
     */
    public static final long TILE_CACHE_BYTES = 32L << 20;
    /** Downsample used when a slide has no pixel size. */
    static final double FALLBACK_DOWNSAMPLE = 16.0;

    private TissueDetector() {}

    /**
     * The resolution to segment at: {@code segLevel} when >= 0, else the level nearest to
     * {@code segMpp}; when no level is within a factor 1.5 of it, that downsample itself (read
     * from the best level and resampled). Never level 0 unless the slide is small enough that
     * level 0 is the target.
     *
     * @return {level or -1, downsample}
     */
    public static double[] segmentationResolution(Slide slide, int segLevel, double segMpp) {
        List<LevelInfo> levels = slide.levels();
        if (segLevel >= 0) {
            if (segLevel >= levels.size()) {
                throw new IllegalArgumentException(slide.path().getFileName() + ": no level " + segLevel
                        + " (levels 0.." + (levels.size() - 1) + ")");
            }
            return new double[] {segLevel, levels.get(segLevel).downsample()};
        }
        Double mpp = slide.metadata().mppX();
        double target = mpp == null || mpp <= 0 ? FALLBACK_DOWNSAMPLE : Math.max(1, segMpp / mpp);
        int best = 0;
        double bestDist = Double.MAX_VALUE;
        for (int i = 0; i < levels.size(); i++) {
            double d = Math.abs(Math.log(levels.get(i).downsample() / target));
            if (d < bestDist) { bestDist = d; best = i; }
        }
        if (bestDist <= Math.log(1.5)) return new double[] {best, levels.get(best).downsample()};
        return new double[] {-1, target};
    }

    /** Detects tissue on a slide at a resolution from {@link #segmentationResolution}. */
    public static Segmentation segment(Slide slide, int segLevel, double segMpp, TissueParams params, MemoryBudget budget) {
        double[] res = segmentationResolution(slide, segLevel, segMpp);
        int level = (int) res[0];
        LevelInfo l0 = slide.level(0);
        int w, h;
        double sx, sy;
        ReadRequest req;
        if (level >= 0) {
            LevelInfo l = slide.level(level);
            w = l.width();
            h = l.height();
            sx = l0.width() / (double) w; // CLAM's level downsamples, per axis
            sy = l0.height() / (double) h;
            req = ReadRequest.atLevel(level, 0, 0, w, h);
        } else {
            // a whole number of mask pixels across, so that mask pixel i covers level-0 [i * sx, (i + 1) * sx)
            // with sx = width0 / mask width, as for a level (CLAM's convention)
            w = (int) Math.max(1, Math.round(l0.width() / res[1]));
            double ds = l0.width() / (double) w;
            h = (int) Math.max(1, Math.round(l0.height() / ds));
            sx = ds;
            sy = l0.height() / (double) h;
            req = ReadRequest.atDownsample(ds, 0, 0, w, h);
        }
        if (slide.metadata().pixelType() != PixelType.UINT8) {
            throw new SlideException(slide.path(), "tissue detection needs 8-bit brightfield pixels, not " + slide.metadata().pixelType());
        }
        int bands = slide.metadata().sizeC();
        boolean strips = level >= 0 && bands >= 3 && bySaturation(params);
        int stripRows = strips ? stripRows(slide.level(level), w, bands) : h;
        // image, three HSV planes, masks and labels: about 12 bytes a pixel besides the image; by
        // strips, a strip, the saturation plane, the mask, labels (up to 4 bytes) and the preview
        // (up to the image's bands, when it is not subsampled)
        long need = strips ? (long) w * h * (6L + bands) + (long) w * stripRows * bands : (long) w * h * (bands + 12L);
        try (Reservation r = budget.reserve(need, "tissue detection at " + w + "x" + h)) {
            boolean[] fg;
            Raster preview;
            if (strips) {
                Classified c = classifyByStrips(slide, level, w, h, bands, stripRows, params);
                fg = c.foreground();
                preview = c.preview();
            } else {
                Raster img = Raster.create(PixelType.UINT8, w, h, bands);
                slide.readRegion(req, img);
                fg = classify(img, params);
                // only the thumbnail's pixels are kept: at 100,000^2 the image is 29 MB, its preview 7 MB
                preview = Overlays.preview(img);
            }
            TissueMask mask = fromForeground(fg, w, h, sx, sy, level, params);
            if (mask.regions().isEmpty() && mask.contoursTooSmall() > 0) {
                // CLAM's a_t = 100 reference patches (26 Mpx of level 0) filters everything on a biopsy or a crop
                LOG.warn("{}: no tissue kept: {} contour(s) found, all smaller than --a-t {} reference patches of {} px; "
                        + "lower --a-t for small slides", slide.path().getFileName(), mask.contoursTooSmall(), params.aT(), params.refPatchSize());
            }
            return new Segmentation(preview, mask);
        }
    }

    /** Detects tissue on an 8-bit RGB (or gray) image whose pixels cover {@code scaleX x scaleY} level-0 pixels. */
    public static TissueMask detect(Raster rgb, double scaleX, double scaleY, int level, TissueParams p) {
        if (rgb.type() != PixelType.UINT8) throw new IllegalArgumentException("tissue detection needs 8-bit pixels, not " + rgb.type());
        return fromForeground(classify(rgb, p), rgb.width(), rgb.height(), scaleX, scaleY, level, p);
    }

    /** The mask from a classified foreground of {@code w x h} pixels: closing, contours, area filters, filling. */
    private static TissueMask fromForeground(boolean[] fg, int w, int h, double scaleX, double scaleY, int level, TissueParams p) {
        // fg is this method's own: closed in place, then cleared and filled with the regions kept
        // (at 3,125^2 each mask is 9.8 MB, and tissue detection's memory is what grows with a slide)
        if (p.close() > 0) Morphology.closeInPlace(fg, w, h, p.close());
        List<Contours.Border> borders = Contours.find(fg, w, h);
        List<TissueRegion> kept = filter(borders, p, scaleX, scaleY);
        boolean[] mask = fg;
        Arrays.fill(mask, false);
        for (TissueRegion r : kept) Fill.region(r, mask, w, h);
        int outer = (int) borders.stream().filter(b -> !b.hole() && b.area() > 0).count();
        return new TissueMask(w, h, scaleX, scaleY, level, mask, kept, outer - kept.size());
    }

    /** Whether saturation alone classifies (CLAM, Otsu on saturation): no hue or value planes, no whole image. */
    private static boolean bySaturation(TissueParams p) {
        return p.method() == TissueMethod.CLAM || p.method() == TissueMethod.OTSU && !p.otsuOnGray();
    }

    /** Foreground before closing, and the thumbnail's preview. */
    private record Classified(boolean[] foreground, Raster preview) {}

    /**
     * Rows of the segmentation level read at a time when classifying by strips: a row of tiles,
     * so that each tile is decoded once, and at most about 16 MB of pixels.
     */
    private static int stripRows(LevelInfo l, int w, int bands) {
        int fit = (int) Math.max(1, (16L << 20) / ((long) w * bands));
        return Math.max(1, Math.min(l.height(), Math.min(l.tileHeight(), fit)));
    }

    /**
     * {@link #classify} for a saturation method, reading the level a strip of rows at a time: only
     * the saturation plane, the pen marks (bits) and the preview are kept, not the image (29 MB at
     * 100,000^2, and the largest part of tissue detection's memory).
     */
    private static Classified classifyByStrips(Slide slide, int level, int w, int h, int bands, int rows, TissueParams p) {
        double ds = slide.level(level).downsample();
        byte[] sat = new byte[Math.multiplyExact(w, h)];
        BitSet pen = p.rejectPen() ? new BitSet(sat.length) : null;
        Overlays.Preview preview = Overlays.preview(w, h, bands);
        Raster strip = null;
        for (int y0 = 0; y0 < h; y0 += rows) {
            int sh = Math.min(rows, h - y0);
            if (strip == null || strip.height() != sh) strip = Raster.create(PixelType.UINT8, w, sh, bands);
            // level row y0 from its level-0 row: the reader rounds level0 / ds, which gives y0 back
            slide.readRegion(ReadRequest.atLevel(level, 0, (int) Math.round(y0 * ds), w, sh), strip);
            scan(strip, y0 * w, sat, pen);
            preview.add(strip, y0);
        }
        return new Classified(bySaturation(sat, pen, w, h, p), preview.image());
    }

    /** Saturation and (when {@code pen} is given) pen marks of a strip whose first pixel is pixel {@code offset}. */
    private static void scan(Raster strip, int offset, byte[] sat, BitSet pen) {
        Hsv.saturation(strip, sat, offset);
        if (pen == null) return;
        int n = strip.width() * strip.height(), bands = strip.bands();
        byte[] src = strip.bytes();
        for (int i = 0; i < n; i++) {
            // every pen colour is dark (value, the largest component, below PEN_MAX_DARK) or at
            // least this saturated: the hue only for those
            int r = src[i * bands] & 0xFF;
            int max = bands >= 3 ? Math.max(r, Math.max(src[i * bands + 1] & 0xFF, src[i * bands + 2] & 0xFF)) : r;
            if ((sat[offset + i] & 0xFF) < PEN_MIN_SATURATION && max >= PEN_MAX_DARK) continue;
            int hsv = Hsv.pixel(strip, i);
            if (isPen(hsv >>> 16, hsv >>> 8 & 0xFF, hsv & 0xFF)) pen.set(offset + i);
        }
    }

    /** CLAM or Otsu on the saturation plane, pen marks removed. */
    private static boolean[] bySaturation(byte[] sat, BitSet pen, int w, int h, TissueParams p) {
        boolean[] fg = p.method() == TissueMethod.CLAM ? clam(sat, w, h, p) : aboveOtsuOfMedian(sat, w, h, p.mthresh());
        if (pen != null) for (int i = pen.nextSetBit(0); i >= 0; i = pen.nextSetBit(i + 1)) fg[i] = false;
        return fg;
    }

    /** Foreground before closing, by method, with pen marks removed when asked. */
    static boolean[] classify(Raster rgb, TissueParams p) {
        int w = rgb.width(), h = rgb.height(), n = w * h;
        if (bySaturation(p)) {
            // saturation alone decides: the hue and value planes are not made (two planes less memory)
            byte[] sat = new byte[n];
            BitSet pen = p.rejectPen() ? new BitSet(n) : null;
            scan(rgb, 0, sat, pen);
            return bySaturation(sat, pen, w, h, p);
        }
        byte[][] hsv = Hsv.planes(rgb);
        boolean[] fg = switch (p.method()) {
            case OTSU -> otsu(rgb, hsv, p);
            case HSV -> hsvRange(hsv, w, h, p);
            case COMBINED -> {
                boolean[] a = otsu(rgb, hsv, p), b = hsvRange(hsv, w, h, p);
                for (int i = 0; i < n; i++) a[i] = p.combineUnion() ? a[i] || b[i] : a[i] && b[i];
                yield a;
            }
            case CLAM -> throw new AssertionError("CLAM classifies by saturation");
        };
        if (p.rejectPen()) {
            for (int i = 0; i < n; i++) if (fg[i] && isPen(hsv[0][i] & 0xFF, hsv[1][i] & 0xFF, hsv[2][i] & 0xFF)) fg[i] = false;
        }
        return fg;
    }

    /** CLAM: the median-blurred saturation above {@code sthresh}, or above its Otsu threshold when sthresh < 0. */
    private static boolean[] clam(byte[] sat, int w, int h, TissueParams p) {
        if (p.sthresh() >= 0) {
            return p.mthresh() <= 1 ? above(sat, p.sthresh()) : Morphology.medianAbove(sat, w, h, p.mthresh(), p.sthresh());
        }
        return aboveOtsuOfMedian(sat, w, h, p.mthresh());
    }

    /** The median-blurred plane above its own Otsu threshold. */
    private static boolean[] aboveOtsuOfMedian(byte[] plane, int w, int h, int k) {
        byte[] s = Morphology.median(plane, w, h, k);
        return above(s, Morphology.otsu(s));
    }

    private static boolean[] above(byte[] plane, int t) {
        boolean[] fg = new boolean[plane.length];
        for (int i = 0; i < plane.length; i++) fg[i] = (plane[i] & 0xFF) > t;
        return fg;
    }

    private static boolean[] otsu(Raster rgb, byte[][] hsv, TissueParams p) {
        int w = rgb.width(), h = rgb.height(), n = w * h;
        byte[] ch = Morphology.median(p.otsuOnGray() ? Hsv.gray(rgb) : hsv[1], w, h, p.mthresh());
        int t = Morphology.otsu(ch);
        boolean[] fg = new boolean[n];
        for (int i = 0; i < n; i++) fg[i] = p.otsuOnGray() ? (ch[i] & 0xFF) <= t : (ch[i] & 0xFF) > t;
        if (p.otsuOnGray()) {
            // a slide without background has no gray threshold worth the name: keep only what is not white
            for (int i = 0; i < n; i++) if ((hsv[2][i] & 0xFF) > p.valMax() && (hsv[1][i] & 0xFF) < p.satMin()) fg[i] = false;
        }
        return fg;
    }

    private static boolean[] hsvRange(byte[][] hsv, int w, int h, TissueParams p) {
        byte[] s = Morphology.median(hsv[1], w, h, p.mthresh());
        byte[] v = Morphology.median(hsv[2], w, h, p.mthresh());
        boolean[] fg = new boolean[w * h];
        for (int i = 0; i < fg.length; i++) {
            int si = s[i] & 0xFF, vi = v[i] & 0xFF;
            fg[i] = si >= p.satMin() && si <= p.satMax() && vi >= p.valMin() && vi <= p.valMax();
        }
        return fg;
    }

    /** Value below which a pixel is ink, whatever its hue. */
    private static final int PEN_MAX_DARK = 40;
    /** The least saturation of a coloured pen mark ({@link #isPen}). */
    private static final int PEN_MIN_SATURATION = 60;

    /**
     * Pen and ink: strongly saturated blue (hue 200-240 degrees) or green (70-190 degrees), or
     * nearly black. Stained tissue is pink to purple (hue 250-360 degrees) and never that dark
     * at a low resolution.
     */
    static boolean isPen(int hue, int sat, int val) {
        if (val < PEN_MAX_DARK) return true;
        if (hue >= 100 && hue <= 120 && sat >= 120) return true;
        return hue >= 35 && hue < 95 && sat >= PEN_MIN_SATURATION && val < 235;
    }

    /** CLAM's {@code _filter_contours}, areas scaled from reference patches to segmentation pixels. */
    static List<TissueRegion> filter(List<Contours.Border> borders, TissueParams p, double scaleX, double scaleY) {
        // CLAM: scaled_ref_patch_area = int(ref_patch_size**2 / (scale[0] * scale[1]))
        long refArea = (long) ((double) p.refPatchSize() * p.refPatchSize() / (scaleX * scaleY));
        double aT = p.aT() * refArea, aH = p.aH() * refArea;
        List<List<Contours.Border>> holesOf = new ArrayList<>();
        for (int i = 0; i < borders.size(); i++) holesOf.add(new ArrayList<>());
        for (Contours.Border b : borders) if (b.hole() && b.parent() >= 0) holesOf.get(b.parent()).add(b);
        List<TissueRegion> out = new ArrayList<>();
        for (int i = 0; i < borders.size(); i++) {
            Contours.Border b = borders.get(i);
            if (b.hole()) continue;
            double a = b.area();
            for (Contours.Border hole : holesOf.get(i)) a -= hole.area();
            if (a == 0 || !(aT < a)) continue;
            List<Contours.Border> holes = new ArrayList<>(holesOf.get(i));
            holes.sort(Comparator.comparingDouble(Contours.Border::area).reversed()); // stable, as Python's sorted
            List<int[]> keptHoles = new ArrayList<>();
            for (int k = 0; k < Math.min(p.maxNHoles(), holes.size()); k++) {
                if (holes.get(k).area() > aH) keptHoles.add(holes.get(k).xy());
            }
            out.add(new TissueRegion(b.xy(), keptHoles, a));
        }
        return out;
    }
}
