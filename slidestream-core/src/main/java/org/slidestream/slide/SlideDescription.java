package org.slidestream.slide;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A slide described as plain values for JSON, in a fixed key order: the document of
 * {@code slidestream info --json} and of the {@code describe} step's {@code describe.json}.
 */
public final class SlideDescription {
    private SlideDescription() {}

    /**
     * Keys {@code format}, {@code width}, {@code height}, {@code levels} (each {@code width},
     * {@code height}, {@code downsample}, {@code tileWidth}, {@code tileHeight}), {@code mpp}
     * ({@code [x, y]} or null), {@code magnification}, {@code pixelType}, {@code sizeC},
     * {@code sizeZ}, {@code sizeT}, {@code mppZ}, {@code channels}, {@code associated}, and
     * {@code properties} (sorted) when asked for.
     */
    public static Map<String, Object> of(Slide s, boolean withProperties) {
        SlideMetadata m = s.metadata();
        LevelInfo l0 = s.level(0);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("format", m.format());
        d.put("width", l0.width());
        d.put("height", l0.height());
        List<Map<String, Object>> levels = new ArrayList<>();
        for (LevelInfo l : s.levels()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("width", l.width());
            e.put("height", l.height());
            e.put("downsample", l.downsample());
            e.put("tileWidth", l.tileWidth());
            e.put("tileHeight", l.tileHeight());
            levels.add(e);
        }
        d.put("levels", levels);
        d.put("mpp", m.mppX() == null || m.mppY() == null ? null : List.of(m.mppX(), m.mppY()));
        d.put("magnification", m.magnification());
        d.put("pixelType", m.pixelType().omeName());
        d.put("sizeC", m.sizeC());
        d.put("sizeZ", m.sizeZ());
        d.put("sizeT", m.sizeT());
        d.put("mppZ", m.mppZ());
        d.put("channels", m.channelNames());
        d.put("associated", s.associatedImages());
        if (withProperties) d.put("properties", new TreeMap<>(m.properties()));
        return d;
    }
}
