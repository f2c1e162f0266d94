package org.slidestream.view.content;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slidestream.format.png.Png;
import org.slidestream.format.png.PngOptions;
import org.slidestream.image.Raster;
import org.slidestream.memory.TileCache;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.tiff.codec.ChromaSubsampling;
import org.slidestream.tiff.codec.Codecs;
import org.slidestream.view.catalog.Catalog;
import org.slidestream.view.catalog.Cohort;
import org.slidestream.view.catalog.SlideEntry;
import org.slidestream.view.cohort.CohortTable;
import org.slidestream.view.layer.TileLayer;
import org.slidestream.view.session.SlideView;
import org.slidestream.view.session.SlideViews;
import org.slidestream.view.session.ViewSettings;
import org.slidestream.view.tile.DeepZoom;
import org.slidestream.view.tile.EncodedTileCache;

/**
 * Everything the viewer serves, by id: the catalog as JSON, cohort tables and charts, slide
 * descriptions, tiles (made on demand, cached encoded) and figures. Thread-safe.
 */
public final class ViewContent implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Figures of a slide's outputs shown on its page. */
    private static final String[] FIGURE_ENDINGS = {".png", ".jpg", ".jpeg"};

    private final Catalog catalog;
    private final ViewSettings settings;
    private final TileCache blocks;
    private final SlideViews views;
    private final EncodedTileCache tiles;
    private final Map<String, CohortTable> tables = new ConcurrentHashMap<>();

    /** Tile bytes and their type. */
    public record Tile(String contentType, byte[] bytes) {}

    /**
     * @param blockBytes   cache of made pyramid blocks
     * @param encodedBytes cache of encoded tiles
     */
    public ViewContent(Catalog catalog, ViewSettings settings, long blockBytes, long encodedBytes, int maxOpenSlides) {
        this.catalog = catalog;
        this.settings = settings;
        this.blocks = new TileCache(settings.budget(), blockBytes);
        this.tiles = new EncodedTileCache(settings.budget(), encodedBytes);
        this.views = new SlideViews(catalog, settings, blocks, maxOpenSlides);
    }

    public Catalog catalog() { return catalog; }

    public ViewSettings settings() { return settings; }

    public Cohort cohort(String id) {
        return catalog.cohort(id);
    }

    public boolean hasSlide(String id) {
        return catalog.slide(id) != null;
    }

    public CohortTable table(String cohortId) throws NotServedException {
        Cohort c = catalog.cohort(cohortId);
        if (c == null) throw new NotServedException("no cohort '" + cohortId + "'");
        return tables.computeIfAbsent(cohortId, k -> CohortTable.of(c, catalog, settings.slideOptions()));
    }

    public ObjectNode catalogJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode cs = root.putArray("cohorts");
        for (Cohort c : catalog.cohorts()) {
            ObjectNode n = cs.addObject();
            n.put("id", c.id());
            n.put("folder", c.folder().toString());
            n.put("table", c.table());
            n.put("rows", c.rows().size());
        }
        ArrayNode ss = root.putArray("slides");
        for (SlideEntry e : catalog.slides()) {
            ObjectNode n = ss.addObject();
            n.put("id", e.id());
            n.put("file", e.slide() == null ? null : e.slide().getFileName().toString());
            n.put("cohort", e.cohort());
            n.put("outputs", e.outputs().size());
        }
        return root;
    }

    public ObjectNode cohortJson(String id) throws NotServedException {
        CohortTable t = table(id);
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("folder", t.cohort().folder().toString());
        root.put("table", t.cohort().table());
        ArrayNode cols = root.putArray("columns");
        t.columns().forEach(cols::add);
        ArrayNode rows = root.putArray("rows");
        for (CohortTable.Row r : t.rows()) {
            ObjectNode row = rows.addObject();
            ObjectNode cells = row.putObject("cells");
            r.cells().forEach(cells::put);
            row.put("slide", r.slideId());
        }
        ObjectNode counts = root.putObject("counts");
        t.statusCounts().forEach(counts::put);
        ArrayNode charts = root.putArray("charts");
        t.charts().keySet().forEach(charts::add);
        return root;
    }

    public String chart(String cohortId, String name) throws NotServedException {
        String svg = table(cohortId).charts().get(name);
        if (svg == null) throw new NotServedException("no chart '" + name + "'");
        return svg;
    }

    /** A slide's description for its page: size, resolution, Deep Zoom layout, layers, figures, notes. */
    public ObjectNode slideJson(String id) throws NotServedException {
        SlideEntry e = entry(id);
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id);
        root.put("cohort", e.cohort());
        ArrayNode figs = root.putArray("figures");
        List<Path> figures = figures(e);
        for (int i = 0; i < figures.size(); i++) {
            ObjectNode f = figs.addObject();
            f.put("name", figures.get(i).getFileName().toString());
            f.put("url", "/figure/" + id + "/" + i);
        }
        if (e.slide() == null) {
            root.putNull("file");
            root.put("error", id + ": no slide file found for this output (give the slides to view as well)");
            return root;
        }
        root.put("file", e.slide().getFileName().toString());
        try (SlideViews.Lease lease = views.acquire(id)) {
            SlideView v = lease.view();
            Slide s = v.slide();
            SlideMetadata m = s.metadata();
            DeepZoom z = v.zoom();
            root.put("width", z.width());
            root.put("height", z.height());
            root.put("format", m.format());
            root.put("pixelType", m.pixelType().omeName());
            if (m.mppX() != null) root.put("mpp", m.mppX());
            else root.putNull("mpp");
            if (m.magnification() != null) root.put("magnification", m.magnification());
            root.put("sizeZ", m.sizeZ());
            root.put("sizeT", m.sizeT());
            ArrayNode levels = root.putArray("levels");
            for (LevelInfo l : s.levels()) levels.add(l.width() + " x " + l.height() + " (" + String.format(Locale.ROOT, "%.2f", l.downsample()) + ")");
            ObjectNode dz = root.putObject("deepZoom");
            dz.put("tileSize", z.tileSize());
            dz.put("overlap", z.overlap());
            dz.put("maxLevel", z.maxLevel());
            root.set("layers", JSON.valueToTree(v.layerInfos()));
            ArrayNode notes = root.putArray("notes");
            v.notes().forEach(notes::add);
        } catch (SlideViews.Unavailable ex) {
            root.put("error", ex.getMessage());
        }
        return root;
    }

    public String dziXml(String id) throws NotServedException {
        try (SlideViews.Lease lease = lease(id)) {
            DeepZoom z = lease.view().zoom();
            return String.format(Locale.ROOT, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>%n"
                    + "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" Format=\"jpeg\" Overlap=\"%d\" TileSize=\"%d\">"
                    + "<Size Width=\"%d\" Height=\"%d\"/></Image>%n", z.overlap(), z.tileSize(), z.width(), z.height());
        }
    }

    /**
     * A tile: made on first request from the pyramid (or drawn from an output), encoded as JPEG
     * (opaque layers) or PNG (overlays), and cached encoded.
     *
     * @throws NotServedException for an unknown slide or layer, a level or address outside the
     *                            pyramid, the wrong extension, or options the layer does not take
     */
    public Tile tile(String slideId, String layerId, int level, long col, long row, String ext, SortedMap<String, String> options)
            throws NotServedException {
        try (SlideViews.Lease lease = lease(slideId)) {
            SlideView v = lease.view();
            TileLayer layer = v.layer(layerId);
            if (layer == null) throw new NotServedException("slide '" + slideId + "' has no layer '" + layerId + "'");
            DeepZoom z = v.zoom();
            if (level > z.maxLevel()) throw new NotServedException("no level " + level + " (levels 0-" + z.maxLevel() + ")");
            if (!z.contains(level, col, row)) {
                throw new NotServedException("no tile " + col + "_" + row + " at level " + level + " (" + z.columns(level) + " x " + z.rows(level) + " tiles)");
            }
            String want = layer.opaque() ? "jpeg" : "png";
            if (!ext.equals(want) && !(want.equals("jpeg") && ext.equals("jpg"))) throw new NotServedException("layer '" + layerId + "' tiles are ." + want);
            Set<String> allowed = layer.optionNames();
            for (String k : options.keySet()) {
                if (!allowed.contains(k)) throw new NotServedException("layer '" + layerId + "' takes no option '" + k + "'");
            }
            try {
                layer.check(options);
            } catch (IllegalArgumentException e) {
                throw new NotServedException(e.getMessage());
            }
            String key = slideId + "/" + layerId + "/" + level + "/" + col + "_" + row + "?" + options;
            byte[] bytes = tiles.get(key, () -> encode(layer.render(z, level, z.tileRegion(level, col, row), options), layer.opaque()));
            return new Tile(layer.opaque() ? "image/jpeg" : "image/png", bytes);
        }
    }

    private byte[] encode(Raster r, boolean opaque) {
        boolean natives = settings.slideOptions().allowNatives();
        return opaque ? Codecs.jpeg(natives).encode(r, settings.jpegQuality(), ChromaSubsampling.S420)
                : Png.encode(r, PngOptions.FAST, natives);
    }

    public Path figure(String slideId, int n) throws NotServedException {
        List<Path> figs = figures(entry(slideId));
        if (n < 0 || n >= figs.size()) throw new NotServedException("slide '" + slideId + "' has no figure " + n);
        return figs.get(n);
    }

    /** The pictures in a slide's output folders (thumbnails, QC overlays, heatmaps), by name. */
    public static List<Path> figures(SlideEntry e) {
        List<Path> figs = new ArrayList<>();
        for (Path p : e.outputsEndingWith(FIGURE_ENDINGS)) {
            String n = p.getFileName().toString();
            if (n.equals("mask.png")) continue; // shown as contours
            figs.add(p);
        }
        return figs;
    }

    private SlideEntry entry(String id) throws NotServedException {
        SlideEntry e = catalog.slide(id);
        if (e == null) throw new NotServedException("no slide '" + id + "'");
        return e;
    }

    /** The open slide, for code that draws from it (the report). */
    public SlideViews.Lease lease(String slideId) throws NotServedException {
        entry(slideId);
        try {
            return views.acquire(slideId);
        } catch (SlideViews.Unavailable e) {
            throw new NotServedException(e.getMessage());
        }
    }

    @Override
    public void close() {
        views.close();
        tiles.close();
        blocks.close();
    }
}
