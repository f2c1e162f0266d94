package org.slidestream.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.MultiPoint;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.slidestream.format.FormatException;
import org.slidestream.image.Region;

class AnnotationReadersTest {
    @TempDir Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String asap(String annotations) {
        return "<?xml version=\"1.0\"?>\n<ASAP_Annotations>\n<Annotations>\n" + annotations + "</Annotations>\n"
                + "<AnnotationGroups><Group Name=\"_0\" PartOfGroup=\"None\" Color=\"#FF0000\"><Attributes/></Group></AnnotationGroups>\n</ASAP_Annotations>\n";
    }

    private static String asapAnnotation(String name, String type, String group, double[][] pts) {
        StringBuilder b = new StringBuilder("<Annotation Name=\"" + name + "\" Type=\"" + type + "\" PartOfGroup=\"" + group + "\" Color=\"#F4FA58\"><Coordinates>\n");
        for (int i = 0; i < pts.length; i++) {
            b.append("<Coordinate Order=\"").append(i).append("\" X=\"").append(pts[i][0]).append("\" Y=\"").append(pts[i][1]).append("\"/>\n");
        }
        return b.append("</Coordinates></Annotation>\n").toString();
    }

    @Test
    void asapTypesGroupsAndCamelyonExclusions() throws IOException {
        String xml = asap(asapAnnotation("Annotation 0", "Polygon", "_0", new double[][] {{0, 0}, {100, 0}, {100, 100}, {0, 100}})
                + asapAnnotation("Annotation 1", "Polygon", "_2", new double[][] {{20, 20}, {40, 20}, {40, 40}, {20, 40}})
                + asapAnnotation("Annotation 2", "Rectangle", "_1", new double[][] {{200, 0}, {300, 0}, {300, 50}, {200, 50}})
                + asapAnnotation("Annotation 3", "Spline", "_1", new double[][] {{400, 0}, {500, 50}, {400, 100}})
                + asapAnnotation("Annotation 4", "Dot", "None", new double[][] {{7, 8}})
                + asapAnnotation("Annotation 5", "PointSet", "None", new double[][] {{1, 2}, {3, 4}})
                // Coordinates out of order, with a decimal comma as some locales write them.
                + "<Annotation Name=\"Annotation 6\" Type=\"Polygon\" PartOfGroup=\"_1\"><Coordinates>"
                + "<Coordinate Order=\"2\" X=\"610,5\" Y=\"10\"/><Coordinate Order=\"0\" X=\"600\" Y=\"0\"/><Coordinate Order=\"1\" X=\"610,5\" Y=\"0\"/>"
                + "</Coordinates></Annotation>\n");
        AnnotationSet s = Annotations.read(write("camelyon.xml", xml));
        assertThat(s.format()).isEqualTo(AnnotationFormat.ASAP);
        assertThat(s.classes()).containsExactly("_0", "_1", "None");
        List<Annotation> a = s.annotations();
        assertThat(a).hasSize(6);
        Polygon p0 = (Polygon) a.get(0).geometry();
        assertThat(p0.getNumInteriorRing()).as("the _2 region is a hole").isEqualTo(1);
        assertThat(p0.getArea()).isEqualTo(10000 - 400);
        assertThat(a.get(0).color()).as("group colour").isEqualTo(0xFF0000);
        assertThat(a.get(1).geometry().getArea()).isEqualTo(5000);
        assertThat(a.get(2).geometry()).isInstanceOf(Polygon.class);
        assertThat(a.get(2).geometry().getArea()).as("spline through its control points").isEqualTo(5000);
        assertThat(a.get(3).geometry()).isInstanceOf(Point.class);
        assertThat(a.get(3).hasArea()).isFalse();
        assertThat(a.get(4).geometry()).isInstanceOf(MultiPoint.class);
        assertThat(a.get(5).geometry().getArea()).isEqualTo(10.5 * 10 / 2);
        // Other hole groups: none at all keeps _2 as a class.
        AnnotationSet none = Annotations.read(dir.resolve("camelyon.xml"), Set.of());
        assertThat(none.classes()).contains("_2");
        assertThat(none.annotations().get(0).geometry().getArea()).isEqualTo(10000);
    }

    @Test
    void aperioLayersNegativeRegionsShapesAndMpp() throws IOException {
        String xml = """
                <Annotations MicronsPerPixel="0.252000">
                <Annotation Id="1" Name="" LineColor="255" Type="4">
                  <Attributes><Attribute Name="Tumor" Id="0" Value=""/></Attributes>
                  <Regions>
                    <RegionAttributeHeaders><AttributeHeader Id="9999" Name="Region" ColumnWidth="-1"/></RegionAttributeHeaders>
                    <Region Id="1" Type="0" NegativeROA="0" Text="big"><Attributes/><Vertices>
                      <Vertex X="0" Y="0" Z="0"/><Vertex X="100" Y="0" Z="0"/><Vertex X="100" Y="100" Z="0"/><Vertex X="0" Y="100" Z="0"/>
                    </Vertices></Region>
                    <Region Id="2" Type="1" NegativeROA="1"><Vertices>
                      <Vertex X="10" Y="10"/><Vertex X="30" Y="10"/><Vertex X="30" Y="30"/><Vertex X="10" Y="30"/>
                    </Vertices></Region>
                    <Region Id="3" Type="2" NegativeROA="0"><Vertices><Vertex X="200" Y="0"/><Vertex X="300" Y="50"/></Vertices></Region>
                    <Region Id="4" Type="4" NegativeROA="0"><Vertices><Vertex X="0" Y="0"/><Vertex X="5" Y="5"/></Vertices></Region>
                  </Regions>
                </Annotation>
                <Annotation Id="2" Name="Stroma" LineColor="65280">
                  <Regions><Region Id="1" Type="0"><Vertices>
                    <Vertex X="0" Y="0"/><Vertex X="50" Y="0"/><Vertex X="50" Y="50"/>
                  </Vertices></Region></Regions>
                </Annotation>
                <Annotation Id="3"><Regions/></Annotation>
                </Annotations>
                """;
        AnnotationSet s = Annotations.read(write("aperio.xml", xml));
        assertThat(s.format()).isEqualTo(AnnotationFormat.APERIO);
        assertThat(s.mpp()).isEqualTo(0.252);
        assertThat(s.classes()).containsExactly("Tumor", "Stroma");
        List<Annotation> a = s.annotations();
        assertThat(a.get(0).name()).isEqualTo("big");
        assertThat(a.get(0).color()).as("COLORREF 255 is red").isEqualTo(0xFF0000);
        assertThat(a.get(0).geometry().getArea()).as("negative region cut out of its layer").isEqualTo(10000 - 400);
        assertThat(a.get(1).geometry().getArea()).as("ellipse in its box").isCloseTo(Math.PI * 50 * 25, org.assertj.core.data.Offset.offset(20.0));
        assertThat(a.get(2).geometry()).isInstanceOf(LineString.class);
        assertThat(a.get(3).geometry().getArea()).as("another layer keeps its area").isEqualTo(1250);
        assertThat(a.get(3).color()).isEqualTo(0x00FF00);
    }

    @Test
    void selfIntersectionsAreRepairedWithAWarningNamingTheAnnotation() throws IOException {
        // A bow tie: two triangles of 25 each.
        String xml = asap(asapAnnotation("Bow tie", "Polygon", "Tumor", new double[][] {{0, 0}, {10, 10}, {10, 0}, {0, 10}}));
        AnnotationSet s = Annotations.read(write("bowtie.xml", xml));
        assertThat(s.annotations()).hasSize(1);
        assertThat(s.annotations().get(0).geometry().isValid()).isTrue();
        assertThat(s.annotations().get(0).geometry().getArea()).isEqualTo(50);
        assertThat(s.warnings()).singleElement().asString().contains("bowtie.xml").contains("'Bow tie' (Tumor)")
                .contains("self-intersection at (5.0, 5.0)").contains("repaired");
        // The repaired polygon is drawn: both triangles.
        LabelMask m = new LabelMask(s, LabelMap.parse(null, null, s.areaClasses()), MaskResolution.level0(12, 12), 16);
        byte[] px = m.read(new Region(0, 0, 12, 12)).bytes();
        assertThat(px[5 * 12 + 1]).isEqualTo((byte) 1);
        assertThat(px[5 * 12 + 9]).isEqualTo((byte) 1);
        assertThat(px[1 * 12 + 5]).isEqualTo((byte) 0);
    }

    @Test
    void clippedToTheSlide() throws IOException {
        String xml = asap(asapAnnotation("edge", "Polygon", "Tumor", new double[][] {{-50, -50}, {50, -50}, {50, 50}, {-50, 50}})
                + asapAnnotation("outside", "Polygon", "Tumor", new double[][] {{500, 500}, {600, 500}, {600, 600}}));
        AnnotationSet s = Annotations.read(write("edge.xml", xml)).clip(200, 100);
        assertThat(s.annotations()).hasSize(1);
        assertThat(s.annotations().get(0).geometry().getArea()).isEqualTo(2500);
        assertThat(s.warnings()).singleElement().asString().contains("2 annotations extend beyond the slide (200x100 pixels)")
                .contains("1 lay wholly outside and were dropped");
    }

    @Test
    void malformedAndEmptyFilesAreFormatErrors() throws IOException {
        record Case(String name, String text, String message) {}
        for (Case c : List.of(
                new Case("empty.xml", "", "empty file"),
                new Case("blank.geojson", "  \n ", "only white space"),
                new Case("text.txt", "hello", "not an annotation file"),
                new Case("other.xml", "<?xml version=\"1.0\"?><svg></svg>", "root element <svg>"),
                new Case("truncated.xml", "<ASAP_Annotations><Annotations><Annotation Name=\"a\" Type=\"Polygon\"><Coordinates>", "invalid XML"),
                new Case("noarea.xml", asap(""), "no annotations"),
                new Case("few.xml", asap(asapAnnotation("tiny", "Polygon", "T", new double[][] {{0, 0}, {1, 1}})), "'tiny': a Polygon needs at least 3 coordinates"),
                new Case("type.xml", asap(asapAnnotation("m", "Curve", "T", new double[][] {{0, 0}})), "unsupported annotation type 'Curve'"),
                new Case("nox.xml", "<ASAP_Annotations><Annotations><Annotation Name=\"a\"><Coordinates><Coordinate Order=\"0\" Y=\"1\"/>", "without attribute X"),
                new Case("aperio.xml", "<Annotations MicronsPerPixel=\"0.5\"></Annotations>", "no <Annotation> layers"),
                new Case("empty.geojson", "{\"type\": \"FeatureCollection\", \"features\": []}", "no annotations"),
                new Case("bad.geojson", "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\"}}]}", "expected an array"),
                new Case("holes.xml", asap(asapAnnotation("h", "Polygon", "Exclusion", new double[][] {{0, 0}, {1, 0}, {1, 1}})), "every region is in a hole group"))) {
            Path p = write(c.name(), c.text());
            assertThatThrownBy(() -> Annotations.read(p)).as(c.name()).isInstanceOf(FormatException.class)
                    .hasMessageStartingWith(p.toString()).hasMessageContaining(c.message());
        }
        assertThatThrownBy(() -> Annotations.read(dir.resolve("missing.xml"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void externalEntitiesAreNeverRead() throws IOException {
        Path secret = write("secret.txt", "42");
        String xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE ASAP_Annotations [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + asap("<Annotation Name=\"&x;\" Type=\"Polygon\" PartOfGroup=\"T\"><Coordinates>"
                + "<Coordinate Order=\"0\" X=\"0\" Y=\"0\"/><Coordinate Order=\"1\" X=\"9\" Y=\"0\"/><Coordinate Order=\"2\" X=\"9\" Y=\"9\"/>"
                + "</Coordinates></Annotation>").replace("<?xml version=\"1.0\"?>\n", "");
        Path p = write("xxe.xml", xml);
        try {
            AnnotationSet s = Annotations.read(p);
            assertThat(s.annotations().get(0).name()).doesNotContain("42");
        } catch (FormatException e) {
            // the temporary folder's random name may hold "42": only the rest of the message counts
            assertThat(e.getMessage()).startsWith(p.toString());
            assertThat(e.getMessage().substring(p.toString().length())).doesNotContain("42");
        }
    }

    @Test
    void geoJsonWrittenAndReadBackIsTheSameModel() throws IOException {
        Path in = write("in.geojson", """
                {"type": "FeatureCollection", "features": [
                  {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [
                     [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]],
                     [[[20, 0], [30, 0], [30, 5], [20, 0]]]]},
                   "properties": {"objectType": "annotation", "name": "first", "classification": {"name": "Tumor", "color": [200, 0, 0]}}},
                  {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 20], [5, 20], [5, 25], [0, 20]]]},
                   "properties": {"objectType": "annotation"}}
                ]}""");
        AnnotationSet s = Annotations.read(in);
        assertThat(s.classes()).containsExactly("Tumor", "Unclassified");
        assertThat(s.annotations().get(0).geometry().getArea()).isEqualTo(100 - 4 + 25);
        Path out = dir.resolve("out.geojson");
        s.writeGeoJson(out);
        AnnotationSet back = Annotations.read(out);
        assertThat(back.annotations()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Annotation a = s.annotations().get(i), b = back.annotations().get(i);
            assertThat(b.geometry().equalsExact(a.geometry())).isTrue();
            assertThat(b.className()).isEqualTo(a.className());
            assertThat(b.name()).isEqualTo(a.name());
            assertThat(b.color()).isEqualTo(a.color());
        }
        assertThat(back.annotations().get(0).color()).isEqualTo(0xC80000);
    }
}
