package org.slidestream.annotation;

import java.util.Objects;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygonal;

/**
 * One annotated region: a geometry in level-0 pixel coordinates (x to the right, y down, the
 * slide's top-left corner at (0, 0)) and the class it belongs to.
 *
 * @param geometry  a JTS geometry: Polygon or MultiPolygon for regions (holes included), Point,
 *                  MultiPoint or LineString for dots and open lines, which have no area
 * @param className the class (ASAP group, Aperio layer, QuPath classification)
 * @param name      the annotation's own name in the file, or null
 * @param color     display colour {@code 0xRRGGBB}, or null
 */
public record Annotation(Geometry geometry, String className, String name, Integer color) {
    public Annotation {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(className, "className");
    }

    /** True for regions (polygons), the only annotations that cover pixels of a mask. */
    public boolean hasArea() {
        return geometry instanceof Polygonal && !geometry.isEmpty();
    }

    public Annotation withGeometry(Geometry g) {
        return new Annotation(g, className, name, color);
    }

    /** How warnings name it: {@code 'Annotation 3' (Tumor)}. */
    String label() {
        return (name == null || name.isBlank() ? "unnamed annotation" : "'" + name + "'") + " (" + className + ")";
    }
}
