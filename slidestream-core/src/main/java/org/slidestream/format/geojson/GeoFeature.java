package org.slidestream.format.geojson;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.locationtech.jts.geom.Geometry;

/**
 * One GeoJSON feature: a geometry in level-0 pixel coordinates and its properties, with accessors
 * for what QuPath puts there: {@code objectType} ({@code "annotation"}, {@code "detection"}, ...),
 * {@code classification} ({@code {"name": "Tumor", "color": [r, g, b]}}, or {@code colorRGB} in
 * QuPath 0.2) and {@code name}.
 *
 * @param id         the feature's {@code id} (QuPath writes a UUID), or null
 * @param geometry   the geometry, or null (GeoJSON allows features without one)
 * @param properties JSON values as Java values: {@code String}, {@code Number}, {@code Boolean},
 *                   {@code null}, {@code List} and {@code Map}; kept in file order
 */
public record GeoFeature(String id, Geometry geometry, Map<String, Object> properties) {

    public GeoFeature {
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A QuPath annotation of a class. */
    public static GeoFeature annotation(Geometry geometry, String className) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objectType", "annotation");
        if (className != null) p.put("classification", Map.of("name", className));
        return new GeoFeature(null, geometry, p);
    }

    /** A QuPath annotation of a class shown in colour {@code 0xRRGGBB}. */
    public static GeoFeature annotation(Geometry geometry, String className, int rgb) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("objectType", "annotation");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", className);
        c.put("color", List.of((long) (rgb >> 16 & 0xFF), (long) (rgb >> 8 & 0xFF), (long) (rgb & 0xFF))); // as read back
        p.put("classification", c);
        return new GeoFeature(null, geometry, p);
    }

    /** The same feature with another geometry (for example clipped or repaired). */
    public GeoFeature withGeometry(Geometry g) {
        return new GeoFeature(id, g, properties);
    }

    /** QuPath's {@code objectType}, or null. */
    public String objectType() {
        return properties.get("objectType") instanceof String s ? s : null;
    }

    /** QuPath's {@code name}, or null. */
    public String name() {
        return properties.get("name") instanceof String s ? s : null;
    }

    /**
     * The class name: {@code classification.name}; also a bare string {@code classification}, or
     * the {@code classification.names} list of a derived class joined with ": " as QuPath shows it.
     */
    public String className() {
        Object c = properties.get("classification");
        if (c instanceof String s) return s;
        if (!(c instanceof Map<?, ?> m)) return null;
        if (m.get("name") instanceof String s) return s;
        if (m.get("names") instanceof List<?> names && !names.isEmpty()) {
            return String.join(": ", names.stream().map(String::valueOf).toList());
        }
        return null;
    }

    /** The class colour as {@code 0xRRGGBB}: {@code color: [r, g, b]} or QuPath 0.2's packed {@code colorRGB}. */
    public OptionalInt classColor() {
        if (!(properties.get("classification") instanceof Map<?, ?> m)) return OptionalInt.empty();
        if (m.get("color") instanceof List<?> rgb && rgb.size() >= 3
                && rgb.get(0) instanceof Number r && rgb.get(1) instanceof Number g && rgb.get(2) instanceof Number b) {
            return OptionalInt.of((r.intValue() & 0xFF) << 16 | (g.intValue() & 0xFF) << 8 | (b.intValue() & 0xFF));
        }
        if (m.get("colorRGB") instanceof Number packed) return OptionalInt.of(packed.intValue() & 0xFFFFFF);
        return OptionalInt.empty();
    }
}
