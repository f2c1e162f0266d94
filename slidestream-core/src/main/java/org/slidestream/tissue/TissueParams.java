package org.slidestream.tissue;

/**
 * Parameters of tissue detection. Thresholds are on OpenCV's 8-bit HSV scale (saturation and value
 * 0..255); areas are in units of a reference patch of {@code refPatchSize}^2 level-0 pixels, as
 * in CLAM, so that one setting means the same tissue size at any segmentation level.
 *
 * @param method       how pixels are classified
 * @param otsuOnGray   Otsu's threshold on gray (tissue darker) instead of on saturation (tissue more saturated)
 * @param combineUnion {@code combined}: union of Otsu and HSV instead of their intersection
 * @param satMin       {@code hsv}: least saturation of tissue
 * @param satMax       {@code hsv}: most saturation of tissue
 * @param valMin       {@code hsv}: least value (brightness) of tissue; darker is dirt or pen
 * @param valMax       {@code hsv}: most value of tissue; brighter is background
 * @param mthresh      median blur kernel (odd; 0 or 1 for none) applied before thresholding
 * @param sthresh      {@code clam}: fixed saturation threshold (tissue above), or -1 for Otsu's
 * @param close        closing kernel size in segmentation pixels (0 for none)
 * @param aT           least tissue area of a contour (holes deducted), in reference patches
 * @param aH           least area of a hole that is kept, in reference patches
 * @param maxNHoles    most holes kept per contour (the largest)
 * @param refPatchSize side of the reference patch, level-0 pixels (CLAM: 512)
 * @param rejectPen    remove strongly blue, green or black pixels (pen marks, ink) from tissue
 */
public record TissueParams(TissueMethod method, boolean otsuOnGray, boolean combineUnion,
                           int satMin, int satMax, int valMin, int valMax,
                           int mthresh, int sthresh, int close, double aT, double aH, int maxNHoles,
                           int refPatchSize, boolean rejectPen) {

    public TissueParams {
        if (mthresh > 1 && mthresh % 2 == 0) throw new IllegalArgumentException("median kernel (mthresh) must be odd: " + mthresh);
        if (close < 0) throw new IllegalArgumentException("close must be >= 0: " + close);
        if (aT < 0 || aH < 0) throw new IllegalArgumentException("area filters must be >= 0");
        if (maxNHoles < 0) throw new IllegalArgumentException("max holes must be >= 0");
        if (refPatchSize < 1) throw new IllegalArgumentException("reference patch size must be >= 1");
        if (sthresh > 255 || sthresh < -1) throw new IllegalArgumentException("sthresh must be 0..255, or -1 for Otsu: " + sthresh);
    }

    /**
     * Defaults of a method: for {@code clam} those of CLAM's {@code create_patches_fp.py}
     * (sthresh 8, mthresh 7, close 4, a_t 100, a_h 16, max_n_holes 8, reference patch 512, no pen
     * filter); for the others a light median (5), closing (4), contours of at least 1 reference
     * patch, holes of at least 1, pen marks removed.
     */
    public static TissueParams defaults(TissueMethod method) {
        return switch (method) {
            case CLAM -> new TissueParams(method, false, false, 20, 255, 30, 245, 7, 8, 4, 100, 16, 8, 512, false);
            default -> new TissueParams(method, false, false, 20, 255, 30, 245, 5, 8, 4, 1, 1, 8, 512, true);
        };
    }

    public TissueParams withAreas(double aT, double aH, int maxNHoles) {
        return new TissueParams(method, otsuOnGray, combineUnion, satMin, satMax, valMin, valMax, mthresh, sthresh, close,
                aT, aH, maxNHoles, refPatchSize, rejectPen);
    }
}
