package org.slidestream.patch;

import java.util.Locale;

/** What is saved of each patch's pixels besides its coordinates. */
public enum PatchSave {
    /** Coordinates only. */
    NONE,
    /** One PNG per patch in {@code patches/}, named {@code <x>_<y>.png}. */
    PNG,
    /** One JPEG per patch in {@code patches/}, named {@code <x>_<y>.jpg}. */
    JPEG,
    /** One {@code patches.npy} stack, N x H x W x 3 uint8. */
    NPY;

    public static PatchSave parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "png" -> PNG;
            case "jpeg", "jpg" -> JPEG;
            case "npy" -> NPY;
            default -> throw new IllegalArgumentException("unknown --save '" + s + "' (use png, jpeg, npy or none)");
        };
    }
}
