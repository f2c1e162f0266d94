package org.slidestream.stain;

import java.util.Locale;

/** What normalization produces: the normalized RGB image or one normalized stain concentration. */
public enum StainOutput {
    RGB, HEMATOXYLIN, EOSIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static StainOutput parse(String s) {
        for (StainOutput o : values()) {
            if (o.id().equalsIgnoreCase(s.trim())) return o;
        }
        throw new IllegalArgumentException("unknown output '" + s + "' (rgb, hematoxylin or eosin)");
    }
}
