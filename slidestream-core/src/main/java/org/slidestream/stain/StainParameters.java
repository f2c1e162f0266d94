package org.slidestream.stain;

/**
 * Parameters of stain fitting and normalization.
 *
 * @param io                  background intensity of the optical density {@code OD = -ln(max(I,1)/io)};
 *                            255 by default, so that white is OD 0 and stays white (torchstain uses 240)
 * @param beta                OD threshold: Macenko and Vahadane fit on pixels above it in every channel,
 *                            Reinhard on pixels above it in at least one channel (0.15)
 * @param alpha               angular percentile of Macenko's extreme stain vectors (1, so 1 and 99)
 * @param lambda              L1 penalty of Vahadane's dictionary learning (0.1)
 * @param lambdaConcentration L1 penalty of Vahadane's non-negative concentrations (0.01)
 * @param iterations          Vahadane dictionary-learning iterations (fixed, so the fit is deterministic)
 * @param keepResidual        whether normalization carries over the part of each pixel's OD that the two
 *                            source stains do not explain (true: a slide normalized to its own stains is
 *                            unchanged; false: the published recomposition from two stains only)
 * @param maxSamples          most pixels a stain sample keeps (evenly thinned beyond that)
 */
public record StainParameters(float io, float beta, float alpha, float lambda, float lambdaConcentration,
                              int iterations, boolean keepResidual, int maxSamples) {

    public StainParameters {
        if (!(io >= 1 && io <= 255)) throw new IllegalArgumentException("Io must be in 1..255: " + io);
        if (!(beta > 0 && beta < 3)) throw new IllegalArgumentException("beta (OD threshold) must be in (0, 3): " + beta);
        if (!(alpha > 0 && alpha < 50)) throw new IllegalArgumentException("alpha (percentile) must be in (0, 50): " + alpha);
        if (!(lambda >= 0) || !(lambdaConcentration >= 0)) throw new IllegalArgumentException("lambda must be >= 0");
        if (iterations < 1) throw new IllegalArgumentException("iterations must be >= 1: " + iterations);
        if (maxSamples < 1000) throw new IllegalArgumentException("maxSamples must be >= 1000: " + maxSamples);
    }

    public static StainParameters defaults() {
        return new StainParameters(255f, 0.15f, 1f, 0.1f, 0.01f, 100, true, 1 << 18);
    }

    public StainParameters withIo(float v) {
        return new StainParameters(v, beta, alpha, lambda, lambdaConcentration, iterations, keepResidual, maxSamples);
    }

    public StainParameters withBeta(float v) {
        return new StainParameters(io, v, alpha, lambda, lambdaConcentration, iterations, keepResidual, maxSamples);
    }

    public StainParameters withAlpha(float v) {
        return new StainParameters(io, beta, v, lambda, lambdaConcentration, iterations, keepResidual, maxSamples);
    }

    public StainParameters withKeepResidual(boolean v) {
        return new StainParameters(io, beta, alpha, lambda, lambdaConcentration, iterations, v, maxSamples);
    }

    public StainParameters withMaxSamples(int v) {
        return new StainParameters(io, beta, alpha, lambda, lambdaConcentration, iterations, keepResidual, v);
    }
}
