package org.slidestream.format.npy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python literal of a {@code .npy} header: a dict of strings, booleans, integers,
 * tuples, lists and None, as {@code ast.literal_eval} would. Dicts become {@code Map}, tuples and
 * lists {@code List}, integers {@code Long} (a Python 2 {@code L} suffix is accepted).
 */
final class PyLiteral {
    private final String s;
    private int pos;

    private PyLiteral(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object v = p.value();
        p.skipSpace();
        if (p.pos != p.s.length()) throw p.error("unexpected text after the literal");
        return v;
    }

    private Object value() {
        skipSpace();
        if (pos >= s.length()) throw error("unexpected end");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> dict();
            case '(' -> sequence(')');
            case '[' -> sequence(']');
            case '\'', '"' -> string();
            default -> {
                if (c == '-' || Character.isDigit(c)) yield integer();
                if (s.startsWith("True", pos)) { pos += 4; yield Boolean.TRUE; }
                if (s.startsWith("False", pos)) { pos += 5; yield Boolean.FALSE; }
                if (s.startsWith("None", pos)) { pos += 4; yield null; }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> dict() {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        while (true) {
            skipSpace();
            if (peek() == '}') { pos++; return m; }
            Object key = value();
            if (!(key instanceof String k)) throw error("dict key is not a string");
            expect(':');
            m.put(k, value());
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != '}') throw error("expected ',' or '}'");
        }
    }

    private List<Object> sequence(char close) {
        List<Object> out = new ArrayList<>();
        pos++;
        while (true) {
            skipSpace();
            if (peek() == close) { pos++; return out; }
            out.add(value());
            skipSpace();
            if (peek() == ',') pos++;
            else if (peek() != close) throw error("expected ',' or '" + close + "'");
        }
    }

    private String string() {
        char q = s.charAt(pos++);
        StringBuilder b = new StringBuilder();
        while (pos < s.length() && s.charAt(pos) != q) {
            char c = s.charAt(pos++);
            if (c == '\\' && pos < s.length()) c = s.charAt(pos++);
            b.append(c);
        }
        if (pos >= s.length()) throw error("unterminated string");
        pos++;
        return b.toString();
    }

    private Long integer() {
        int start = pos;
        if (s.charAt(pos) == '-') pos++;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
        String digits = s.substring(start, pos);
        if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++;
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("bad integer '" + digits + "'");
        }
    }

    private void expect(char c) {
        skipSpace();
        if (peek() != c) throw error("expected '" + c + "'");
        pos++;
    }

    private char peek() {
        if (pos >= s.length()) throw error("unexpected end");
        return s.charAt(pos);
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos + " of header " + s.strip());
    }
}
