package org.slidestream.format.geojson;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.locationtech.jts.geom.GeometryFactory;
import org.slidestream.format.FormatException;

/**
 * QuPath-compatible GeoJSON: features with Polygon, MultiPolygon (holes included), LineString,
 * Point (and their Multi and collection forms) in level-0 pixel coordinates, read into JTS
 * geometries. Malformed JSON or geometry gives a {@link FormatException} with the file, line and
 * column.
 */
public final class GeoJson {
    private static final GeometryFactory GEOMETRIES = new GeometryFactory();

    private GeoJson() {}

    /** Every feature of a file (a FeatureCollection, a Feature, a geometry, or an array of them). */
    public static List<GeoFeature> read(Path file) throws IOException {
        List<GeoFeature> out = new ArrayList<>();
        read(file, out::add);
        return out;
    }

    /** Hands each feature to {@code sink} as it is read, for files too large to hold. */
    public static void read(Path file, Consumer<GeoFeature> sink) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        new GeoJsonReader(GEOMETRIES, file, sink).read(GeoJsonReader.parser(file));
    }

    /** Features from GeoJSON text; errors name no file. */
    public static List<GeoFeature> parse(String json) throws FormatException {
        List<GeoFeature> out = new ArrayList<>();
        try {
            new GeoJsonReader(GEOMETRIES, null, out::add).read(GeoJsonReader.parser(json));
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new FormatException(null, e.getMessage(), e); // reading a String only fails as a format error
        }
        return out;
    }

    /** Writes a FeatureCollection (replacing the file). */
    public static void write(Path file, Iterable<GeoFeature> features) throws IOException {
        try (GeoJsonWriter w = GeoJsonWriter.open(file)) {
            for (GeoFeature f : features) w.write(f);
        }
    }

    /** The geometry factory features are built with (floating precision), for callers building geometries to write. */
    public static GeometryFactory geometryFactory() {
        return GEOMETRIES;
    }
}
