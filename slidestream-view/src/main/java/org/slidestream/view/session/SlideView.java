package org.slidestream.view.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.format.geojson.GeoJson;
import org.slidestream.memory.TileCache;
import org.slidestream.pipeline.CohortInputs;
import org.slidestream.slide.LevelInfo;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;
import org.slidestream.view.catalog.SlideEntry;
import org.slidestream.view.layer.Attention;
import org.slidestream.view.layer.Palette;
import org.slidestream.view.layer.PatchGrid;
import org.slidestream.view.layer.RegionOverlay;
import org.slidestream.view.layer.SlideImageLayer;
import org.slidestream.view.layer.StainLayer;
import org.slidestream.view.layer.TileLayer;
import org.slidestream.view.session.LayerInfo.ChannelInfo;
import org.slidestream.view.tile.DeepZoom;
import org.slidestream.view.tile.PyramidReader;

/**
 * An open slide with its layers: the slide, the images aligned with it (registered rounds,
 * normalized slides, label masks, heatmaps), and the overlays drawn from its outputs. Opened when a
 * page or tile first asks for the slide; closes the slide files it opened.
 */
public final class SlideView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SlideView.class);
    /** An aligned image's level 0 may differ from the slide's by this fraction (rounding in resampled outputs). */
    private static final double ALIGNED = 0.01;

    private final SlideEntry entry;
    private final Slide slide;
    private final DeepZoom zoom;
    private final List<Slide> opened = new ArrayList<>();
    private final Map<String, TileLayer> layers = new LinkedHashMap<>();
    private final List<LayerInfo> infos = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private SlideView(SlideEntry entry, Slide slide, DeepZoom zoom) {
        this.entry = entry;
        this.slide = slide;
        this.zoom = zoom;
    }

    /**
     * Opens the slide of an entry and finds its layers. An output that cannot be read becomes a note
     * on the page, not a failure of the slide.
     *
     * @throws org.slidestream.slide.SlideException when the slide itself cannot be opened
     */
    public static SlideView open(SlideEntry entry, ViewSettings settings, TileCache blocks) {
        if (entry.slide() == null) throw new IllegalArgumentException(entry.id() + ": no slide file found for this output");
        Slide slide = Slide.open(entry.slide(), settings.slideOptions());
        SlideView v = null;
        try {
            LevelInfo l0 = slide.level(0);
            v = new SlideView(entry, slide, new DeepZoom(l0.width(), l0.height(), settings.tileSize(), settings.overlap()));
            v.opened.add(slide);
            v.findLayers(settings, blocks);
            return v;
        } catch (RuntimeException e) {
            if (v != null) v.close();
            else slide.close();
            throw e;
        }
    }

    private void findLayers(ViewSettings settings, TileCache blocks) {
        SlideImageLayer image = new SlideImageLayer(new PyramidReader(slide, zoom, blocks, entry.id() + "/image"),
                SlideImageLayer.naturalMode(slide.metadata()));
        boolean registration = entry.outputsEndingWith(REGISTERED).stream().anyMatch(f -> !f.equals(entry.slide()));
        add("image", image, new LayerInfo("image", "Slide", "image", "jpeg", true, 1,
                channels(image, slide.metadata(), registration ? Role.REFERENCE : Role.PLAIN, 0), List.of(), Map.of()));
        if (settings.stainTarget() != null && image.mode() == SlideImageLayer.Mode.NATURAL && slide.metadata().sizeC() == 3) {
            add("normalized", new StainLayer(image, settings.stainTarget(), settings.budget()),
                    new LayerInfo("normalized", "Stain-normalized (" + settings.stainTarget().method() + ")", "normalized", "jpeg",
                            false, 1, List.of(), List.of(), Map.of()));
        }
        long w = zoom.width(), h = zoom.height();
        Path tissue = entry.output("tissue.geojson");
        if (tissue != null) {
            tryAdd("tissue.geojson", () -> {
                if (GeoJson.read(tissue).isEmpty()) return; // no tissue found: nothing to draw, and nothing wrong
                RegionOverlay r = RegionOverlay.read(tissue, w, h);
                add("tissue", r, new LayerInfo("tissue", "Tissue contours", "regions", "png", true, 1, List.of(), List.of(), legend(r)));
            });
        }
        Path coords = entry.output("coords.h5");
        Path attention = entry.output("attention.h5");
        // predict's attention.h5 names its patches itself; an older file is in coords.h5's row order
        boolean ownCoordinates = attention != null && Attention.hasCoordinates(attention);
        if (coords != null) {
            tryAdd("coords.h5", () -> {
                PatchGrid g = PatchGrid.read(coords, entry.output("patches.csv"), ownCoordinates ? null : attention);
                add("patches", g, new LayerInfo("patches", "Patches (" + g.count() + ")", "patches", "png", false, 0.8,
                        List.of(), g.valueNames(), Map.of()));
            });
        }
        if (ownCoordinates) {
            tryAdd("attention.h5", () -> {
                PatchGrid g = PatchGrid.read(attention, null, attention);
                add("attention", g, new LayerInfo("attention", "Attention (" + g.count() + " patches)", "patches", "png", true, 0.6,
                        List.of(), g.valueNames(), Map.of()));
            });
        }
        int n = 0;
        for (Path a : annotationFiles(settings)) {
            String id = "annotations-" + n;
            boolean first = n++ == 0; // further files (often the same regions in another format) start hidden
            tryAdd(a.getFileName().toString(), () -> {
                RegionOverlay r = RegionOverlay.read(a, w, h);
                add(id, r, new LayerInfo(id, "Annotations: " + a.getFileName(), "regions", "png", first, 1, List.of(), List.of(), legend(r)));
            });
        }
        n = 0;
        for (Path f : entry.outputsEndingWith(".tif", ".tiff", ".btf")) {
            if (f.equals(entry.slide())) continue;
            String id = "overlay-" + n++;
            tryAdd(f.getFileName().toString(), () -> addOverlay(id, f, settings, blocks));
        }
    }

    private void addOverlay(String id, Path file, ViewSettings settings, TileCache blocks) {
        Slide s = Slide.open(file, settings.slideOptions());
        opened.add(s);
        LevelInfo l0 = s.level(0);
        if (Math.abs(l0.width() - zoom.width()) > ALIGNED * zoom.width() || Math.abs(l0.height() - zoom.height()) > ALIGNED * zoom.height()) {
            notes.add(file.getFileName() + ": " + l0.width() + " x " + l0.height() + " pixels, not aligned with the slide ("
                    + zoom.width() + " x " + zoom.height() + "); not shown");
            return;
        }
        SlideMetadata m = s.metadata();
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        boolean labels = lower.contains("mask") && m.sizeC() == 1 && !m.pixelType().isFloat() && m.pixelType().bytes() <= 2;
        SlideImageLayer.Mode mode = labels ? SlideImageLayer.Mode.LABELS : SlideImageLayer.naturalMode(m);
        SlideImageLayer layer = new SlideImageLayer(new PyramidReader(s, zoom, blocks, entry.id() + "/" + id), mode);
        boolean round = lower.endsWith(REGISTERED) && mode == SlideImageLayer.Mode.CHANNEL;
        String title = !lower.endsWith(REGISTERED) ? CohortInputs.slideId(file)
                : name.length() > REGISTERED.length() ? "Round " + name.substring(0, name.length() - REGISTERED.length() - 1) : "Registered rounds";
        // the first registered round starts shown over the reference, as register's QC picture shows it
        boolean visible = round && rounds++ == 0;
        add(id, layer, new LayerInfo(id, title, "overlay", labels ? "png" : "jpeg", visible, labels ? 0.6 : 1,
                mode == SlideImageLayer.Mode.CHANNEL ? channels(layer, m, round ? Role.ROUND : Role.PLAIN, roundColours) : List.of(),
                List.of(), Map.of()));
        if (round) roundColours += (int) m.channelNames().stream().filter(SlideView::isNuclear).count();
    }

    /** {@code register}'s outputs: {@code <round>.registered.ome.tif}, or {@code registered.ome.tif} with every round. */
    private static final String REGISTERED = "registered.ome.tif";
    /** Registered rounds seen so far, and nuclear colours given to them. */
    private int rounds, roundColours;

    /** Annotation files of the slide: its output folders' and those given with {@code --annotations}. */
    private List<Path> annotationFiles(ViewSettings settings) {
        List<Path> files = new ArrayList<>();
        for (Path f : entry.outputsEndingWith(".geojson", ".json", ".xml")) {
            String n = f.getFileName().toString();
            if (n.equals("tissue.geojson") || n.equals("describe.json") || n.equals("transforms.json") || n.endsWith("stains.json")) continue;
            files.add(f);
        }
        Path a = settings.annotations();
        if (a != null) {
            if (Files.isRegularFile(a)) {
                files.add(a);
            } else if (Files.isDirectory(a)) {
                for (String ending : List.of(".geojson", ".json", ".xml", ".asap.xml", ".aperio.xml")) {
                    Path f = a.resolve(entry.id() + ending);
                    if (Files.isRegularFile(f)) files.add(f);
                }
            }
        }
        return files;
    }

    private interface Step {
        void run() throws IOException;
    }

    private void tryAdd(String what, Step step) {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            notes.add(what + ": " + msg);
            LOG.debug("{}: {}: not shown", entry.id(), what, e);
        }
    }

    private void add(String id, TileLayer layer, LayerInfo info) {
        layers.put(id, layer);
        infos.add(info);
    }

    private static Map<String, String> legend(RegionOverlay r) {
        Map<String, String> l = new LinkedHashMap<>();
        r.classColours().forEach((k, v) -> l.put(k, Palette.css(v)));
        return l;
    }

    /** What a channel image is on the page: the slide alone, the reference of registered rounds, or a registered round. */
    private enum Role { PLAIN, REFERENCE, ROUND }

    /**
     * Channels with their default colours and windows. A plain image shows every channel, nuclear
     * ones in blue. Over registered rounds, the reference shows only its nuclear channel, in magenta,
     * and each round its nuclear channel in green (then yellow, cyan, orange for further rounds):
     * added up, nuclei that coincide are white, as in {@code register}'s QC pictures.
     *
     * @param firstRoundColour for a round, how many round colours earlier rounds took
     */
    private List<ChannelInfo> channels(SlideImageLayer layer, SlideMetadata m, Role role, int firstRoundColour) {
        if (layer.mode() != SlideImageLayer.Mode.CHANNEL) return List.of();
        List<ChannelInfo> cs = new ArrayList<>();
        int colourIndex = 0, roundColour = firstRoundColour;
        for (int c = 0; c < m.sizeC(); c++) {
            String name = m.channelNames().get(c);
            double[] window = layer.defaultWindow(zoom, c);
            boolean nuclear = isNuclear(name);
            int rgb = switch (role) {
                case PLAIN -> defaultColour(name, m.sizeC() == 1 ? -1 : colourIndex);
                case REFERENCE -> nuclear ? REFERENCE_NUCLEI : defaultColour(name, colourIndex);
                case ROUND -> nuclear ? ROUND_NUCLEI[roundColour++ % ROUND_NUCLEI.length] : defaultColour(name, colourIndex);
            };
            if (!nuclear) colourIndex++;
            boolean visible = role == Role.PLAIN || nuclear;
            cs.add(new ChannelInfo(c, name, Palette.css(rgb), window[0], window[1], visible));
        }
        return cs;
    }

    private static final int REFERENCE_NUCLEI = 0xFF00FF;
    private static final int[] ROUND_NUCLEI = {0x00FF00, 0xFFFF00, 0x00FFFF, 0xFF8000};
    private static final int[] CHANNEL_COLOURS = {0x00FF00, 0xFF0000, 0xFF00FF, 0x00FFFF, 0xFFFF00, 0xFF8000, 0xFFFFFF};

    private static boolean isNuclear(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.contains("DAPI") || n.contains("HOECHST") || n.equals("DNA") || n.startsWith("DNA");
    }

    private static int defaultColour(String name, int index) {
        if (isNuclear(name)) return 0x4080FF;
        return index < 0 ? 0xFFFFFF : CHANNEL_COLOURS[index % CHANNEL_COLOURS.length];
    }

    public SlideEntry entry() { return entry; }

    public Slide slide() { return slide; }

    public DeepZoom zoom() { return zoom; }

    public TileLayer layer(String id) { return layers.get(id); }

    public List<LayerInfo> layerInfos() { return List.copyOf(infos); }

    /** Outputs that could not be shown, one line each. */
    public List<String> notes() { return List.copyOf(notes); }

    @Override
    public void close() {
        for (Slide s : opened) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.debug("closing {}", s.path(), e);
            }
        }
        opened.clear();
    }
}
