package org.slidestream.tissue;

import org.slidestream.image.Raster;

/**
 * A slide's tissue mask with the image it was computed on, at thumbnail resolution: that image
 * subsampled by {@link Overlays#factor} so that its longer side is at most {@link Overlays#MAX_SIDE}.
 */
public record Segmentation(Raster image, TissueMask mask) {}
