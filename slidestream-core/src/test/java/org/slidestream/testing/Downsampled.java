package org.slidestream.testing;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;

/**
 * A slide's level 0 at a whole downsample (area averaging), cut to {@code width x height}: the
 * pixels the vendor-format writers store at each pyramid level.
 */
public record Downsampled(Slide slide, int factor, int width, int height) implements TileSource {
    public static Downsampled of(Slide slide, int factor) {
        return new Downsampled(slide, factor, slide.level(0).width() / factor, slide.level(0).height() / factor);
    }

    @Override
    public ImageInfo info() {
        return new ImageInfo(width, height, 3, slide.metadata().pixelType(), 256, 256);
    }

    @Override
    public void read(int plane, Region region, Raster dest) {
        slide.readRegion(ReadRequest.atDownsample(factor, region.x() * factor, region.y() * factor, region.width(), region.height()), dest);
    }
}
