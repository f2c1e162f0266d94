package org.slidestream.stain;

import org.slidestream.image.ImageInfo;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.image.TileSource;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;

/**
 * An 8-bit RGB tile source normalized tile by tile: each request reads the same region of the
 * source and maps it with one {@link StainNormalizer}, so the result is the same whatever the
 * order or concurrency of requests. The source raster of a request (for concentration outputs,
 * where it cannot be the destination) is reserved from the budget while it lives.
 */
public final class NormalizedSource implements TileSource {
    private final TileSource source;
    private final StainNormalizer normalizer;
    private final MemoryBudget budget;
    private final ImageInfo info;

    public NormalizedSource(TileSource source, StainNormalizer normalizer, MemoryBudget budget) {
        ImageInfo in = source.info();
        if (in.bands() != 3 || in.pixelType() != PixelType.UINT8) {
            throw new IllegalArgumentException("stain normalization needs 8-bit RGB, not " + in.bands() + " bands of " + in.pixelType());
        }
        this.source = source;
        this.normalizer = normalizer;
        this.budget = budget;
        this.info = new ImageInfo(in.width(), in.height(), normalizer.outputBands(), normalizer.outputType(),
                in.tileWidth(), in.tileHeight());
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    @Override
    public int planes() {
        return source.planes();
    }

    @Override
    public void read(int plane, Region region, Raster dest) {
        if (normalizer.output() == StainOutput.RGB) {
            source.read(plane, region, dest);
            normalizer.apply(dest, dest, region.width(), region.height());
            return;
        }
        long bytes = Raster.byteSize(PixelType.UINT8, region.width(), region.height(), 3);
        try (Reservation ignored = budget.reserve(bytes, "stain normalization source tile")) {
            Raster src = Raster.create(PixelType.UINT8, region.width(), region.height(), 3);
            source.read(plane, region, src);
            normalizer.apply(src, dest, region.width(), region.height());
        }
    }
}
