package org.slidestream.annotation;

import org.locationtech.jts.geom.Geometry;

/**
 * A region as a file states it, before holes are cut and geometry repaired.
 *
 * @param hole  true for regions that cut holes (ASAP hole groups, Aperio {@code NegativeROA="1"})
 * @param scope which regions a hole cuts: those with the same scope ({@code null}: every region)
 */
record RawRegion(Geometry geometry, String className, String name, Integer color, boolean hole, String scope) {
    Annotation annotation() {
        return new Annotation(geometry, className, name, color);
    }
}
