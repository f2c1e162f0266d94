package org.slidestream.stain;

/**
 * sRGB (8-bit, D65) to CIELAB and back, float32, as in colour science references (and scikit-image's
 * {@code rgb2lab}): sRGB decoding, the sRGB-to-XYZ matrix, the CIE f function with the D65 white.
 * The way back ends in an exact rounding table instead of {@code pow}.
 */
final class Lab {
    private static final float XN = 0.95047f, YN = 1.0f, ZN = 1.08883f;
    private static final float EPS = (float) Math.pow(6.0 / 29, 3);
    private static final float KAPPA = (float) (1 / (3 * Math.pow(6.0 / 29, 2)));
    private static final float DELTA = 6f / 29;
    private static final float[] LINEAR = new float[256];
    private static final ByteQuantizer ENCODE;

    static {
        for (int v = 0; v < 256; v++) LINEAR[v] = (float) decode(v / 255.0);
        double[] thr = new double[255];
        for (int v = 1; v <= 255; v++) thr[v - 1] = decode((v - 0.5) / 255.0);
        ENCODE = new ByteQuantizer(thr, 8192);
    }

    private Lab() {}

    private static double decode(double c) {
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static float f(float t) {
        return t > EPS ? (float) Math.cbrt(t) : t * KAPPA + 4f / 29;
    }

    private static float finv(float t) {
        return t > DELTA ? t * t * t : (t - 4f / 29) / KAPPA;
    }

    /** CIELAB of an 8-bit sRGB pixel into {@code lab[0..2]}. */
    static void toLab(int r, int g, int b, float[] lab) {
        float lr = LINEAR[r], lg = LINEAR[g], lb = LINEAR[b];
        float x = (0.4124564f * lr + 0.3575761f * lg + 0.1804375f * lb) / XN;
        float y = (0.2126729f * lr + 0.7151522f * lg + 0.0721750f * lb) / YN;
        float z = (0.0193339f * lr + 0.1191920f * lg + 0.9503041f * lb) / ZN;
        float fx = f(x), fy = f(y), fz = f(z);
        lab[0] = 116 * fy - 16;
        lab[1] = 500 * (fx - fy);
        lab[2] = 200 * (fy - fz);
    }

    /** The 8-bit sRGB pixel of a CIELAB colour (clamped to the gamut), packed as 0xRRGGBB. */
    static int toRgb(float l, float a, float b) {
        float fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - b / 200;
        float x = XN * finv(fx), y = YN * finv(fy), z = ZN * finv(fz);
        float lr = 3.2404542f * x - 1.5371385f * y - 0.4985314f * z;
        float lg = -0.9692660f * x + 1.8760108f * y + 0.0415560f * z;
        float lb = 0.0556434f * x - 0.2040259f * y + 1.0572252f * z;
        return ENCODE.apply(lr) << 16 | ENCODE.apply(lg) << 8 | ENCODE.apply(lb);
    }
}
