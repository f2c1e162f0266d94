package org.slidestream.annotation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.util.PolygonExtracter;
import org.locationtech.jts.index.strtree.STRtree;
import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;

/**
 * A uint8 label mask of annotations as a {@link TileSource}: each tile is drawn on request from
 * the polygons that reach it (an R-tree of polygon boxes), so a level-0 mask of a whole slide never
 * exists in memory; what is held is the polygons, in whole mask pixels. Where classes overlap the
 * one of higher priority wins (polygons are painted lowest priority first). Pixels follow OpenCV's
 * {@code fillPoly} (see {@link ScanPolygon}), so a mask equals what the Python tools draw, and any
 * tiling gives the same pixels as one whole-image draw.
 */
public final class LabelMask implements TileSource {
    private final ImageInfo info;
    private final MaskResolution resolution;
    private final LabelMap labels;
    private final STRtree index = new STRtree();
    private final int polygons;
    private final ThreadLocal<ScanPolygon.Scratch> scratch = ThreadLocal.withInitial(ScanPolygon.Scratch::new);

    /**
     * @param tileSize the tile size sinks should request (the mask computes any region)
     */
    public LabelMask(AnnotationSet annotations, LabelMap labels, MaskResolution resolution, int tileSize) {
        this.info = new ImageInfo(resolution.width(), resolution.height(), 1, PixelType.UINT8, tileSize, tileSize);
        this.resolution = resolution;
        this.labels = labels;
        int n = 0;
        for (Annotation a : annotations.annotations()) {
            int value = labels.label(a.className());
            if (value == 0 || !a.hasArea()) continue;
            for (Object o : PolygonExtracter.getPolygons(a.geometry())) {
                ScanPolygon p = ScanPolygon.of((Polygon) o, resolution, (byte) value, labels.rank(a.className()));
                if (p == null) continue;
                index.insert(p.envelope(), new Indexed(n++, p));
            }
        }
        index.build();
        this.polygons = n;
    }

    private record Indexed(int order, ScanPolygon polygon) {}

    // Lowest priority first, file order within a class: the winner is painted last.
    private static final Comparator<Indexed> PAINT_ORDER =
            Comparator.comparingInt((Indexed i) -> -i.polygon.rank).thenComparingInt(Indexed::order);

    @Override
    public ImageInfo info() { return info; }

    public MaskResolution resolution() { return resolution; }

    public LabelMap labels() { return labels; }

    /** Polygons drawn (a multipolygon counts each part). */
    public int polygonCount() { return polygons; }

    @Override
    public void read(int plane, Region region, Raster dest) {
        if (plane != 0) throw new IllegalArgumentException("a label mask has one plane, not plane " + plane);
        if (dest.type() != PixelType.UINT8 || dest.bands() != 1 || dest.width() < region.width() || dest.height() < region.height()) {
            throw new IllegalArgumentException("mask tiles are one-band uint8 of at least " + region.width() + "x" + region.height() + ", not " + dest);
        }
        byte[] d = dest.bytes();
        int stride = dest.width();
        for (int y = 0; y < region.height(); y++) Arrays.fill(d, y * stride, y * stride + region.width(), (byte) 0);
        Region c = region.intersect(info.bounds());
        if (c.isEmpty()) return;
        @SuppressWarnings("unchecked")
        List<Indexed> hits = new ArrayList<>(index.query(new Envelope(c.x(), c.right() - 1, c.y(), c.bottom() - 1)));
        if (hits.isEmpty()) return;
        hits.sort(PAINT_ORDER);
        ScanPolygon.Scratch s = scratch.get();
        // Paint into dest at the clipped part's offset from the region's origin.
        int offset = (c.y() - region.y()) * stride + (c.x() - region.x());
        if (offset != 0) {
            Raster part = Raster.create(PixelType.UINT8, c.width(), c.height(), 1);
            for (Indexed i : hits) i.polygon.paint(part.bytes(), c.width(), c.x(), c.y(), c.right() - 1, c.bottom() - 1, s);
            dest.copyFrom(part, 0, 0, c.x() - region.x(), c.y() - region.y(), c.width(), c.height());
            return;
        }
        for (Indexed i : hits) i.polygon.paint(d, stride, c.x(), c.y(), c.right() - 1, c.bottom() - 1, s);
    }
}
