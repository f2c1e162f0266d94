package org.slidestream.format.anndata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Exception;
import org.slidestream.format.h5.H5Node;

/**
 * The {@code encoding-type} / {@code encoding-version} attributes of the AnnData on-disk
 * specification, as anndata 0.8 and later write them: every element says what it is, and a
 * reader refuses what it does not know instead of guessing.
 */
enum Encoding {
    ANNDATA("anndata", "0.1.0"),
    DATAFRAME("dataframe", "0.2.0"),
    ARRAY("array", "0.2.0"),
    STRING_ARRAY("string-array", "0.2.0"),
    CATEGORICAL("categorical", "0.2.0"),
    CSR("csr_matrix", "0.1.0"),
    CSC("csc_matrix", "0.1.0"),
    DICT("dict", "0.1.0"),
    NUMERIC_SCALAR("numeric-scalar", "0.2.0"),
    STRING("string", "0.2.0");

    static final String TYPE = "encoding-type";
    static final String VERSION = "encoding-version";

    final String type;
    final String version;

    Encoding(String type, String version) {
        this.type = type;
        this.version = version;
    }

    /** Writes this encoding's two attributes on {@code node}. */
    void mark(H5Node node) throws H5Exception {
        node.setAttribute(TYPE, type);
        node.setAttribute(VERSION, version);
    }

    /**
     * The encoding of an element, checked: a known type at the version we read.
     *
     * @param where the element's path in the file, for messages
     * @throws FormatException naming the file, the element and what it found
     */
    static Encoding of(Path file, H5Node node, String where) throws IOException {
        if (!node.hasAttribute(TYPE)) {
            throw new FormatException(file, where + ": no " + TYPE + " attribute (written by anndata < 0.7 or by another tool; "
                    + "re-save it with anndata >= 0.8)");
        }
        String type = node.stringAttribute(TYPE);
        String version = node.hasAttribute(VERSION) ? node.stringAttribute(VERSION) : "";
        for (Encoding e : values()) {
            if (!e.type.equals(type)) continue;
            if (!e.version.equals(version)) {
                throw new FormatException(file, where + ": " + TYPE + " '" + type + "' version '" + version + "' is not supported (we read "
                        + e.version + ", as anndata 0.8-0.10 write it)");
            }
            return e;
        }
        throw new FormatException(file, where + ": unknown " + TYPE + " '" + type + "' (supported: "
                + String.join(", ", List.of(values()).stream().map(e -> e.type).toList()) + ")");
    }
}
