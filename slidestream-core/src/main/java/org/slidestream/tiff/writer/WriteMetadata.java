package org.slidestream.tiff.writer;

import java.util.List;
import java.util.Objects;
import org.slidestream.slide.SlideMetadata;

/**
 * What the OME-XML and the tags say about the image.
 *
 * @param channelNames  one name per band (for RGB: the names of R, G, B)
 * @param rgb           the bands are R, G, B of one brightfield image (one interleaved plane);
 *                      otherwise each band is a channel, written as its own plane in OME-TIFF
 * @param mppX          micrometres per pixel along x at full resolution, or null
 * @param mppY          micrometres per pixel along y, or null
 * @param mppZ          micrometres between planes (Z sections), or null
 * @param magnification objective power, or null
 * @param name          image name (OME {@code Image/@Name}), or null
 */
public record WriteMetadata(List<String> channelNames, boolean rgb, Double mppX, Double mppY,
        Double mppZ, Double magnification, String name) {

    public WriteMetadata {
        channelNames = List.copyOf(Objects.requireNonNull(channelNames, "channelNames"));
        if (rgb && channelNames.size() != 3) {
            throw new IllegalArgumentException("RGB images have 3 channel names, not " + channelNames.size());
        }
        for (Double d : new Double[] {mppX, mppY, mppZ, magnification}) {
            if (d != null && !(d > 0 && Double.isFinite(d))) throw new IllegalArgumentException("sizes must be positive: " + d);
        }
    }

    /** From what a slide says about itself; RGB when it is an 8-bit 3-channel brightfield image. */
    public static WriteMetadata from(SlideMetadata m) {
        boolean rgb = m.brightfield() && m.sizeC() == 3;
        return new WriteMetadata(m.channelNames(), rgb, m.mppX(), m.mppY(), m.mppZ(), m.magnification(), null);
    }

    /** An RGB brightfield image. */
    public static WriteMetadata rgb(Double mppX, Double mppY) {
        return new WriteMetadata(List.of("R", "G", "B"), true, mppX, mppY, null, null, null);
    }

    /** Channels (fluorescence, masks, feature maps), one plane each. */
    public static WriteMetadata channels(List<String> names, Double mppX, Double mppY) {
        return new WriteMetadata(names, false, mppX, mppY, null, null, null);
    }

    public WriteMetadata withName(String n) {
        return new WriteMetadata(channelNames, rgb, mppX, mppY, mppZ, magnification, n);
    }

    public WriteMetadata withMagnification(Double mag) {
        return new WriteMetadata(channelNames, rgb, mppX, mppY, mppZ, mag, name);
    }

    public WriteMetadata withMppZ(Double z) {
        return new WriteMetadata(channelNames, rgb, mppX, mppY, z, magnification, name);
    }
}
