package org.slidestream.register;

/**
 * How to register a round.
 *
 * @param model        {@code RIGID} (rotation and translation at the physical scale) or {@code AFFINE}
 * @param nonrigid     add a smooth displacement field after the affine stage
 * @param maxRotation  largest rotation searched, in degrees (180: any)
 * @param coarseSide   longer side, in pixels, of the image the coarse search runs on
 * @param patchSize    side of the patches that refine the transform (power of two)
 * @param grid         patches per side of the refinement grid
 */
public record RegistrationOptions(Model model, boolean nonrigid, double maxRotation, int coarseSide, int patchSize, int grid) {

    public enum Model { RIGID, AFFINE }

    public RegistrationOptions {
        if (!(maxRotation >= 0 && maxRotation <= 180)) throw new IllegalArgumentException("max rotation must be 0..180 degrees");
        if (coarseSide < 64) throw new IllegalArgumentException("coarse side must be >= 64");
        if (patchSize < 32 || Integer.bitCount(patchSize) != 1) throw new IllegalArgumentException("patch size must be a power of two >= 32");
        if (grid < 3) throw new IllegalArgumentException("grid must be >= 3");
    }

    public static RegistrationOptions defaults() {
        return new RegistrationOptions(Model.AFFINE, false, 180, 512, 128, 8);
    }

    public RegistrationOptions withModel(Model m) { return new RegistrationOptions(m, nonrigid, maxRotation, coarseSide, patchSize, grid); }

    public RegistrationOptions withNonrigid(boolean n) { return new RegistrationOptions(model, n, maxRotation, coarseSide, patchSize, grid); }

    public RegistrationOptions withMaxRotation(double r) { return new RegistrationOptions(model, nonrigid, r, coarseSide, patchSize, grid); }
}
