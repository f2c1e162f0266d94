package org.slidestream.dicom;

import java.util.Map;

/** Names of transfer syntaxes, for messages. */
final class TransferSyntaxes {
    private TransferSyntaxes() {}

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2", "implicit VR little endian"),
            Map.entry("1.2.840.10008.1.2.1", "explicit VR little endian"),
            Map.entry("1.2.840.10008.1.2.1.99", "deflated explicit VR little endian"),
            Map.entry("1.2.840.10008.1.2.2", "explicit VR big endian"),
            Map.entry("1.2.840.10008.1.2.4.50", "JPEG baseline"),
            Map.entry("1.2.840.10008.1.2.4.51", "JPEG extended"),
            Map.entry("1.2.840.10008.1.2.4.57", "JPEG lossless"),
            Map.entry("1.2.840.10008.1.2.4.70", "JPEG lossless, first-order prediction"),
            Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS lossless"),
            Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS near-lossless"),
            Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 lossless"),
            Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
            Map.entry("1.2.840.10008.1.2.4.201", "HTJ2K lossless"),
            Map.entry("1.2.840.10008.1.2.4.202", "HTJ2K lossless RPCL"),
            Map.entry("1.2.840.10008.1.2.4.203", "HTJ2K"),
            Map.entry("1.2.840.10008.1.2.5", "RLE lossless"));

    static String name(String uid) {
        return NAMES.getOrDefault(uid, "unknown");
    }
}
