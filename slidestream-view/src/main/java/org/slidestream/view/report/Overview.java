package org.slidestream.view.report;

import java.util.Map;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.view.layer.TileLayer;
import org.slidestream.view.session.LayerInfo;
import org.slidestream.view.session.SlideView;
import org.slidestream.view.tile.DeepZoom;

/**
 * A slide drawn small with its overlays, from the same layers the slide page shows: the slide (a
 * multiplex image's visible channels added up in their colours), then label masks, contours,
 * annotations and the patch grid, each at its page opacity. Made from the Deep Zoom level that fits
 * the size asked for, so it reads what a zoomed-out page reads.
 */
final class Overview {
    private Overview() {}

    /** The largest Deep Zoom level whose sides are at most {@code maxSide}. */
    static int level(DeepZoom z, int maxSide) {
        int level = z.maxLevel();
        while (level > 0 && Math.max(z.levelWidth(level), z.levelHeight(level)) > maxSide) level--;
        return level;
    }

    /** 8-bit RGB of the slide and its overlays at the largest Deep Zoom level of at most {@code maxSide} pixels a side. */
    static Raster draw(SlideView view, int maxSide) {
        DeepZoom z = view.zoom();
        int level = level(z, maxSide);
        Region all = new Region(0, 0, (int) z.levelWidth(level), (int) z.levelHeight(level));
        Raster out = Raster.create(PixelType.UINT8, all.width(), all.height(), 3);
        for (LayerInfo info : view.layerInfos()) {
            TileLayer layer = view.layer(info.id());
            switch (info.kind()) {
                case "image" -> drawImage(layer, info, z, level, all, out);
                case "regions", "patches" -> over(out, layer.render(z, level, all, Map.of()), info.opacity());
                case "overlay" -> {
                    // label masks are drawn over the slide; aligned images (normalized, registered rounds) would hide it
                    if (!layer.opaque()) over(out, layer.render(z, level, all, Map.of()), info.opacity());
                }
                default -> { } // the stain-normalized view is another picture of the same slide
            }
        }
        return out;
    }

    private static void drawImage(TileLayer layer, LayerInfo info, DeepZoom z, int level, Region all, Raster out) {
        if (info.channels().isEmpty()) {
            out.copyFrom(layer.render(z, level, all, Map.of()), 0, 0, 0, 0, all.width(), all.height());
            return;
        }
        byte[] o = out.bytes();
        for (LayerInfo.ChannelInfo c : info.channels()) {
            if (!c.visible()) continue;
            Raster r = layer.render(z, level, all, Map.of("c", String.valueOf(c.index()), "lo", String.valueOf(c.lo()),
                    "hi", String.valueOf(c.hi()), "color", c.color().replace("#", "")));
            byte[] p = r.bytes();
            for (int i = 0; i < o.length; i++) o[i] = (byte) Math.min(255, (o[i] & 0xFF) + (p[i] & 0xFF)); // as the page's 'lighter'
        }
    }

    /** Draws straight-alpha RGBA {@code top} over RGB {@code out} at {@code opacity}. */
    static void over(Raster out, Raster top, double opacity) {
        byte[] o = out.bytes(), t = top.bytes();
        int n = out.width() * out.height();
        for (int i = 0; i < n; i++) {
            double a = (t[4 * i + 3] & 0xFF) / 255.0 * opacity;
            if (a == 0) continue;
            for (int b = 0; b < 3; b++) {
                int k = 3 * i + b;
                o[k] = (byte) Math.round((o[k] & 0xFF) * (1 - a) + (t[4 * i + b] & 0xFF) * a);
            }
        }
    }
}
