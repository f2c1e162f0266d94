package org.slidestream.tissue;

import java.util.Locale;

/** How tissue is told from background on the low-resolution image. */
public enum TissueMethod {
    /** Otsu's threshold on HSV saturation (tissue above) or on gray (tissue below). */
    OTSU,
    /** Fixed ranges of HSV saturation and value. */
    HSV,
    /** Otsu and HSV together: their intersection (default) or union. */
    COMBINED,
    /** CLAM's segmentation: median-blurred saturation, fixed or Otsu threshold, closing, filtered contours. */
    CLAM;

    public static TissueMethod parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tissue method '" + s + "' (use otsu, hsv, combined or clam)");
        }
    }
}
