package org.slidestream.view.layer;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.stain.SlideStains;
import org.slidestream.stain.StainEstimate;
import org.slidestream.stain.StainMethod;
import org.slidestream.stain.StainNormalizer;
import org.slidestream.stain.StainOutput;
import org.slidestream.stain.StainParameters;
import org.slidestream.stain.StainProfile;
import org.slidestream.view.tile.DeepZoom;

/**
 * The slide stain-normalized to a target profile (a {@code normalize --fit} JSON), as
 * {@code slidestream normalize} would write it: the slide's own stains are fitted once, on its
 * tissue at a low pyramid level, when the layer is first drawn; each tile is then mapped to the
 * target.
 */
public final class StainLayer implements TileLayer {
    private final SlideImageLayer image;
    private final Supplier<StainNormalizer> normalizer;

    public StainLayer(SlideImageLayer image, StainProfile target, MemoryBudget budget) {
        this.image = image;
        StainMethod method = target.stainMethod();
        StainParameters p = StainParameters.defaults().withIo(target.io()).withBeta(target.beta());
        this.normalizer = memoize(() -> {
            StainEstimate source = SlideStains.fit(image.reader().slide(), null, method, p, budget);
            return StainNormalizer.create(method, source, target, p, StainOutput.RGB, false);
        });
    }

    private static <T> Supplier<T> memoize(Supplier<T> s) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) value = s.get();
                        v = value;
                    }
                }
                return v;
            }
        };
    }

    @Override
    public Set<String> optionNames() {
        return image.optionNames();
    }

    @Override
    public void check(Map<String, String> options) {
        image.check(options);
    }

    @Override
    public boolean opaque() {
        return true;
    }

    @Override
    public Raster render(DeepZoom zoom, int level, Region region, Map<String, String> options) {
        Raster rgb = image.render(zoom, level, region, options);
        return normalizer.get().apply(rgb);
    }
}
