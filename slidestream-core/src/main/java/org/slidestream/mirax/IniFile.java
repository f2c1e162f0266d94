package org.slidestream.mirax;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key file as 3DHISTECH writes {@code Slidedat.ini} (GLib key-file syntax): {@code [GROUP]}
 * headers, {@code KEY=VALUE} lines, {@code ;} and {@code #} comments, CRLF or LF, an optional UTF-8
 * byte-order mark. Groups and keys keep their file order; a repeated key keeps its last value.
 */
final class IniFile {
    private final Map<String, Map<String, String>> groups = new LinkedHashMap<>();

    private IniFile() {}

    /** Parses a key file; a line that is neither a group, a key nor a comment is a {@link MiraxException}. */
    static IniFile parse(byte[] bytes) {
        IniFile f = new IniFile();
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        Map<String, String> current = null;
        int lineNo = 0;
        for (String raw : text.split("\r?\n|\r", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) continue;
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) throw new MiraxException("line " + lineNo + ": group header without ']'");
                String name = line.substring(1, line.length() - 1).strip();
                current = f.groups.computeIfAbsent(name, k -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) throw new MiraxException("line " + lineNo + ": '" + abbreviate(line) + "' is neither a group nor KEY=VALUE");
            if (current == null) throw new MiraxException("line " + lineNo + ": key before the first [GROUP]");
            current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
        return f;
    }

    boolean hasGroup(String group) {
        return groups.containsKey(group);
    }

    Map<String, Map<String, String>> groups() {
        return groups;
    }

    /** A value, or null when the group or key is absent. */
    String get(String group, String key) {
        Map<String, String> g = groups.get(group);
        return g == null ? null : g.get(key);
    }

    /** A value that must be present. */
    String require(String group, String key) {
        if (!groups.containsKey(group)) throw new MiraxException("no [" + group + "] group");
        String v = get(group, key);
        if (v == null) throw new MiraxException("no " + key + " in [" + group + "]");
        return v;
    }

    int integer(String group, String key) {
        String v = require(group, key);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new MiraxException(key + " in [" + group + "] is not an integer: '" + abbreviate(v) + "'");
        }
    }

    int integer(String group, String key, int fallback) {
        return get(group, key) == null ? fallback : integer(group, key);
    }

    double decimal(String group, String key) {
        String v = require(group, key);
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new MiraxException(key + " in [" + group + "] is not a number: '" + abbreviate(v) + "'");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
