package org.slidestream.dl;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/**
 * Turns an image (a patch read from a slide, a slice of a volume) into one model input: resized
 * to the model's input size ({@link ModelConfig.Interpolation}), scaled to 0..1, normalized by
 * the config's mean and std, in the channel order the model wants, as 3 x H x W floats. One-band
 * images are repeated into the three channels. Thread-safe.
 */
public final class Preprocessor {
    private final ModelConfig config;
    private final int outH;
    private final int outW;
    private final float[] scale = new float[3];
    private final float[] offset = new float[3];
    private final double low;
    private final double high;
    private final Map<Long, Resample> weights = new ConcurrentHashMap<>();

    /**
     * @param low  the sample value that maps to 0 (0 for 8-bit images)
     * @param high the sample value that maps to 1 (255 for 8-bit images)
     */
    public Preprocessor(ModelConfig resolved, double low, double high) {
        if (resolved.inputHeight() <= 0 || resolved.inputWidth() <= 0) throw new IllegalArgumentException("the config has no input size");
        if (!(high > low)) throw new IllegalArgumentException("intensity range must be increasing: " + low + ".." + high);
        this.config = resolved;
        this.outH = resolved.inputHeight();
        this.outW = resolved.inputWidth();
        this.low = low;
        this.high = high;
        float[] mean = resolved.mean(), std = resolved.std();
        // ((v - low) / (high - low) - mean) / std  ==  v * scale + offset
        for (int c = 0; c < 3; c++) {
            scale[c] = (float) (1.0 / ((high - low) * std[c]));
            offset[c] = (float) ((-low / (high - low) - mean[c]) / std[c]);
        }
    }

    /** For 8-bit RGB patches. */
    public static Preprocessor forRgb8(ModelConfig resolved) {
        return new Preprocessor(resolved, 0, 255);
    }

    /** The usual range of a pixel type: 0..255 for 8 bits, the type's range for integers, 0..1 for floats. */
    public static double[] defaultRange(PixelType t) {
        return t.isFloat() ? new double[] {0, 1} : new double[] {t.minValue(), t.maxValue()};
    }

    public ModelConfig config() { return config; }

    public double low() { return low; }

    public double high() { return high; }

    /** Floats one input takes (3 x H x W). */
    public int inputSize() {
        return 3 * outH * outW;
    }

    /** Writes {@code src} as one model input into {@code dest} at {@code offset}. */
    public void toTensor(Raster src, float[] dest, int destOffset) {
        int bands = src.bands();
        if (bands != 1 && bands != 3 && bands != 4) {
            throw new IllegalArgumentException("images of " + bands + " bands cannot feed a 3-channel model (1, 3 or RGBA)");
        }
        float[] samples = samples(src);
        toTensor(samples, src.width(), src.height(), bands, dest, destOffset);
    }

    /**
     * Writes an image given as interleaved samples ({@code h x w x bands}, values in the
     * preprocessor's range) as one model input.
     */
    public void toTensor(float[] samples, int w, int h, int bands, float[] dest, int destOffset) {
        Resample rx = weights(w, outW);
        Resample ry = weights(h, outH);
        int used = Math.min(bands, 3);
        // Horizontal pass into h x outW x used, then vertical pass into the planes.
        float[] tmp = new float[h * outW * used];
        for (int y = 0; y < h; y++) {
            int row = y * w * bands;
            for (int o = 0; o < outW; o++) {
                int s0 = rx.start()[o], n = rx.count()[o], wb = o * rx.stride();
                for (int b = 0; b < used; b++) {
                    float acc = 0;
                    for (int k = 0; k < n; k++) acc += rx.weight()[wb + k] * samples[row + (s0 + k) * bands + b];
                    tmp[(y * outW + o) * used + b] = acc;
                }
            }
        }
        int plane = outH * outW;
        boolean bgr = config.channelOrder() == ModelConfig.ChannelOrder.BGR;
        for (int o = 0; o < outH; o++) {
            int s0 = ry.start()[o], n = ry.count()[o], wb = o * ry.stride();
            for (int x = 0; x < outW; x++) {
                for (int c = 0; c < 3; c++) {
                    int srcBand = used == 1 ? 0 : (bgr ? 2 - c : c);
                    float acc = 0;
                    for (int k = 0; k < n; k++) acc += ry.weight()[wb + k] * tmp[((s0 + k) * outW + x) * used + srcBand];
                    dest[destOffset + c * plane + o * outW + x] = acc * scale[c] + offset[c];
                }
            }
        }
    }

    private Resample weights(int src, int dst) {
        return weights.computeIfAbsent(((long) src << 32) | dst, k -> Resample.of(src, dst, config.interpolation()));
    }

    private static float[] samples(Raster r) {
        int n = r.sampleCount();
        float[] out = new float[n];
        switch (r.type()) {
            case UINT8 -> { byte[] a = r.bytes(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFF; }
            case INT8 -> { byte[] a = r.bytes(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case UINT16 -> { short[] a = r.shorts(); for (int i = 0; i < n; i++) out[i] = a[i] & 0xFFFF; }
            case INT16 -> { short[] a = r.shorts(); for (int i = 0; i < n; i++) out[i] = a[i]; }
            case FLOAT32 -> System.arraycopy(r.floats(), 0, out, 0, n);
            default -> { for (int i = 0; i < n; i++) out[i] = (float) r.getAt(i); }
        }
        return out;
    }
}
