package org.slidestream.stain;

/**
 * The result of fitting stains: a profile, or the reason none could be fitted (no tissue, a single
 * stain), in which case normalization falls back to the identity.
 */
public record StainEstimate(StainProfile profile, String problem) {

    static StainEstimate failed(String problem) {
        return new StainEstimate(null, problem);
    }

    public boolean ok() {
        return profile != null;
    }

    /** The profile, or an {@link IllegalArgumentException} saying why there is none. */
    public StainProfile require(String what) {
        if (profile == null) throw new IllegalArgumentException(what + ": cannot fit stains: " + problem);
        return profile;
    }
}
