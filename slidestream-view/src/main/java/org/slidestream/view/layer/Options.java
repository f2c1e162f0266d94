package org.slidestream.view.layer;

import java.util.Map;

/** Parsing of layer options from a tile's query: bounded numbers, so that no value can be huge. */
final class Options {
    private Options() {}

    static int integer(Map<String, String> o, String name, int def, int min, int max) {
        String v = o.get(name);
        if (v == null) return def;
        if (!v.matches("-?\\d{1,9}")) throw new IllegalArgumentException(name + ": not a whole number: " + v);
        int i = Integer.parseInt(v);
        if (i < min || i > max) throw new IllegalArgumentException(name + " must be " + min + "-" + max + ": " + v);
        return i;
    }

    static double number(Map<String, String> o, String name, double def) {
        String v = o.get(name);
        if (v == null) return def;
        if (v.length() > 32 || !v.matches("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d{1,3})?")) {
            throw new IllegalArgumentException(name + ": not a number: " + v);
        }
        double d = Double.parseDouble(v);
        if (!Double.isFinite(d)) throw new IllegalArgumentException(name + ": not a finite number: " + v);
        return d;
    }

    /** A colour {@code rrggbb} (six hexadecimal digits). */
    static int colour(Map<String, String> o, String name, int def) {
        String v = o.get(name);
        if (v == null) return def;
        if (!v.matches("[0-9a-fA-F]{6}")) throw new IllegalArgumentException(name + ": not a colour rrggbb: " + v);
        return Integer.parseInt(v, 16);
    }
}
