package org.slidestream.annotation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.PolygonExtracter;
import org.slidestream.format.geojson.GeoFeature;
import org.slidestream.format.geojson.GeoJsonWriter;

/**
 * The annotations of one file in the common model, holes already cut and geometry repaired.
 *
 * @param source      the file read
 * @param format      the format it was in
 * @param annotations in file order
 * @param mpp         micrometres per pixel the file states (Aperio {@code MicronsPerPixel}), or null
 * @param warnings    what was repaired, clipped or ignored, one line each, naming the annotation
 */
public record AnnotationSet(Path source, AnnotationFormat format, List<Annotation> annotations, Double mpp, List<String> warnings) {
    public AnnotationSet {
        annotations = List.copyOf(annotations);
        warnings = List.copyOf(warnings);
    }

    /** Class names in order of first appearance. */
    public List<String> classes() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Annotation a : annotations) out.add(a.className());
        return List.copyOf(out);
    }

    /** Class names of the annotations that have an area, in order of first appearance. */
    public List<String> areaClasses() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Annotation a : annotations) if (a.hasArea()) out.add(a.className());
        return List.copyOf(out);
    }

    /** The bounding box of every annotation, in level-0 pixels (null envelope when empty). */
    public Envelope bounds() {
        Envelope e = new Envelope();
        for (Annotation a : annotations) e.expandToInclude(a.geometry().getEnvelopeInternal());
        return e;
    }

    /**
     * The annotations cut to the slide, {@code [0, width] x [0, height]} in level-0 pixels; those
     * wholly outside are dropped. A warning says how many were clipped.
     */
    public AnnotationSet clip(long width, long height) {
        Envelope slide = new Envelope(0, width, 0, height);
        GeometryFactory gf = Annotations.GEOMETRIES;
        Geometry box = gf.toGeometry(slide);
        List<Annotation> kept = new ArrayList<>(annotations.size());
        int clipped = 0, dropped = 0;
        for (Annotation a : annotations) {
            Geometry g = a.geometry();
            if (slide.contains(g.getEnvelopeInternal())) {
                kept.add(a);
                continue;
            }
            Geometry c = g.intersection(box);
            if (a.geometry() instanceof Polygonal) c = gf.buildGeometry(PolygonExtracter.getPolygons(c));
            if (c.isEmpty()) {
                dropped++;
            } else {
                clipped++;
                kept.add(a.withGeometry(c));
            }
        }
        if (clipped + dropped == 0) return this;
        List<String> w = new ArrayList<>(warnings);
        w.add(source + ": " + (clipped + dropped) + " annotation" + (clipped + dropped == 1 ? "" : "s")
                + " extend beyond the slide (" + width + "x" + height + " pixels) and were clipped to it"
                + (dropped > 0 ? "; " + dropped + " lay wholly outside and were dropped" : ""));
        return new AnnotationSet(source, format, kept, mpp, w);
    }

    /** Writes the annotations as a QuPath GeoJSON FeatureCollection ({@code objectType} annotation, classification with colour). */
    public void writeGeoJson(Path file) throws IOException {
        try (GeoJsonWriter w = GeoJsonWriter.open(file)) {
            for (Annotation a : annotations) w.write(feature(a));
        }
    }

    static GeoFeature feature(Annotation a) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objectType", "annotation");
        if (a.name() != null) p.put("name", a.name());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", a.className());
        if (a.color() != null) {
            int rgb = a.color();
            c.put("color", List.of((long) (rgb >> 16 & 0xFF), (long) (rgb >> 8 & 0xFF), (long) (rgb & 0xFF)));
        }
        p.put("classification", c);
        return new GeoFeature(null, a.geometry(), p);
    }
}
