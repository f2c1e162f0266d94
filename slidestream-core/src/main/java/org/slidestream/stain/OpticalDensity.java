package org.slidestream.stain;

/**
 * Optical density tables: {@code OD(v) = -ln(max(v, 1) / io)} for the 256 values of a sample, and
 * the exact inverse {@code rint(io * exp(-od))} clamped to 0..255 without calling {@code exp}.
 */
final class OpticalDensity {
    private OpticalDensity() {}

    /** OD of each 8-bit value, float32. */
    static float[] table(float io) {
        float[] t = new float[256];
        for (int v = 0; v < 256; v++) {
            t[v] = (float) -Math.log(Math.max(v, 1) / (double) io);
        }
        return t;
    }

    /** The quantizer giving {@code rint(io * exp(-od))} for an input of {@code -od}. */
    static ByteQuantizer toByte(float io) {
        double[] thr = new double[255];
        for (int v = 1; v <= 255; v++) {
            // output >= v exactly when io * exp(-od) >= v - 0.5, i.e. -od >= -ln(io / (v - 0.5))
            thr[v - 1] = -Math.log(io / (v - 0.5));
        }
        return new ByteQuantizer(thr, 512);
    }
}
