package org.slidestream.annotation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.geom.util.PolygonExtracter;
import org.locationtech.jts.index.strtree.STRtree;
import org.locationtech.jts.operation.union.UnaryUnionOp;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;
import org.slidestream.format.FormatException;
import org.slidestream.format.geojson.GeoFeature;
import org.slidestream.format.geojson.GeoJson;

/**
 * Reads annotation files (ASAP XML, Aperio ImageScope XML, QuPath GeoJSON; the format is
 * recognised from the content) into one model: {@link Annotation}s with JTS geometries in level-0
 * pixels. Hole regions (ASAP hole groups, Aperio negative regions) are cut out of the regions they
 * overlap; invalid polygons (self-intersections, bow ties) are repaired, each with a warning that
 * names the annotation.
 *
 * <pre>{@code
 * AnnotationSet set = Annotations.read(Path.of("tumor_001.xml")).clip(width, height);
 * set.warnings().forEach(System.err::println);
 * }</pre>
 */
public final class Annotations {
    /** The ASAP groups that cut holes by default: CAMELYON's exclusion groups. */
    public static final Set<String> DEFAULT_HOLE_GROUPS = Set.of("Exclusion", "_2");

    static final GeometryFactory GEOMETRIES = GeoJson.geometryFactory();

    private Annotations() {}

    /** Reads a file with the default hole groups. */
    public static AnnotationSet read(Path file) throws IOException {
        return read(file, DEFAULT_HOLE_GROUPS);
    }

    /**
     * Reads a file.
     *
     * @param holeGroups ASAP groups ({@code PartOfGroup}) whose regions are holes, not a class
     * @throws FormatException for a malformed or empty file (file, line, what is wrong)
     */
    public static AnnotationSet read(Path file, Set<String> holeGroups) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no such annotation file");
        AnnotationFormat format = AnnotationFormat.detect(file);
        List<RawRegion> raw;
        Double mpp = null;
        switch (format) {
            case ASAP -> raw = new AsapReader(file, holeGroups, GEOMETRIES).read();
            case APERIO -> {
                AperioReader r = new AperioReader(file, GEOMETRIES);
                raw = r.read();
                mpp = r.mpp();
            }
            case GEOJSON -> raw = geoJson(file);
            default -> throw new AssertionError(format);
        }
        if (raw.isEmpty()) throw new FormatException(file, "no annotations in the " + format.name().toLowerCase(Locale.ROOT) + " file");
        // Repairs are independent and can take a second for an outline of many thousand vertices:
        // in parallel, results and warnings kept in file order.
        List<String> warnings = new ArrayList<>();
        List<Repaired> fixes = raw.parallelStream().map(r -> repair(file, r)).toList();
        List<RawRegion> repaired = new ArrayList<>(raw.size());
        for (Repaired f : fixes) {
            repaired.add(f.region());
            if (f.warning() != null) warnings.add(f.warning());
        }
        List<Annotation> out = cutHoles(file, repaired, warnings);
        if (out.isEmpty()) throw new FormatException(file, "no annotations left once holes were cut (every region is in a hole group)");
        return new AnnotationSet(file, format, out, mpp, warnings);
    }

    private static List<RawRegion> geoJson(Path file) throws IOException {
        List<RawRegion> out = new ArrayList<>();
        for (GeoFeature f : GeoJson.read(file)) {
            if (f.geometry() == null || f.geometry().isEmpty()) continue;
            String cls = f.className() == null ? "Unclassified" : f.className();
            Integer color = f.classColor().isPresent() ? f.classColor().getAsInt() : null;
            out.add(new RawRegion(f.geometry(), cls, f.name(), color, false, null));
        }
        return out;
    }

    private record Repaired(RawRegion region, String warning) {}

    /**
     * Polygons that are not valid are fixed. A ring that only touches itself (the usual fault of
     * traced contours) is fixed by {@code buffer(0)}, which keeps every part and is several times
     * faster; anything else (a ring crossing itself, as in a bow tie, where {@code buffer(0)} would
     * drop a lobe) by JTS {@link GeometryFixer}, which keeps all of the area.
     */
    private static Repaired repair(Path file, RawRegion r) {
        Geometry g = r.geometry();
        if (!(g instanceof Polygonal)) return new Repaired(r, null);
        IsValidOp op = new IsValidOp(g);
        if (op.isValid()) return new Repaired(r, null);
        TopologyValidationError err = op.getValidationError();
        Geometry fix = null;
        if (err != null && err.getErrorType() == TopologyValidationError.RING_SELF_INTERSECTION) {
            fix = g.buffer(0);
            if (!fix.isValid()) fix = null;
        }
        if (fix == null) fix = GeometryFixer.fix(g);
        Geometry fixed = GEOMETRIES.buildGeometry(PolygonExtracter.getPolygons(fix));
        String what = err == null ? "invalid geometry" : err.getMessage().toLowerCase(Locale.ROOT)
                + (err.getCoordinate() == null ? "" : String.format(Locale.ROOT, " at (%.1f, %.1f)", err.getCoordinate().x, err.getCoordinate().y));
        String which = new Annotation(g, r.className(), r.name(), null).label();
        String warning = file + ": " + which + ": " + what + (fixed.isEmpty() ? "; no area left, dropped" : "; repaired");
        return new Repaired(new RawRegion(fixed, r.className(), r.name(), r.color(), r.hole(), r.scope()), warning);
    }

    /** Every region minus the union of the hole regions (of its scope) that overlap it. */
    private static List<Annotation> cutHoles(Path file, List<RawRegion> regions, List<String> warnings) {
        STRtree holes = new STRtree();
        int holeCount = 0;
        for (RawRegion r : regions) {
            if (r.hole() && r.geometry() instanceof Polygonal && !r.geometry().isEmpty()) {
                holes.insert(r.geometry().getEnvelopeInternal(), r);
                holeCount++;
            }
        }
        List<Annotation> out = new ArrayList<>(regions.size());
        Set<RawRegion> used = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RawRegion r : regions) {
            if (r.hole()) continue;
            Geometry g = r.geometry();
            if (holeCount > 0 && g instanceof Polygonal && !g.isEmpty()) {
                List<Geometry> cut = new ArrayList<>();
                for (Object o : holes.query(g.getEnvelopeInternal())) {
                    RawRegion h = (RawRegion) o;
                    if ((h.scope() == null || h.scope().equals(r.scope())) && h.geometry().intersects(g)) {
                        cut.add(h.geometry());
                        used.add(h);
                    }
                }
                if (!cut.isEmpty()) {
                    g = GEOMETRIES.buildGeometry(PolygonExtracter.getPolygons(g.difference(UnaryUnionOp.union(cut))));
                    if (g.isEmpty()) {
                        warnings.add(file + ": " + r.annotation().label() + ": lies wholly inside holes; dropped");
                        continue;
                    }
                }
            }
            out.add(new Annotation(g, r.className(), r.name(), r.color()));
        }
        int unused = holeCount - used.size();
        if (unused > 0) {
            warnings.add(file + ": " + unused + " hole region" + (unused == 1 ? "" : "s") + " overlap no region and were ignored");
        }
        return out;
    }
}
