package org.slidestream.format.geojson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.io.WKTReader;
import org.slidestream.format.FormatException;
import org.slidestream.testing.ReferenceTools;
import org.slidestream.testing.SharedData;

class GeoJsonTest {
    @TempDir Path dir;

    @Test
    void readsTheSharedQuPathAnnotations() throws IOException {
        for (String slide : new String[] {"cmu-1-small-region", "tcga-cr-7395-01a-01-ts1"}) {
            Path f = SharedData.annotation(slide + ".geojson");
            List<GeoFeature> features = GeoJson.read(f);
            assertThat(features).extracting(GeoFeature::className).containsExactly("Tissue", "Tumor", "Necrosis");
            assertThat(features).extracting(GeoFeature::objectType).containsOnly("annotation");
            assertThat(features.get(0).classColor()).hasValue(0x009600);
            Polygon tissue = (Polygon) features.get(0).geometry();
            // The reference: Python's own JSON parser, hole count and shoelace areas.
            ReferenceTools.requirePythonModules("json");
            String[] ref = ReferenceTools.python("""
                    import sys, json
                    def area(r):
                        return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(r, r[1:]))) / 2
                    fs = json.load(open(sys.argv[1]))['features']
                    rings = fs[0]['geometry']['coordinates']
                    print(len(rings) - 1, area(rings[0]) - sum(area(h) for h in rings[1:]),
                          area(fs[1]['geometry']['coordinates'][0]), area(fs[2]['geometry']['coordinates'][0]))
                    """, f).requireSuccess("python json").stdout().strip().split(" ");
            assertThat(tissue.getNumInteriorRing()).isEqualTo(Integer.parseInt(ref[0])).isGreaterThan(0);
            assertThat(tissue.getArea()).isCloseTo(Double.parseDouble(ref[1]), within(1e-6));
            assertThat(features.get(1).geometry().getArea()).isCloseTo(Double.parseDouble(ref[2]), within(1e-6));
            assertThat(features.get(2).geometry().getArea()).isCloseTo(Double.parseDouble(ref[3]), within(1e-6));
            assertThat(features.get(2).geometry().intersects(features.get(1).geometry())).as("Necrosis overlaps Tumor").isTrue();
        }
    }

    @Test
    void whatWeWriteReadsBackAndLooksLikeQuPathsOutput() throws Exception {
        WKTReader wkt = new WKTReader(GeoJson.geometryFactory());
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("objectType", "detection");
        props.put("name", "cell 1");
        props.put("measurements", Map.of("Area µm^2", 12.5));
        props.put("isLocked", false);
        props.put("tags", List.of("a", 3L, 2.5));
        List<GeoFeature> written = List.of(
                GeoFeature.annotation(wkt.read("POLYGON ((0 0, 100 0, 100 80, 0 80, 0 0), (10 10, 20 10, 20 20, 10 10))"), "Tissue", 0x009600),
                GeoFeature.annotation(wkt.read("MULTIPOLYGON (((0 0, 5 0, 5 5, 0 0)), ((10 10, 15 10, 15 15, 10 10)))"), "Tumor"),
                GeoFeature.annotation(wkt.read("LINESTRING (1.5 2.25, 3 4, 5 6)"), null),
                new GeoFeature("5b2c1e8a-0d2f-4b7e-9d59-2f2e8f1c0a11", wkt.read("POINT (7 8)"), props),
                new GeoFeature(null, wkt.read("GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1))"), Map.of()),
                new GeoFeature(null, null, Map.of("objectType", "annotation")));
        Path f = dir.resolve("out.geojson");
        GeoJson.write(f, written);
        List<GeoFeature> back = GeoJson.read(f);
        assertThat(back).hasSize(written.size());
        for (int i = 0; i < back.size(); i++) {
            Geometry w = written.get(i).geometry();
            if (w == null) assertThat(back.get(i).geometry()).isNull();
            else assertThat(back.get(i).geometry().equalsExact(w)).as("geometry %d", i).isTrue();
            assertThat(back.get(i).properties()).isEqualTo(written.get(i).properties());
            assertThat(back.get(i).id()).isEqualTo(written.get(i).id());
        }
        assertThat(back.get(0).className()).isEqualTo("Tissue");
        assertThat(back.get(0).classColor()).hasValue(0x009600);
        assertThat(back.get(3).name()).isEqualTo("cell 1");
        ReferenceTools.requirePythonModules("json");
        ReferenceTools.python("""
                import sys, json
                d = json.load(open(sys.argv[1], encoding='utf-8'))
                assert d['type'] == 'FeatureCollection' and len(d['features']) == 6
                t = d['features'][0]
                assert t['type'] == 'Feature' and t['geometry']['type'] == 'Polygon'
                assert t['properties'] == {'objectType': 'annotation', 'classification': {'name': 'Tissue', 'color': [0, 150, 0]}}
                assert t['geometry']['coordinates'][1] == [[10, 10], [20, 10], [20, 20], [10, 10]]
                assert d['features'][1]['geometry']['type'] == 'MultiPolygon'
                assert d['features'][3]['id'].startswith('5b2c') and d['features'][3]['properties']['measurements'] == {'Area µm^2': 12.5}
                assert d['features'][4]['geometry']['geometries'][1]['type'] == 'LineString'
                assert d['features'][5]['geometry'] is None
                """, f).requireSuccess("python json");
    }

    @Test
    void bareFeaturesGeometriesAndArraysAsQuPathExportsThem() throws IOException {
        assertThat(GeoJson.parse("""
                {"type": "Feature", "id": "PathAnnotationObject",
                 "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 4]]]},
                 "properties": {"classification": {"name": "Tumor", "colorRGB": -3670016}, "isLocked": false}}
                """)).singleElement().satisfies(f -> {
                    assertThat(f.className()).isEqualTo("Tumor");
                    assertThat(f.classColor()).hasValue(0xC80000);
                    assertThat(f.geometry().getArea()).as("an open ring is closed").isEqualTo(8);
                });
        assertThat(GeoJson.parse("{\"coordinates\": [3, 4], \"type\": \"Point\"}")).singleElement()
                .satisfies(f -> assertThat(f.geometry().getCoordinate()).isEqualTo(new Coordinate(3, 4)));
        List<GeoFeature> arr = GeoJson.parse("""
                [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1, 5]]}, "properties": {}},
                 {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]}]
                """);
        assertThat(arr).hasSize(2);
        assertThat(arr.get(0).geometry().getCoordinates()[1].getZ()).isEqualTo(5);
        assertThat(arr.get(1).geometry().getNumGeometries()).isEqualTo(2);
        assertThat(GeoJson.parse("{\"features\": [], \"type\": \"FeatureCollection\", \"bbox\": [0, 0, 1, 1]}")).isEmpty();
        List<GeoFeature> streamed = new ArrayList<>();
        Path f = Files.writeString(dir.resolve("c.geojson"), "{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":null}]}");
        GeoJson.read(f, streamed::add);
        assertThat(streamed).singleElement().satisfies(g -> assertThat(g.properties()).isEmpty());
    }

    @Test
    void errorsNameTheFileLineAndColumn() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.geojson"), "{\"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"type\": \"Feature\",, }\n]}");
        assertThatThrownBy(() -> GeoJson.read(bad)).isInstanceOf(FormatException.class)
                .hasMessageStartingWith(bad + ":3:").hasMessageContaining("invalid JSON")
                .satisfies(e -> assertThat(((FormatException) e).line()).isEqualTo(3));
        Path curve = Files.writeString(dir.resolve("curve.geojson"), """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}, "properties": {}},
                  {"type": "Feature", "geometry": {"type": "CircularString", "coordinates": []}, "properties": {}}
                ]}
                """);
        assertThatThrownBy(() -> GeoJson.read(curve)).isInstanceOf(FormatException.class)
                .hasMessage(curve + ":3:3: features[1].geometry: unsupported geometry type 'CircularString'");
        assertThatThrownBy(() -> GeoJson.parse("{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, \"x\"], [1, 1]]]}"))
                .isInstanceOf(FormatException.class).hasMessage("<stream>:1:1: coordinates[0][1]: expected a position [x, y]");
        assertThatThrownBy(() -> GeoJson.parse("{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 1], [0, 0]]]}"))
                .isInstanceOf(FormatException.class).hasMessageContaining("at least 3 distinct positions");
        assertThatThrownBy(() -> GeoJson.parse("{\"type\": \"Topology\", \"features\": []}"))
                .isInstanceOf(FormatException.class).hasMessageContaining("must have type FeatureCollection");
        assertThatThrownBy(() -> GeoJson.parse("42")).isInstanceOf(FormatException.class).hasMessageContaining("expected a GeoJSON object");
        assertThatThrownBy(() -> GeoJson.parse("{\"name\": \"x\"}")).isInstanceOf(FormatException.class).hasMessageContaining("no 'type'");
        assertThatThrownBy(() -> GeoJson.read(dir.resolve("missing.geojson"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
        GeometryFactory gf = GeoJson.geometryFactory();
        assertThat(gf.getPrecisionModel().isFloating()).isTrue();
    }
}
