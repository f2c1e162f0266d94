package org.slidestream.stain;

import java.util.Locale;

/** The stain normalization methods: how a stain profile is fitted and how pixels are mapped. */
public enum StainMethod {
    /** Macenko et al. 2009: stain vectors from the angular extremes in the plane of the two main OD eigenvectors. */
    MACENKO,
    /** Reinhard et al. 2001: mean and standard deviation of each CIELAB channel. */
    REINHARD,
    /** Vahadane et al. 2016: sparse non-negative factorisation of optical density. */
    VAHADANE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StainMethod parse(String s) {
        for (StainMethod m : values()) {
            if (m.id().equalsIgnoreCase(s.trim())) return m;
        }
        throw new IllegalArgumentException("unknown stain method '" + s + "' (macenko, reinhard or vahadane)");
    }
}
