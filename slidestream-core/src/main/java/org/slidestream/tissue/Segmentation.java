package org.slidestream.tissue;

import org.slidestream.image.Raster;

/** A slide's tissue mask with the low-resolution image it was computed on (for thumbnails). */
public record Segmentation(Raster image, TissueMask mask) {}
