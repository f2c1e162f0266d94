package org.slidestream.slide;

import java.util.List;
import java.util.Locale;

/**
 * A resolution to read a slide at, given one of four ways: a pyramid {@link Level}, a
 * {@link Downsample} of level 0, micrometres per pixel ({@link Mpp}) or an objective
 * {@link Magnification}. {@link #resolve} turns it into what to read on one slide, in one place
 * for every command: the level that holds it, or, when no level is close enough, its downsample
 * read from the best level (the largest downsample not above it) and resampled.
 */
public sealed interface Resolution {

    /** A level counts as holding a downsample when they differ by at most this factor (rounding in stored sizes). */
    double EXACT = 1.001;

    /** Pyramid level {@code index} as stored (0 is full resolution). */
    record Level(int index) implements Resolution {
        public Level {
            if (index < 0) throw new IllegalArgumentException("level must be >= 0: " + index);
        }

        @Override public String toString() { return "level " + index; }
    }

    /** {@code factor} level-0 pixels per pixel along each axis. */
    record Downsample(double factor) implements Resolution {
        public Downsample {
            if (!(factor > 0) || Double.isInfinite(factor)) throw new IllegalArgumentException("downsample must be positive: " + factor);
        }

        @Override public String toString() { return "downsample " + num(factor); }
    }

    /** {@code micrometres} per pixel; needs the slide's pixel size. */
    record Mpp(double micrometres) implements Resolution {
        public Mpp {
            if (!(micrometres > 0) || Double.isInfinite(micrometres)) throw new IllegalArgumentException("--mpp must be positive: " + micrometres);
        }

        @Override public String toString() { return num(micrometres) + " um/pixel"; }
    }

    /** Objective power ({@code 20} for 20x); needs the slide's objective power or pixel size. */
    record Magnification(double power) implements Resolution {
        public Magnification {
            if (!(power > 0) || Double.isInfinite(power)) throw new IllegalArgumentException("--magnification must be positive: " + power);
        }

        @Override public String toString() { return num(power) + "x"; }
    }

    static Resolution level(int index) { return new Level(index); }

    static Resolution downsample(double factor) { return new Downsample(factor); }

    static Resolution mpp(double micrometres) { return new Mpp(micrometres); }

    static Resolution magnification(double power) { return new Magnification(power); }

    /**
     * Where to read a resolution on a slide.
     *
     * @param level      the pyramid level that holds the resolution, or -1 when none is close enough
     * @param downsample level-0 pixels per pixel read (the level's own downsample when {@code level >= 0})
     * @param readLevel  the level pixels come from: {@code level}, else the best level for the downsample
     */
    record Resolved(int level, double downsample, int readLevel) {
        /** How to read it: the level as stored, or the downsample resampled from {@link #readLevel}. */
        public Resolution request() {
            return level >= 0 ? new Level(level) : new Downsample(downsample);
        }
    }

    /** {@link #resolve(Slide, double)} with levels counting only when they hold the resolution ({@link #EXACT}). */
    default Resolved resolve(Slide slide) {
        return resolve(slide, EXACT);
    }

    /**
     * Where to read this resolution on {@code slide}: a level is used when its downsample is within a
     * factor {@code closeEnough} of the one asked for (the nearest such level); otherwise the
     * downsample itself, read from the best level and resampled.
     *
     * @throws IllegalArgumentException with a one-line message when the slide has no such level, lacks
     *                                  the pixel size or objective power the resolution needs, or the
     *                                  resolution is finer than level 0
     */
    default Resolved resolve(Slide slide, double closeEnough) {
        SlideMetadata m = slide.metadata();
        return resolve(slide.levels(), m.mppX(), m.magnification(), slide.path().getFileName().toString(), closeEnough);
    }

    /** {@link #resolve(Slide, double)} on a slide's geometry: its levels, level-0 pixel size and objective power (null when unknown). */
    default Resolved resolve(List<LevelInfo> levels, Double mpp, Double magnification, String name, double closeEnough) {
        if (this instanceof Level(int index)) {
            if (index >= levels.size()) {
                throw new IllegalArgumentException(name + ": no level " + index + " (levels 0.." + (levels.size() - 1) + ")");
            }
            return new Resolved(index, levels.get(index).downsample(), index);
        }
        double ds = downsample(mpp, magnification, name);
        if (ds < 1 - 1e-6) {
            throw new IllegalArgumentException(name + ": " + this + " is finer than level 0 (downsample " + num(ds) + ")");
        }
        int near = nearestLevel(levels, ds, closeEnough);
        if (near >= 0) return new Resolved(near, levels.get(near).downsample(), near);
        return new Resolved(-1, ds, bestLevel(levels, ds));
    }

    /**
     * Level-0 pixels per pixel of this resolution on a slide of pixel size {@code mpp} and objective
     * power {@code magnification} (either may be null). Not for {@link Level}, whose downsample is the level's.
     *
     * @throws IllegalArgumentException naming {@code --slide-mpp} when the slide lacks what this resolution needs
     */
    default double downsample(Double mpp, Double magnification, String name) {
        return switch (this) {
            case Level l -> throw new IllegalStateException("a level's downsample is the slide's: " + l);
            case Downsample d -> d.factor();
            case Mpp p -> {
                if (mpp == null || !(mpp > 0)) {
                    throw new IllegalArgumentException(name + ": --mpp needs the slide's pixel size, which it does not give "
                            + "(set it with --slide-mpp, or use --level or --downsample)");
                }
                yield p.micrometres() / mpp;
            }
            case Magnification g -> {
                Double mag0 = level0Magnification(magnification, mpp);
                if (mag0 == null) {
                    throw new IllegalArgumentException(name + ": --magnification needs the slide's objective power or pixel size, "
                            + "which it does not give (set it with --slide-mpp, or use --level or --downsample)");
                }
                yield mag0 / g.power();
            }
        };
    }

    /** The objective power of level 0: the slide's, else from its pixel size (10 / mpp: 0.25 um is 40x); null when neither is known. */
    static Double level0Magnification(Double magnification, Double mpp) {
        if (magnification != null && magnification > 0) return magnification;
        return mpp == null || !(mpp > 0) ? null : 10.0 / mpp;
    }

    /**
     * The level whose downsample is nearest to {@code ds} (by ratio) and within a factor
     * {@code closeEnough} of it, or -1.
     */
    static int nearestLevel(List<LevelInfo> levels, double ds, double closeEnough) {
        int best = -1;
        double bestDist = Double.MAX_VALUE;
        double limit = Math.log(closeEnough);
        for (int i = 0; i < levels.size(); i++) {
            double d = Math.abs(Math.log(levels.get(i).downsample() / ds));
            if (d < bestDist) {
                bestDist = d;
                best = i;
            }
        }
        return best >= 0 && bestDist <= limit ? best : -1;
    }

    /**
     * The level to read a downsample from: the one with the largest downsample not above it
     * (OpenSlide's rule), allowing for rounding in stored downsamples.
     */
    static int bestLevel(List<LevelInfo> levels, double ds) {
        int best = 0;
        for (int i = 1; i < levels.size(); i++) {
            if (levels.get(i).downsample() <= ds * (1 + 1e-6)) best = i;
        }
        return best;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.6g", v).replaceFirst("\\.?0+$", "");
    }
}
