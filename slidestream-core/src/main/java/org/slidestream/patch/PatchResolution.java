package org.slidestream.patch;

import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;

/**
 * The resolution patches are read at, given one way: a pyramid {@code level}, a {@code downsample}
 * of level 0, micrometres per pixel ({@code mpp}) or objective {@code magnification}. Unset values
 * are -1 (a level) or 0; with nothing set, level 0.
 */
public record PatchResolution(int level, double downsample, double mpp, double magnification) {
    public static final PatchResolution LEVEL_0 = new PatchResolution(0, 0, 0, 0);

    public PatchResolution {
        int given = (level >= 0 ? 1 : 0) + (downsample > 0 ? 1 : 0) + (mpp > 0 ? 1 : 0) + (magnification > 0 ? 1 : 0);
        if (given > 1) throw new IllegalArgumentException("give one of --level, --downsample, --mpp and --magnification");
        if (given == 0) level = 0;
    }

    public static PatchResolution ofLevel(int l) { return new PatchResolution(l, 0, 0, 0); }

    public static PatchResolution ofDownsample(double d) { return new PatchResolution(-1, d, 0, 0); }

    public static PatchResolution ofMpp(double m) { return new PatchResolution(-1, 0, m, 0); }

    public static PatchResolution ofMagnification(double m) { return new PatchResolution(-1, 0, 0, m); }

    /**
     * Where to read on a slide.
     *
     * @param level      the pyramid level that holds exactly this resolution, or -1 (resampled from the best level)
     * @param downsample level-0 pixels per patch pixel
     * @param readLevel  the level pixels come from (CLAM's {@code patch_level})
     */
    public record Resolved(int level, double downsample, int readLevel) {}

    public Resolved resolve(Slide slide) {
        String name = slide.path().getFileName().toString();
        if (level >= 0) {
            if (level >= slide.levelCount()) {
                throw new IllegalArgumentException(name + ": no level " + level + " (levels 0.." + (slide.levelCount() - 1) + ")");
            }
            return new Resolved(level, slide.level(level).downsample(), level);
        }
        double ds;
        if (downsample > 0) {
            ds = downsample;
        } else if (mpp > 0) {
            Double m0 = slide.metadata().mppX();
            if (m0 == null || m0 <= 0) throw new IllegalArgumentException(name + ": --mpp needs the slide's pixel size, which it does not give (use --level or --downsample)");
            ds = mpp / m0;
        } else {
            Double mag0 = level0Magnification(slide);
            if (mag0 == null) throw new IllegalArgumentException(name + ": --magnification needs the slide's objective power or pixel size, which it does not give");
            ds = mag0 / magnification;
        }
        if (ds < 1 - 1e-6) {
            throw new IllegalArgumentException(name + ": the requested resolution is finer than level 0 (downsample " + ds + ")");
        }
        for (int i = 0; i < slide.levelCount(); i++) {
            LevelInfo l = slide.level(i);
            if (Math.abs(l.downsample() - ds) <= 1e-3 * ds) return new Resolved(i, l.downsample(), i);
        }
        return new Resolved(-1, ds, slide.bestLevelForDownsample(ds));
    }

    /** The objective power of level 0: the slide's, else from its pixel size (10 / mpp: 0.25 um is 40x). */
    public static Double level0Magnification(Slide slide) {
        Double mag = slide.metadata().magnification();
        if (mag != null && mag > 0) return mag;
        Double mpp = slide.metadata().mppX();
        return mpp == null || mpp <= 0 ? null : 10.0 / mpp;
    }
}
