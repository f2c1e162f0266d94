package org.slidestream.slide;

import java.util.List;
import java.util.Map;
import org.slidestream.image.PixelType;

/**
 * What a slide says about itself.
 *
 * @param format        short format name: {@code aperio}, {@code ome-tiff}, {@code generic-tiff}, ...
 * @param pixelType     sample type of the pixel data
 * @param sizeC         channels; reading all channels gives rasters of this many bands (3 for RGB)
 * @param sizeZ         focal planes / Z sections
 * @param sizeT         time points
 * @param channelNames  one name per channel ("R", "G", "B" for RGB brightfield)
 * @param mppX          micrometres per pixel at level 0 along x, or null when unknown
 * @param mppY          micrometres per pixel at level 0 along y, or null when unknown
 * @param mppZ          micrometres between Z sections, or null when unknown
 * @param magnification objective power (for example 20 or 40), or null when unknown
 * @param brightfield   true for RGB transmitted-light images, whose background is white
 * @param properties    every vendor property found, with the names OpenSlide uses where there is one
 */
public record SlideMetadata(
        String format,
        PixelType pixelType,
        int sizeC,
        int sizeZ,
        int sizeT,
        List<String> channelNames,
        Double mppX,
        Double mppY,
        Double mppZ,
        Double magnification,
        boolean brightfield,
        Map<String, String> properties) {

    public SlideMetadata {
        if (sizeC < 1 || sizeZ < 1 || sizeT < 1) {
            throw new IllegalArgumentException("sizes must be >= 1: C=" + sizeC + " Z=" + sizeZ + " T=" + sizeT);
        }
        channelNames = List.copyOf(channelNames);
        if (channelNames.size() != sizeC) {
            throw new IllegalArgumentException(sizeC + " channels but " + channelNames.size() + " names");
        }
        properties = Map.copyOf(properties);
    }

    /** Value of pixels outside the image: white for brightfield, 0 otherwise. */
    public double background() {
        return brightfield ? pixelType.maxValue() : 0;
    }

    /** Index of the channel with this name (case-insensitive), or -1. */
    public int channelIndex(String name) {
        for (int i = 0; i < channelNames.size(); i++) {
            if (channelNames.get(i).equalsIgnoreCase(name)) return i;
        }
        return -1;
    }
}
