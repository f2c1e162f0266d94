package org.slidestream.patch;

/**
 * A patch grid: patches of {@code size x size} pixels at a resolution, every {@code stride}
 * pixels (of that resolution), kept by a rule.
 *
 * @param minTissue least tissue fraction (0..1) for {@link PatchRule#TISSUE}
 */
public record PatchSpec(int size, int stride, PatchResolution resolution, double minTissue, PatchRule rule) {
    public PatchSpec {
        if (size < 1) throw new IllegalArgumentException("patch size must be >= 1: " + size);
        if (stride < 1) throw new IllegalArgumentException("stride must be >= 1: " + stride);
        if (!(minTissue >= 0 && minTissue <= 1)) throw new IllegalArgumentException("--min-tissue must be 0..1: " + minTissue);
    }
}
