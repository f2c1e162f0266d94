package org.slidestream.view.layer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slidestream.annotation.Annotation;
import org.slidestream.annotation.AnnotationSet;
import org.slidestream.annotation.Annotations;
import org.slidestream.annotation.LabelMap;
import org.slidestream.annotation.LabelMask;
import org.slidestream.annotation.MaskResolution;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.view.tile.DeepZoom;

/**
 * Polygons in level-0 pixels (tissue contours from {@code tissue.geojson}, annotations in QuPath
 * GeoJSON, ASAP or Aperio XML) drawn as a translucent fill with an opaque outline, one colour per
 * class. Each Deep Zoom level's pixels are the annotations rasterized at that level
 * ({@link LabelMask}: OpenCV's {@code fillPoly} rule), so outlines stay one pixel wide at every zoom.
 */
public final class RegionOverlay implements TileLayer {
    static final int FILL_ALPHA = 60;

    private final AnnotationSet annotations;
    private final LabelMap labels;
    private final Map<String, Integer> colours;
    private final long width, height;
    private final Map<Integer, LabelMask> masks = new ConcurrentHashMap<>();

    private RegionOverlay(AnnotationSet annotations, long width, long height) {
        this.annotations = annotations.clip(width, height);
        List<String> classes = this.annotations.areaClasses();
        this.labels = LabelMap.parse(null, null, classes);
        this.colours = new LinkedHashMap<>();
        for (String c : classes) colours.put(c, classColour(c, labels.label(c)));
        this.width = width;
        this.height = height;
    }

    /** Reads an annotation file for a slide of {@code width x height} level-0 pixels. */
    public static RegionOverlay read(Path file, long width, long height) throws IOException {
        return new RegionOverlay(Annotations.read(file), width, height);
    }

    /** The colour each class is drawn in: the file's own colour for the class where it gives one. */
    private int classColour(String className, int label) {
        for (Annotation a : annotations.annotations()) {
            if (a.className().equals(className) && a.color() != null) return a.color() & 0xFFFFFF;
        }
        return className.equalsIgnoreCase("Tissue") ? 0x00A651 : Palette.category(label);
    }

    /** Class name to colour, in label order. */
    public Map<String, Integer> classColours() {
        return colours;
    }

    public int polygonCount() {
        return annotations.annotations().size();
    }

    /** Area of each class's regions in level-0 pixels (holes removed; overlaps between classes counted in each). */
    public Map<String, Double> areas() {
        Map<String, Double> a = new LinkedHashMap<>();
        for (Annotation an : annotations.annotations()) {
            if (an.hasArea()) a.merge(an.className(), an.geometry().getArea(), Double::sum);
        }
        return a;
    }

    @Override
    public Set<String> optionNames() {
        return Set.of();
    }

    @Override
    public boolean opaque() {
        return false;
    }

    @Override
    public Raster render(DeepZoom zoom, int level, Region region, Map<String, String> options) {
        LabelMask mask = masks.computeIfAbsent(level, l -> new LabelMask(annotations, labels,
                MaskResolution.downsample(width, height, zoom.downsample(l)), zoom.tileSize()));
        // one pixel around the tile, so that outlines on its border are found
        Region around = new Region(region.x() - 1, region.y() - 1, region.width() + 2, region.height() + 2);
        Raster lab = Raster.create(PixelType.UINT8, around.width(), around.height(), 1);
        readClipped(mask, around, lab);
        int[] colourOf = new int[256];
        List<String> byLabel = new ArrayList<>(colours.keySet());
        for (String c : byLabel) colourOf[labels.label(c) & 0xFF] = colours.get(c);
        Raster t = Rgba.transparent(region.width(), region.height());
        byte[] l = lab.bytes(), p = t.bytes();
        int aw = around.width();
        for (int y = 0; y < region.height(); y++) {
            for (int x = 0; x < region.width(); x++) {
                int i = (y + 1) * aw + x + 1;
                int v = l[i] & 0xFF;
                if (v == 0) continue;
                boolean edge = l[i - 1] != l[i] || l[i + 1] != l[i] || l[i - aw] != l[i] || l[i + aw] != l[i];
                Rgba.put(p, 4 * (y * region.width() + x), colourOf[v], edge ? 255 : FILL_ALPHA);
            }
        }
        return t;
    }

    /** Reads a region that may reach past the mask's top-left corner (those pixels stay 0). */
    private static void readClipped(LabelMask mask, Region around, Raster dest) {
        Region inside = around.intersect(new Region(0, 0, mask.info().width(), mask.info().height()));
        if (inside.isEmpty()) return;
        Raster part = Raster.create(PixelType.UINT8, inside.width(), inside.height(), 1);
        mask.read(0, inside, part);
        dest.copyFrom(part, 0, 0, inside.x() - around.x(), inside.y() - around.y(), inside.width(), inside.height());
    }
}
