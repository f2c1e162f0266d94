package org.slidestream.view.layer;

import java.util.Map;
import java.util.Set;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.view.tile.DeepZoom;

/**
 * A layer of the slide page, drawn tile by tile on the slide's Deep Zoom pyramid: the slide itself,
 * another image aligned with it, or an overlay drawn from an output (contours, patches, labels).
 */
public interface TileLayer {

    /**
     * The pixels of a region of a Deep Zoom level: 8-bit RGB (opaque, served as JPEG) or RGBA
     * (served as PNG).
     *
     * @param options the layer's rendering options from the tile's query (only names in
     *                {@link #optionNames()}), already checked by {@link #check}
     */
    Raster render(DeepZoom zoom, int level, Region region, Map<String, String> options);

    /** The query options the layer takes (anything else is a bad request). */
    Set<String> optionNames();

    /** Throws {@link IllegalArgumentException} when an option's value is not one the layer takes. */
    default void check(Map<String, String> options) {}

    /** Whether tiles are opaque RGB (JPEG) rather than RGBA (PNG). */
    boolean opaque();
}
