package org.slidestream.stain;

import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;

/**
 * Maps 8-bit RGB pixels of a source image to a target's stains. Immutable and thread-safe: one
 * normalizer serves every tile of a slide. Per pixel it does table lookups (optical density of the
 * 256 values, exact rounding of {@code io * exp(-od)}), a 3x3 matrix (Macenko), a two-atom
 * non-negative lasso (Vahadane) or the CIELAB transfer (Reinhard), and allocates nothing.
 *
 * <p>Macenko and Vahadane: the source concentrations {@code C} are scaled by
 * {@code maxTarget / maxSource} and recomposed with the target's stain vectors; with
 * {@link StainParameters#keepResidual()} the part of the OD that the source stains do not explain
 * ({@code od - S C}) is added back, so normalizing an image to its own stains gives it back.
 * Concentration outputs are the scaled concentrations, as float32, or as 8-bit with 255 at the
 * target's 99th-percentile concentration. Reinhard: CIELAB channels are shifted and scaled from the
 * source's tissue statistics to the target's, faded out towards white (weight
 * {@code clamp(2 maxOD / beta - 1, 0, 1)}: none below half the tissue threshold), so background,
 * including off-white glass, stays as it is.
 *
 * <p>A source whose stains could not be fitted (no tissue, one stain) gives the identity for RGB,
 * and concentrations computed with the target's stains; {@link #warning()} says why.
 */
public final class StainNormalizer {
    private final StainMethod method;
    private final StainOutput output;
    private final boolean asFloat;
    private final String warning;
    private final float[] od;
    private final ByteQuantizer toByte;
    // linear map (Macenko RGB, or concentration row): od' = T od
    private final float[] t;
    // Vahadane
    private final Concentrations.Lasso2 lasso;
    private final float[] recompose; // 3x2: target stains times scale
    private final float[] residual;  // 3x2: source stains, or null when the residual is dropped
    // Reinhard: lab' = lab + w ((lab - mean) k + target - lab)
    private final float[] labMean, labK, labTarget;
    private final float beta;

    private StainNormalizer(Builder b) {
        this.method = b.method;
        this.output = b.output;
        this.asFloat = b.asFloat;
        this.warning = b.warning;
        this.od = OpticalDensity.table(b.io);
        this.toByte = OpticalDensity.toByte(b.io);
        this.t = b.t;
        this.lasso = b.lasso;
        this.recompose = b.recompose;
        this.residual = b.residual;
        this.labMean = b.labMean;
        this.labK = b.labK;
        this.labTarget = b.labTarget;
        this.beta = b.beta;
    }

    private static final class Builder {
        StainMethod method;
        StainOutput output;
        boolean asFloat;
        String warning;
        float io, beta;
        float[] t, recompose, residual, labMean, labK, labTarget;
        Concentrations.Lasso2 lasso;
    }

    /**
     * A normalizer from a source estimate to a target profile.
     *
     * @param source  the source's fitted stains (with the same method and parameters as the target), or a
     *                failed estimate: the identity, with a warning
     * @param target  the target profile; its {@code io} and {@code beta} apply
     * @param asFloat concentration outputs as float32 (else 8-bit); ignored for RGB
     * @throws IllegalArgumentException when the target lacks what the method needs, or Reinhard is asked
     *                                  for a concentration output
     */
    public static StainNormalizer create(StainMethod method, StainEstimate source, StainProfile target,
                                         StainParameters parameters, StainOutput output, boolean asFloat) {
        Builder b = new Builder();
        b.method = method;
        b.output = output;
        b.asFloat = asFloat && output != StainOutput.RGB;
        b.io = target.io();
        b.beta = target.beta();
        if (method != StainMethod.REINHARD) {
            if (!target.hasStains()) {
                throw new IllegalArgumentException("the target profile has no stain vectors (fitted with " + target.method()
                        + "); fit it with --method " + method.id());
            }
            if (!target.method().equals(method.id())) {
                throw new IllegalArgumentException("the target stains were fitted with " + target.method()
                        + ", not " + method.id() + "; fit the target with --method " + method.id());
            }
        } else if (output != StainOutput.RGB) {
            throw new IllegalArgumentException("Reinhard's method has no stain concentrations; use --method macenko or vahadane for --output " + output.id());
        }
        StainProfile s = source.profile();
        if (s == null) {
            b.warning = "source stains not fitted (" + source.problem() + "): "
                    + (output == StainOutput.RGB ? "pixels left unchanged" : "concentrations from the target's stains");
        }
        switch (method) {
            case REINHARD -> reinhard(b, s, target);
            case MACENKO -> macenko(b, s, target, parameters.keepResidual());
            case VAHADANE -> vahadane(b, s, target, parameters);
        }
        return new StainNormalizer(b);
    }

    private static void reinhard(Builder b, StainProfile s, StainProfile target) {
        if (s == null) return;
        b.labMean = s.labMean().clone();
        b.labTarget = target.labStd() == null ? null : target.labMean().clone();
        b.labK = new float[3];
        for (int c = 0; c < 3; c++) {
            // a channel without spread in the source keeps its scale (no division by zero)
            b.labK[c] = s.labStd()[c] > 1e-3f ? target.labStd()[c] / s.labStd()[c] : 1f;
        }
    }

    private static void macenko(Builder b, StainProfile s, StainProfile target, boolean keepResidual) {
        double[][] ref = target.stainRows();
        if (s == null && b.output == StainOutput.RGB) return; // identity: copy
        double[][] src = s == null ? ref : s.stainRows();
        float[] maxSrc = s == null ? target.maxConcentrations() : s.maxConcentrations();
        float[] maxRef = target.maxConcentrations();
        double[][] p = Concentrations.pseudoInverse(src);
        if (b.output != StainOutput.RGB) {
            int k = b.output == StainOutput.HEMATOXYLIN ? 0 : 1;
            double scale = b.asFloat ? maxRef[k] / (double) maxSrc[k] : 255.0 / maxSrc[k];
            b.t = new float[] {(float) (p[k][0] * scale), (float) (p[k][1] * scale), (float) (p[k][2] * scale)};
            return;
        }
        double s0 = maxRef[0] / (double) maxSrc[0], s1 = maxRef[1] / (double) maxSrc[1];
        b.t = new float[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double v = ref[0][i] * s0 * p[0][j] + ref[1][i] * s1 * p[1][j];
                if (keepResidual) v += (i == j ? 1 : 0) - (src[0][i] * p[0][j] + src[1][i] * p[1][j]);
                b.t[3 * i + j] = (float) v;
            }
        }
    }

    private static void vahadane(Builder b, StainProfile s, StainProfile target, StainParameters parameters) {
        double[][] ref = target.stainRows();
        if (s == null && b.output == StainOutput.RGB) return;
        double[][] src = s == null ? ref : s.stainRows();
        float[] maxSrc = s == null ? target.maxConcentrations() : s.maxConcentrations();
        float[] maxRef = target.maxConcentrations();
        b.lasso = new Concentrations.Lasso2(src, parameters.lambdaConcentration());
        double[] scale = new double[2];
        for (int k = 0; k < 2; k++) {
            scale[k] = b.output == StainOutput.RGB || b.asFloat ? maxRef[k] / (double) maxSrc[k] : 255.0 / maxSrc[k];
        }
        b.recompose = new float[6];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 2; k++) b.recompose[2 * i + k] = (float) (ref[k][i] * scale[k]);
        }
        if (b.output != StainOutput.RGB) {
            b.recompose = new float[] {(float) scale[0], (float) scale[1]};
            return;
        }
        if (parameters.keepResidual()) {
            b.residual = new float[6];
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 2; k++) b.residual[2 * i + k] = (float) src[k][i];
            }
        }
    }

    /** Why the source's stains could not be fitted, or null. */
    public String warning() { return warning; }

    public StainOutput output() { return output; }

    public StainMethod method() { return method; }

    /** Bands of the output: 3 for RGB, 1 for a concentration. */
    public int outputBands() {
        return output == StainOutput.RGB ? 3 : 1;
    }

    public PixelType outputType() {
        return asFloat ? PixelType.FLOAT32 : PixelType.UINT8;
    }

    /** A new raster holding the normalized pixels of an 8-bit RGB raster. */
    public Raster apply(Raster src) {
        Raster dst = Raster.create(outputType(), src.width(), src.height(), outputBands());
        apply(src, dst, src.width(), src.height());
        return dst;
    }

    /**
     * Normalizes the top-left {@code w x h} pixels of {@code src} (8-bit RGB) into {@code dst}
     * ({@link #outputType()}, {@link #outputBands()}), each with its own row length. {@code src} and
     * {@code dst} may be the same raster for RGB output.
     */
    public void apply(Raster src, Raster dst, int w, int h) {
        if (src.type() != PixelType.UINT8 || src.bands() != 3) {
            throw new IllegalArgumentException("stain normalization needs 8-bit RGB, not " + src.bands() + " bands of " + src.type());
        }
        if (dst.type() != outputType() || dst.bands() != outputBands()) {
            throw new IllegalArgumentException("destination must be " + outputBands() + " bands of " + outputType());
        }
        if (w > src.width() || h > src.height() || w > dst.width() || h > dst.height()) {
            throw new IllegalArgumentException("region " + w + "x" + h + " larger than a raster");
        }
        int[] cache = output == StainOutput.RGB ? newCache() : null;
        for (int y = 0; y < h; y++) {
            int si = src.index(0, y, 0), di = dst.index(0, y, 0);
            if (output == StainOutput.RGB) {
                byte[] s = src.bytes(), d = dst.bytes();
                switch (method) {
                    case MACENKO -> { if (t == null) copy(s, si, d, di, w); else linearRow(s, si, d, di, w, cache); }
                    case VAHADANE -> { if (lasso == null) copy(s, si, d, di, w); else cachedRow(s, si, d, di, w, cache); }
                    case REINHARD -> { if (labK == null) copy(s, si, d, di, w); else cachedRow(s, si, d, di, w, cache); }
                }
            } else if (method == StainMethod.MACENKO) {
                concentrationRow(src.bytes(), si, dst, di, w);
            } else {
                vahadaneConcentrationRow(src.bytes(), si, dst, di, w);
            }
        }
    }

    private static void copy(byte[] s, int si, byte[] d, int di, int w) {
        if (s != d || si != di) System.arraycopy(s, si, d, di, 3 * w);
    }

    private void linearRow(byte[] s, int si, byte[] d, int di, int w, int[] cache) {
        float[] od = this.od, t = this.t;
        float t00 = t[0], t01 = t[1], t02 = t[2], t10 = t[3], t11 = t[4], t12 = t[5], t20 = t[6], t21 = t[7], t22 = t[8];
        ByteQuantizer q = toByte;
        for (int x = 0; x < w; x++, si += 3, di += 3) {
            int ri = s[si] & 0xFF, gi = s[si + 1] & 0xFF, bi = s[si + 2] & 0xFF;
            int key = ri << 16 | gi << 8 | bi;
            // neighbouring pixels often repeat a colour: a small direct-mapped cache of results
            int slot = ((key * 0x9E3779B1) >>> (32 - CACHE_BITS)) << 1;
            int out;
            if (cache[slot] == key) {
                out = cache[slot + 1];
            } else {
                float r = od[ri], g = od[gi], b = od[bi];
                out = q.apply(-(t00 * r + t01 * g + t02 * b)) << 16 | q.apply(-(t10 * r + t11 * g + t12 * b)) << 8
                        | q.apply(-(t20 * r + t21 * g + t22 * b));
                cache[slot] = key;
                cache[slot + 1] = out;
            }
            d[di] = (byte) (out >> 16);
            d[di + 1] = (byte) (out >> 8);
            d[di + 2] = (byte) out;
        }
    }

    private static final int CACHE_BITS = 12;

    /** A result cache for {@link #linearRow}: keys start invalid (-1 is no 24-bit colour). */
    private static int[] newCache() {
        int[] c = new int[2 << CACHE_BITS];
        for (int i = 0; i < c.length; i += 2) c[i] = -1;
        return c;
    }

    private void concentrationRow(byte[] s, int si, Raster dst, int di, int w) {
        float[] od = this.od;
        float t0 = t[0], t1 = t[1], t2 = t[2];
        if (asFloat) {
            float[] d = dst.floats();
            for (int x = 0; x < w; x++, si += 3) {
                d[di + x] = t0 * od[s[si] & 0xFF] + t1 * od[s[si + 1] & 0xFF] + t2 * od[s[si + 2] & 0xFF];
            }
        } else {
            byte[] d = dst.bytes();
            for (int x = 0; x < w; x++, si += 3) {
                d[di + x] = clampByte(t0 * od[s[si] & 0xFF] + t1 * od[s[si + 1] & 0xFF] + t2 * od[s[si + 2] & 0xFF]);
            }
        }
    }

    private static byte clampByte(float v) {
        return (byte) (v >= 255f ? 255 : v > 0f ? (int) Math.rint(v) : 0);
    }

    /** Vahadane and Reinhard RGB rows: each colour computed once per tile while it stays in the cache. */
    private void cachedRow(byte[] s, int si, byte[] d, int di, int w, int[] cache) {
        float[] scratch = new float[3];
        for (int x = 0; x < w; x++, si += 3, di += 3) {
            int ri = s[si] & 0xFF, gi = s[si + 1] & 0xFF, bi = s[si + 2] & 0xFF;
            int key = ri << 16 | gi << 8 | bi;
            int slot = ((key * 0x9E3779B1) >>> (32 - CACHE_BITS)) << 1;
            int out;
            if (cache[slot] == key) {
                out = cache[slot + 1];
            } else {
                out = method == StainMethod.VAHADANE ? vahadanePixel(ri, gi, bi, scratch) : reinhardPixel(ri, gi, bi, scratch);
                cache[slot] = key;
                cache[slot + 1] = out;
            }
            d[di] = (byte) (out >> 16);
            d[di + 1] = (byte) (out >> 8);
            d[di + 2] = (byte) out;
        }
    }

    private int vahadanePixel(int ri, int gi, int bi, float[] c) {
        float[] m = recompose, res = residual;
        float r = od[ri], g = od[gi], b = od[bi];
        lasso.solve(r, g, b, c);
        float o0 = m[0] * c[0] + m[1] * c[1], o1 = m[2] * c[0] + m[3] * c[1], o2 = m[4] * c[0] + m[5] * c[1];
        if (res != null) {
            o0 += r - (res[0] * c[0] + res[1] * c[1]);
            o1 += g - (res[2] * c[0] + res[3] * c[1]);
            o2 += b - (res[4] * c[0] + res[5] * c[1]);
        }
        ByteQuantizer q = toByte;
        return q.apply(-o0) << 16 | q.apply(-o1) << 8 | q.apply(-o2);
    }

    private void vahadaneConcentrationRow(byte[] s, int si, Raster dst, int di, int w) {
        int k = output == StainOutput.HEMATOXYLIN ? 0 : 1;
        float scale = recompose[k];
        float[] c = new float[2];
        for (int x = 0; x < w; x++, si += 3) {
            lasso.solve(od[s[si] & 0xFF], od[s[si + 1] & 0xFF], od[s[si + 2] & 0xFF], c);
            float v = c[k] * scale;
            if (asFloat) dst.floats()[di + x] = v;
            else dst.bytes()[di + x] = clampByte(v);
        }
    }

    private int reinhardPixel(int r, int g, int b, float[] lab) {
        // no change up to half the tissue threshold (real glass is OD 0.02-0.07, not 0), full
        // change from the threshold on, where the statistics were taken
        float wgt = Math.min(1f, 2f * od[Math.min(r, Math.min(g, b))] / beta - 1f);
        if (wgt <= 0) return r << 16 | g << 8 | b;
        Lab.toLab(r, g, b, lab);
        for (int c = 0; c < 3; c++) {
            float moved = (lab[c] - labMean[c]) * labK[c] + labTarget[c];
            lab[c] += wgt * (moved - lab[c]);
        }
        return Lab.toRgb(lab[0], lab[1], lab[2]);
    }
}
