package org.slidestream.annotation;

import java.util.ArrayList;
import java.util.List;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/**
 * What part of a patch each class covers, counted on the label mask at the patch's resolution
 * (exact: the pixels a mask of that level would have), and the class covering most of it.
 *
 * @param classes   the mask's classes, in the label map's order
 * @param fractions fraction of the patch's pixels labelled with each class (classes that share a
 *                  label value share the fraction)
 * @param background fraction of pixels of no class
 * @param majority  the class with the most pixels, or {@code "background"} when unlabelled pixels
 *                  are at least as many as those of any class (ties between classes: the
 *                  class of higher priority)
 */
public record PatchCoverage(List<String> classes, double[] fractions, double background, String majority) {
    public static final String BACKGROUND = "background";

    /** Coverage of {@code region} (mask pixels; parts outside the mask count as background). */
    public static PatchCoverage of(LabelMask mask, Region region) {
        Raster r = mask.read(region);
        return of(mask.labels(), r);
    }

    /** Coverage of a mask tile already read. */
    public static PatchCoverage of(LabelMap labels, Raster maskTile) {
        long[] counts = new long[256];
        byte[] b = maskTile.bytes();
        int n = maskTile.width() * maskTile.height();
        for (int i = 0; i < n; i++) counts[b[i] & 0xFF]++;
        List<String> classes = new ArrayList<>(labels.labels().keySet());
        double[] f = new double[classes.size()];
        for (int i = 0; i < f.length; i++) f[i] = n == 0 ? 0 : (double) counts[labels.label(classes.get(i))] / n;
        double bg = n == 0 ? 1 : (double) counts[0] / n;
        String best = BACKGROUND;
        long bestCount = counts[0];
        for (String c : labels.priority()) { // highest priority first: it keeps ties
            long k = counts[labels.label(c)];
            if (k > bestCount) {
                best = c;
                bestCount = k;
            }
        }
        return new PatchCoverage(classes, f, bg, best);
    }
}
