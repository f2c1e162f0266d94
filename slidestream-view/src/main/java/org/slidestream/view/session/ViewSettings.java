package org.slidestream.view.session;

import java.nio.file.Path;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.SlideOptions;
import org.slidestream.stain.StainProfile;

/**
 * How slides are shown.
 *
 * @param slideOptions how slides are opened (budget, tile cache, natives)
 * @param budget       the run's memory budget, shared by the tile caches and tiles in flight
 * @param tileSize     Deep Zoom tile size (OpenSlide's Deep Zoom server uses 254)
 * @param overlap      Deep Zoom tile overlap (OpenSlide's default 1)
 * @param jpegQuality  quality of JPEG tiles (1-100)
 * @param stainTarget  target of the stain-normalized layer, or null for none
 * @param annotations  a file or folder of annotations ({@code <slide id>.geojson}/{@code .xml}) shown over the slides, or null
 */
public record ViewSettings(SlideOptions slideOptions, MemoryBudget budget, int tileSize, int overlap, int jpegQuality,
                           StainProfile stainTarget, Path annotations) {
    public ViewSettings {
        if (jpegQuality < 1 || jpegQuality > 100) throw new IllegalArgumentException("JPEG quality must be 1-100: " + jpegQuality);
    }
}
