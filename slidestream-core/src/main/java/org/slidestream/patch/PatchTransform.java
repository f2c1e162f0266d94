package org.slidestream.patch;

import org.slidestream.image.Raster;

/**
 * Changes a patch's pixels before it is saved (for example stain normalization). Called from
 * several threads at once, each with its own raster; may modify it in place and return it, or
 * return a new raster of the same shape. Must be deterministic for byte-identical outputs.
 */
@FunctionalInterface
public interface PatchTransform {
    Raster apply(Raster patch, PatchCoord at);
}
