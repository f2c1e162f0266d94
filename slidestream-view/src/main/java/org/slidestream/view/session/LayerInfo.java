package org.slidestream.view.session;

import java.util.List;
import java.util.Map;

/**
 * What the page needs to know of a layer.
 *
 * @param id       its name in tile addresses
 * @param title    what the page calls it
 * @param kind     {@code image} (the slide), {@code normalized}, {@code overlay} (an aligned image),
 *                 {@code regions} (contours, annotations) or {@code patches}
 * @param format   {@code jpeg} or {@code png}
 * @param visible  whether it is shown when the page opens
 * @param opacity  its opacity when shown (0-1)
 * @param channels for channel-mode images: each channel's name, default colour and contrast window; else empty
 * @param values   for the patch grid: the values patches can be coloured by; else empty
 * @param legend   class or label name -> colour ({@code #rrggbb}), where the layer has classes
 */
public record LayerInfo(String id, String title, String kind, String format, boolean visible, double opacity,
                        List<ChannelInfo> channels, List<String> values, Map<String, String> legend) {

    /** A channel of a channel-mode image: its index, name, default colour and window. */
    public record ChannelInfo(int index, String name, String color, double lo, double hi, boolean visible) {}
}
