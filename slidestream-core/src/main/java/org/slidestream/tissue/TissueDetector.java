package org.slidestream.tissue;

import java.util.ArrayList;
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
        // image, three HSV planes, masks and labels: about 12 bytes a pixel besides the image
        long need = (long) w * h * (bands + 12L);
        try (Reservation r = budget.reserve(need, "tissue detection at " + w + "x" + h)) {
            Raster img = Raster.create(PixelType.UINT8, w, h, bands);
            slide.readRegion(req, img);
            boolean[] fg = classify(img, params);
            // only the thumbnail's pixels are kept: at 100,000^2 the image is 29 MB, its preview 7 MB
            Raster preview = Overlays.preview(img);
            img = null;
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
        if (p.close() > 0) fg = Morphology.close(fg, w, h, p.close());
        List<Contours.Border> borders = Contours.find(fg, w, h);
        List<TissueRegion> kept = filter(borders, p, scaleX, scaleY);
        boolean[] mask = new boolean[w * h];
        for (TissueRegion r : kept) Fill.region(r, mask, w, h);
        int outer = (int) borders.stream().filter(b -> !b.hole() && b.area() > 0).count();
        return new TissueMask(w, h, scaleX, scaleY, level, mask, kept, outer - kept.size());
    }

    /** Foreground before closing, by method, with pen marks removed when asked. */
    static boolean[] classify(Raster rgb, TissueParams p) {
        int w = rgb.width(), h = rgb.height(), n = w * h;
        boolean[] fg;
        if (p.method() == TissueMethod.CLAM || p.method() == TissueMethod.OTSU && !p.otsuOnGray()) {
            // saturation alone decides: the hue and value planes are not made (two planes less memory)
            byte[] sat = Hsv.saturation(rgb);
            fg = p.method() == TissueMethod.CLAM ? clam(sat, w, h, p) : aboveOtsuOfMedian(sat, w, h, p.mthresh());
        } else {
            byte[][] hsv = Hsv.planes(rgb);
            fg = switch (p.method()) {
                case OTSU -> otsu(rgb, hsv, p);
                case HSV -> hsvRange(hsv, w, h, p);
                case COMBINED -> {
                    boolean[] a = otsu(rgb, hsv, p), b = hsvRange(hsv, w, h, p);
                    for (int i = 0; i < n; i++) a[i] = p.combineUnion() ? a[i] || b[i] : a[i] && b[i];
                    yield a;
                }
                case CLAM -> throw new AssertionError("CLAM classifies by saturation");
            };
        }
        if (p.rejectPen()) {
            // hue, saturation and value of the foreground pixels only
            for (int i = 0; i < n; i++) {
                if (!fg[i]) continue;
                int hsv = Hsv.pixel(rgb, i);
                if (isPen(hsv >>> 16, hsv >>> 8 & 0xFF, hsv & 0xFF)) fg[i] = false;
            }
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

    /**
     * Pen and ink: strongly saturated blue (hue 200-240 degrees) or green (70-190 degrees), or
     * nearly black. Stained tissue is pink to purple (hue 250-360 degrees) and never that dark
     * at a low resolution.
     */
    static boolean isPen(int hue, int sat, int val) {
        if (val < 40) return true;
        if (hue >= 100 && hue <= 120 && sat >= 120) return true;
        return hue >= 35 && hue < 95 && sat >= 60 && val < 235;
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
