package org.slidestream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.slidestream.format.ImageFiles;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.stain.SlideStains;
import org.slidestream.stain.StainEstimate;
import org.slidestream.stain.StainMethod;
import org.slidestream.stain.StainParameters;
import org.slidestream.stain.StainProfile;
import picocli.CommandLine.Option;

/** Parameters of stain fitting shared by {@code normalize} and {@code patch --normalize}. */
public final class StainOptions {
    @Option(names = "--io", paramLabel = "I", defaultValue = "255",
            description = "Background intensity of the optical density OD = -ln(max(I,1)/Io) (default ${DEFAULT-VALUE}: white is OD 0; "
                    + "torchstain uses 240). A target profile's own value wins.")
    float io = 255; // also the value when made outside picocli (patch --normalize IMAGE)

    @Option(names = "--beta", paramLabel = "OD", defaultValue = "0.15",
            description = "OD threshold of tissue pixels (default ${DEFAULT-VALUE}). A target profile's own value wins.")
    float beta = 0.15f;

    @Option(names = "--alpha", paramLabel = "P", defaultValue = "1",
            description = "Macenko: angular percentile of the extreme stain vectors (default ${DEFAULT-VALUE}, i.e. 1 and 99).")
    float alpha = 1;

    @Option(names = "--drop-residual",
            description = "Recompose from the two stains only, as published (default: keep the OD the stains do not explain, "
                    + "so that a slide normalized to its own stains is unchanged).")
    boolean dropResidual;

    StainParameters parameters() {
        try {
            return StainParameters.defaults().withIo(io).withBeta(beta).withAlpha(alpha).withKeepResidual(!dropResidual);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Parameters with a target's OD convention. */
    StainParameters parameters(StainProfile target) {
        return parameters().withIo(target.io()).withBeta(target.beta());
    }

    /**
     * The target profile: a JSON file written by {@code normalize --fit}, or fitted now on an image
     * (PNG/JPEG) or a slide's tissue.
     */
    StainProfile target(Path target, StainMethod method, SlideOptions options, MemoryBudget budget, PrintWriter err) throws IOException {
        String name = target.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".json")) return StainProfile.read(target);
        StainEstimate e = fit(target, null, method, options, budget);
        return e.require(target.toString());
    }

    /** Fits stains on an image file, or on a slide (a level-0 region of it, or its tissue sample). */
    StainEstimate fit(Path input, org.slidestream.image.Region region, StainMethod method, SlideOptions options, MemoryBudget budget)
            throws IOException {
        StainParameters p = parameters();
        if (SlideStains.isImageFile(input)) {
            Raster img = ImageFiles.read(input, options.allowNatives());
            if (region != null) img = img.crop(region.intersect(new org.slidestream.image.Region(0, 0, img.width(), img.height())));
            if (img.bands() != 3 || img.type() != org.slidestream.image.PixelType.UINT8) {
                throw new IllegalArgumentException(input + ": stain fitting needs an 8-bit RGB image, not " + img.bands()
                        + " band(s) of " + img.type().omeName());
            }
            return SlideStains.fit(img, input.getFileName().toString(), method, p);
        }
        try (Slide slide = Slide.open(input, options)) {
            return SlideStains.fit(slide, region, method, p, budget);
        }
    }
}
