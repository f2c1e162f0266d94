package org.slidestream.dl;

import org.slidestream.dl.ModelConfig.Interpolation;

/**
 * Separable 1-D resampling weights: output sample {@code o} is the weighted sum of the input
 * samples {@code start[o] .. start[o] + count[o] - 1}. Area weights are the exact overlap of each
 * input cell with the output cell (they sum to 1), so area resampling in several dimensions is the
 * product of the 1-D weights and may be applied one axis at a time, in any order, or streamed.
 */
record Resample(int src, int dst, int[] start, int[] count, float[] weight, int stride) {

    static Resample of(int src, int dst, Interpolation mode) {
        if (src < 1 || dst < 1) throw new IllegalArgumentException("cannot resample " + src + " to " + dst);
        return mode == Interpolation.AREA ? area(src, dst) : bilinear(src, dst);
    }

    /** Box filter: output cell [o, o+1) covers input [o*s, (o+1)*s) with s = src/dst. */
    static Resample area(int src, int dst) {
        double scale = (double) src / dst;
        int stride = (int) Math.ceil(scale) + 1;
        int[] start = new int[dst];
        int[] count = new int[dst];
        float[] w = new float[dst * stride];
        for (int o = 0; o < dst; o++) {
            double a = o * scale, b = Math.min(src, (o + 1) * scale);
            int i0 = (int) Math.floor(a), i1 = Math.min(src, (int) Math.ceil(b));
            start[o] = i0;
            int k = 0;
            for (int i = i0; i < i1; i++) {
                double ov = Math.min(b, i + 1) - Math.max(a, i);
                if (ov <= 0) continue;
                if (k == 0) start[o] = i;
                w[o * stride + k++] = (float) (ov / (b - a));
            }
            count[o] = k;
        }
        return new Resample(src, dst, start, count, w, stride);
    }

    /** Half-pixel centres, edges clamped (OpenCV INTER_LINEAR, PyTorch align_corners=False). */
    static Resample bilinear(int src, int dst) {
        double scale = (double) src / dst;
        int[] start = new int[dst];
        int[] count = new int[dst];
        float[] w = new float[dst * 2];
        for (int o = 0; o < dst; o++) {
            double x = (o + 0.5) * scale - 0.5;
            int i0 = (int) Math.floor(x);
            double f = x - i0;
            if (i0 < 0) {
                i0 = 0;
                f = 0;
            }
            if (i0 >= src - 1) {
                i0 = src - 1;
                f = 0;
            }
            start[o] = i0;
            if (f == 0) {
                count[o] = 1;
                w[o * 2] = 1f;
            } else {
                count[o] = 2;
                w[o * 2] = (float) (1 - f);
                w[o * 2 + 1] = (float) f;
            }
        }
        return new Resample(src, dst, start, count, w, 2);
    }

    /** Weight of input {@code i} in output {@code o} (0 when it does not contribute). */
    float weightOf(int o, int i) {
        int k = i - start[o];
        return k >= 0 && k < count[o] ? weight[o * stride + k] : 0f;
    }

    /** Outputs that input {@code i} contributes to: [first, last], or first > last for none. */
    int[] outputsOf(int i) {
        int first = Integer.MAX_VALUE, last = -1;
        for (int o = 0; o < dst; o++) {
            if (i >= start[o] && i < start[o] + count[o]) {
                first = Math.min(first, o);
                last = o;
            }
        }
        return new int[] {first, last};
    }
}
