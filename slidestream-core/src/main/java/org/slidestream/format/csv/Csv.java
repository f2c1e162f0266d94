package org.slidestream.format.csv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated values as RFC 4180 defines them (quotes around fields with commas, quotes or
 * line breaks; doubled quotes inside), which is what pandas and Excel read and write.
 */
public final class Csv {
    private Csv() {}

    /** Reads every record; blank lines are skipped. */
    public static List<List<String>> read(Reader in) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false, fieldStarted = false;
        int c;
        int first = r.read();
        if (first != 0xFEFF && first != -1) {
            r = prepend(first, r);
        }
        while ((c = r.read()) != -1) {
            if (quoted) {
                if (c == '"') {
                    r.mark(1);
                    int n = r.read();
                    if (n == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        if (n != -1) r.reset();
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
                fieldStarted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                fieldStarted = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r') {
                    r.mark(1);
                    if (r.read() != '\n') r.reset();
                }
                if (fieldStarted || !field.isEmpty() || !row.isEmpty()) {
                    row.add(field.toString());
                    rows.add(row);
                }
                row = new ArrayList<>();
                field.setLength(0);
                fieldStarted = false;
            } else {
                field.append((char) c);
                fieldStarted = true;
            }
        }
        if (fieldStarted || !field.isEmpty() || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }

    private static BufferedReader prepend(int first, BufferedReader rest) {
        return new BufferedReader(new Reader() {
            boolean done;

            @Override public int read(char[] buf, int off, int len) throws IOException {
                if (len == 0) return 0;
                if (!done) {
                    done = true;
                    buf[off] = (char) first;
                    return 1;
                }
                return rest.read(buf, off, len);
            }

            @Override public void close() throws IOException { rest.close(); }
        });
    }

    /** Writes one record followed by a newline. */
    public static void writeRow(Writer out, List<?> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) out.write(',');
            out.write(quote(fields.get(i) == null ? "" : String.valueOf(fields.get(i))));
        }
        out.write('\n');
    }

    /** A field as it must appear in CSV: quoted when it holds a comma, a quote or a line break. */
    public static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
