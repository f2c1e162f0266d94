package org.slidestream.tissue;

import java.util.List;

/**
 * One kept tissue contour with its kept holes, in pixels of the segmentation image (points as
 * x0, y0, x1, y1, ... at pixel centres).
 *
 * @param area tissue area (contour minus holes) in segmentation pixels, by CLAM's rule
 */
public record TissueRegion(int[] outer, List<int[]> holes, double area) {
    public TissueRegion {
        holes = List.copyOf(holes);
    }
}
