package org.slidestream.cells;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * How {@link CellQuantifier} measures cells.
 *
 * @param statistics per-channel statistics; the first is {@code X}, every one is also a layer
 * @param z          the focal plane read from the image
 * @param t          the time point read from the image
 * @param tileSize   side of the square tiles read at a time
 * @param gzip       gzip level of the {@code .h5ad} datasets (-1 none)
 */
public record QuantifyOptions(List<Statistic> statistics, int z, int t, int tileSize, int gzip) {
    public QuantifyOptions {
        statistics = List.copyOf(new LinkedHashSet<>(statistics));
        if (statistics.isEmpty()) throw new IllegalArgumentException("at least one statistic");
        if (z < 0 || t < 0) throw new IllegalArgumentException("negative z or t");
        if (tileSize < 16) throw new IllegalArgumentException("tile size must be >= 16: " + tileSize);
        if (gzip < -1 || gzip > 9) throw new IllegalArgumentException("gzip level must be -1..9: " + gzip);
    }

    /** Means only, plane 0, 512 px tiles, gzip 4. */
    public static QuantifyOptions defaults() {
        return new QuantifyOptions(List.of(Statistic.MEAN), 0, 0, 512, 4);
    }

    /** The mean first, then the other statistics asked for. */
    public QuantifyOptions withStatistics(List<Statistic> extra) {
        List<Statistic> s = new ArrayList<>();
        s.add(Statistic.MEAN);
        s.addAll(extra);
        return new QuantifyOptions(s, z, t, tileSize, gzip);
    }

    public QuantifyOptions withPlane(int newZ, int newT) {
        return new QuantifyOptions(statistics, newZ, newT, tileSize, gzip);
    }

    public QuantifyOptions withTileSize(int size) {
        return new QuantifyOptions(statistics, z, t, size, gzip);
    }
}
