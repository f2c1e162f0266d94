package org.slidestream.cli;

import org.slidestream.tissue.TissueDetector;
import org.slidestream.tissue.TissueMethod;
import org.slidestream.tissue.TissueParams;
import picocli.CommandLine.Option;

/** Options of tissue detection, shared by {@code tissue} and {@code patch}; unset values take the method's defaults. */
public class TissueOptions {
    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "otsu",
            description = "Tissue detection: otsu, hsv, combined or clam (default: ${DEFAULT-VALUE}; clam is CLAM's "
                    + "segmentation with CLAM's defaults, whose --a-t 100 keeps only contours of 26 Mpx of level 0 and more).")
    String method;

    @Option(names = "--seg-level", paramLabel = "LEVEL", defaultValue = "-1",
            description = "Pyramid level to detect tissue on (default: the level nearest to --seg-mpp).")
    int segLevel;

    @Option(names = "--seg-mpp", paramLabel = "UM", defaultValue = "" + TissueDetector.DEFAULT_SEG_MPP,
            description = "Resolution to detect tissue at, micrometres per pixel (default: ${DEFAULT-VALUE}); "
                    + "read from the nearest level, resampled when no level is within a factor 1.5.")
    double segMpp;

    @Option(names = "--otsu-on", paramLabel = "CHANNEL", description = "otsu/combined: threshold 'saturation' (default) or 'gray'.")
    String otsuOn;

    @Option(names = "--combine", paramLabel = "OP", description = "combined: 'and' (default, intersection) or 'or' (union).")
    String combine;

    @Option(names = "--sat-min", paramLabel = "S", description = "hsv/combined: least saturation of tissue, 0-255 (default 20).")
    Integer satMin;

    @Option(names = "--sat-max", paramLabel = "S", description = "hsv/combined: most saturation of tissue (default 255).")
    Integer satMax;

    @Option(names = "--val-min", paramLabel = "V", description = "hsv/combined: least value (brightness) of tissue (default 30).")
    Integer valMin;

    @Option(names = "--val-max", paramLabel = "V", description = "hsv/combined: most value of tissue; brighter is background (default 245).")
    Integer valMax;

    @Option(names = "--mthresh", paramLabel = "K", description = "Median blur kernel (odd) before thresholding (clam: 7, others: 5).")
    Integer mthresh;

    @Option(names = "--sthresh", paramLabel = "S", description = "clam: saturation threshold, or -1 for Otsu's (CLAM's use_otsu) (default 8).")
    Integer sthresh;

    @Option(names = "--close", paramLabel = "K", description = "Morphological closing kernel in segmentation pixels, 0 for none (default 4).")
    Integer close;

    @Option(names = "--a-t", paramLabel = "AREA", description = "Least tissue area of a contour, in reference patches (clam: 100, others: 1).")
    Double aT;

    @Option(names = "--a-h", paramLabel = "AREA", description = "Least area of a kept hole, in reference patches (clam: 16, others: 1).")
    Double aH;

    @Option(names = "--max-n-holes", paramLabel = "N", description = "Most holes kept per contour (default 8).")
    Integer maxNHoles;

    @Option(names = "--ref-patch-size", paramLabel = "PX", description = "Side of the reference patch for --a-t/--a-h, level-0 pixels (default 512).")
    Integer refPatchSize;

    @Option(names = "--pen-filter", arity = "0..1", paramLabel = "BOOL",
            description = "Remove pen marks (strong blue, green, black) from tissue (default: true, false for clam as in CLAM).")
    Boolean penFilter;

    public TissueParams params() {
        TissueMethod m = TissueMethod.parse(method);
        TissueParams d = TissueParams.defaults(m);
        boolean gray = otsuOn != null && switch (otsuOn.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "gray", "grey" -> true;
            case "saturation", "sat" -> false;
            default -> throw new IllegalArgumentException("--otsu-on must be 'saturation' or 'gray', not '" + otsuOn + "'");
        };
        boolean union = combine != null && switch (combine.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "or", "union" -> true;
            case "and", "intersection" -> false;
            default -> throw new IllegalArgumentException("--combine must be 'and' or 'or', not '" + combine + "'");
        };
        return new TissueParams(m, gray, union, or(satMin, d.satMin()), or(satMax, d.satMax()), or(valMin, d.valMin()),
                or(valMax, d.valMax()), or(mthresh, d.mthresh()), or(sthresh, d.sthresh()), or(close, d.close()),
                aT == null ? d.aT() : aT, aH == null ? d.aH() : aH, or(maxNHoles, d.maxNHoles()),
                or(refPatchSize, d.refPatchSize()), penFilter == null ? d.rejectPen() : penFilter);
    }

    private static int or(Integer v, int d) {
        return v == null ? d : v;
    }
}
