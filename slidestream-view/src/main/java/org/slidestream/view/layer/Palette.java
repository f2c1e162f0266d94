package org.slidestream.view.layer;

/**
 * Colours of overlays: a categorical palette for classes and labels, and a perceptually uniform
 * colour map (viridis) for values between 0 and 1.
 */
public final class Palette {
    private Palette() {}

    /** Tableau's ten categorical colours, for labels 1, 2, ... (label 0 is background). */
    private static final int[] CATEGORICAL = {
            0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF};

    /** Viridis at nine evenly spaced stops (matplotlib's values). */
    private static final int[] VIRIDIS = {
            0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725};

    /** The colour of label or class number {@code i} (1-based). */
    public static int category(int i) {
        return CATEGORICAL[Math.floorMod(i - 1, CATEGORICAL.length)];
    }

    /** Viridis at {@code v} (clamped to 0..1; NaN gives grey). */
    public static int viridis(double v) {
        if (Double.isNaN(v)) return 0x808080;
        double p = Math.max(0, Math.min(1, v)) * (VIRIDIS.length - 1);
        int i = (int) Math.min(VIRIDIS.length - 2, Math.floor(p));
        double f = p - i;
        int a = VIRIDIS[i], b = VIRIDIS[i + 1];
        return mix(a >> 16 & 0xFF, b >> 16 & 0xFF, f) << 16 | mix(a >> 8 & 0xFF, b >> 8 & 0xFF, f) << 8 | mix(a & 0xFF, b & 0xFF, f);
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    /** {@code #rrggbb}. */
    public static String css(int rgb) {
        return String.format("#%06x", rgb & 0xFFFFFF);
    }

    /** The stops of the value colour map as CSS colours, for legends. */
    public static String[] viridisStops() {
        String[] s = new String[VIRIDIS.length];
        for (int i = 0; i < s.length; i++) s[i] = css(VIRIDIS[i]);
        return s;
    }
}
