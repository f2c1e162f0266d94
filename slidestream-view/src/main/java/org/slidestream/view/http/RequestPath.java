package org.slidestream.view.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request's path and query, decoded strictly. Addresses name slides, layers and files by id, so a
 * valid segment is never {@code .} or {@code ..}, never holds a slash, a backslash or a control
 * character (encoded or not), and is valid UTF-8; anything else is not an address of this server.
 */
final class RequestPath {
    static final int MAX_LENGTH = 2048;

    private RequestPath() {}

    /** The decoded segments of a raw path ({@code /a/b} -> [a, b]), or null when it is not a valid address. */
    static List<String> segments(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/' || rawPath.length() > MAX_LENGTH) return null;
        List<String> out = new ArrayList<>();
        String body = rawPath.substring(1);
        if (body.isEmpty()) return out;
        String[] parts = body.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                if (i == parts.length - 1 && i > 0) continue; // a trailing slash
                return null;
            }
            String d = decode(p, false);
            if (d == null || d.equals(".") || d.equals("..") || !plain(d)) return null;
            out.add(d);
        }
        return out;
    }

    /** Query parameters (first value of each name), or null when malformed. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> q = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return q;
        if (rawQuery.length() > MAX_LENGTH) return null;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String v = decode(eq < 0 ? "" : pair.substring(eq + 1), true);
            if (k == null || v == null || !plain(k) || !plain(v)) return null;
            q.putIfAbsent(k, v);
        }
        return q;
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return false;
        }
        return true;
    }

    /** Percent-decoding as UTF-8 ({@code +} is a space in queries); null for a bad escape or bad UTF-8. */
    private static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) return s;
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) return null;
                int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                b.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                b.write(' ');
            } else {
                byte[] u = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                b.write(u, 0, u.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
