package org.slidestream.tiff.writer;

/** When to write BigTIFF (64-bit offsets) instead of classic TIFF. */
public enum BigTiffMode {
    /** When the output could pass 4 GiB, estimated from the uncompressed size. */
    AUTO,
    /** Always. */
    ALWAYS
}
