package org.slidestream.synth;

import org.slidestream.image.Raster;
import org.slidestream.image.Region;

/** Computes the pixels of a region of a synthetic slide (8-bit RGB) into the top-left of {@code dest}. */
interface Painter {
    void paint(Region region, Raster dest);
}
