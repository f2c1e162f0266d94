package org.slidestream.annotation;

import java.util.Arrays;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

/** Small geometry helpers shared by the readers. */
final class Geometries {
    private Geometries() {}

    /** A polygon through the points, closed if the file left it open. */
    static Polygon polygon(GeometryFactory gf, Coordinate[] cs) {
        Coordinate[] ring = cs;
        if (!cs[0].equals2D(cs[cs.length - 1])) {
            ring = Arrays.copyOf(cs, cs.length + 1);
            ring[cs.length] = cs[0].copy();
        }
        if (ring.length < 4) {
            // Two distinct points closed: a degenerate ring JTS refuses; pad so the fixer can drop it.
            ring = new Coordinate[] {ring[0], ring[1], ring[0].copy(), ring[0].copy()};
        }
        return gf.createPolygon(ring);
    }
}
