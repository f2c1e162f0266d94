package org.slidestream.patch;

import java.util.ArrayList;
import java.util.List;
import org.slidestream.annotation.LabelMap;
import org.slidestream.annotation.LabelMask;
import org.slidestream.annotation.MaskResolution;
import org.slidestream.annotation.PatchCoverage;
import org.slidestream.image.Region;

/**
 * Per-patch labels from annotations: the fraction of each patch that each class covers, counted on
 * the label mask drawn at the patch's resolution (so exactly what a mask of that level shows), and
 * the majority. {@link #fractions()} gives columns {@code frac_<class>} ({@code labels} in
 * {@code coords.h5}, N x classes), {@link #majority()} the label value of the majority class
 * ({@code 0} for background) as column and dataset {@code majority}.
 */
public final class AnnotationColumns {
    private final LabelMask mask;
    private final int size;
    private final double downsample;
    private final List<String> classes;
    private PatchCoord last;
    private PatchCoverage lastCoverage;

    /**
     * @param mask       the mask at the patches' resolution
     * @param size       patch side in mask pixels
     * @param downsample level-0 pixels per patch pixel: a patch at level-0 {@code (x, y)} starts at
     *                   mask pixel {@code round(x / downsample)}, as the reader places level reads
     */
    public AnnotationColumns(LabelMask mask, int size, double downsample) {
        this.mask = mask;
        this.size = size;
        this.downsample = downsample;
        this.classes = new ArrayList<>(mask.labels().labels().keySet());
    }

    /** The mask grid of patches read at {@code res} on a {@code width x height} level 0 (the level's own grid when it is one). */
    public static MaskResolution resolution(long width, long height, int levelWidth, int levelHeight, PatchResolution.Resolved res) {
        return res.level() >= 0 ? MaskResolution.ofLevel(width, height, levelWidth, levelHeight)
                : MaskResolution.downsample(width, height, res.downsample());
    }

    /** Fractions and majority come from one read of the patch's mask (each patch is asked for twice, in turn). */
    private PatchCoverage coverage(PatchCoord at) {
        if (at != last) {
            int x = (int) Math.floor(at.x() / downsample + 0.5), y = (int) Math.floor(at.y() / downsample + 0.5);
            lastCoverage = PatchCoverage.of(mask, new Region(x, y, size, size));
            last = at;
        }
        return lastCoverage;
    }

    public PatchColumns fractions() {
        List<String> names = classes.stream().map(c -> "frac_" + c).toList();
        return new PatchColumns() {
            @Override public List<String> names() { return names; }

            @Override public double[] values(PatchCoord at) { return coverage(at).fractions(); }

            @Override public String dataset() { return "labels"; }
        };
    }

    public PatchColumns majority() {
        LabelMap labels = mask.labels();
        return new PatchColumns() {
            @Override public List<String> names() { return List.of("majority"); }

            @Override public double[] values(PatchCoord at) {
                String m = coverage(at).majority();
                return new double[] {m.equals(PatchCoverage.BACKGROUND) ? 0 : labels.label(m)};
            }
        };
    }
}
