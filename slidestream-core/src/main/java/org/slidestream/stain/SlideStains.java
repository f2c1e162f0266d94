package org.slidestream.stain;

import java.nio.file.Path;
import java.util.Locale;
import org.slidestream.image.PixelType;
import org.slidestream.image.Raster;
import org.slidestream.image.Region;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.patch.PatchTransform;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

/** Stains of slides and images: fitting a target, fitting a source once, per-patch normalization. */
public final class SlideStains {
    private SlideStains() {}

    /** True for file names that are images to read whole (PNG, JPEG) rather than slides. */
    public static boolean isImageFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** Refuses slides that are not 8-bit RGB brightfield images. */
    public static void requireRgb(Slide slide) {
        SlideMetadata m = slide.metadata();
        if (m.pixelType() != PixelType.UINT8 || m.sizeC() != 3) {
            throw new IllegalArgumentException(slide.path().getFileName() + ": stain normalization needs an 8-bit RGB slide, not "
                    + m.sizeC() + " channel" + (m.sizeC() == 1 ? "" : "s") + " of " + m.pixelType().omeName());
        }
    }

    /**
     * Fits stains on a tissue sample of a slide (or of a level-0 region of it), read at a low
     * resolution: see {@link StainSample#of(Slide, Region, StainParameters, MemoryBudget)}.
     */
    public static StainEstimate fit(Slide slide, Region region, StainMethod method, StainParameters p, MemoryBudget budget) {
        requireRgb(slide);
        StainSample sample = StainSample.of(slide, region, p, budget);
        String what = slide.path().getFileName() + (region == null ? "" : " region " + region.x() + "," + region.y() + ","
                + region.width() + "," + region.height());
        return StainFitter.fit(sample, method, what);
    }

    /** Fits stains on every tissue pixel of an 8-bit RGB image. */
    public static StainEstimate fit(Raster image, String name, StainMethod method, StainParameters p) {
        return StainFitter.fit(StainSample.of(image, p), method, name);
    }

    /** A patch transform that normalizes each 8-bit RGB patch in place with an RGB normalizer. */
    public static PatchTransform patchTransform(StainNormalizer normalizer) {
        if (normalizer.output() != StainOutput.RGB) throw new IllegalArgumentException("patches are normalized to RGB");
        return (patch, at) -> {
            normalizer.apply(patch, patch, patch.width(), patch.height());
            return patch;
        };
    }
}
