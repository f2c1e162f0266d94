package org.slidestream.patch;

import java.util.Locale;

/** Which grid positions become patches. */
public enum PatchRule {
    /** A global grid; keep a patch when its tissue fraction (from the mask) is at least the minimum. */
    TISSUE,
    /** CLAM's {@code four_pt}: a grid per contour; keep when any of four points around the centre is in the contour and the centre in no hole. */
    FOUR_PT,
    /** CLAM's {@code four_pt_hard}: all four points in the contour. */
    FOUR_PT_HARD,
    /** CLAM's {@code center}: the centre in the contour. */
    CENTER;

    public static PatchRule parse(String s) {
        String n = s.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown patch rule '" + s + "' (use tissue, four_pt, four_pt_hard or center)");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
