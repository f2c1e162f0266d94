package org.slidestream.cli;

import java.util.List;
import org.slidestream.format.ImageFiles;
import org.slidestream.format.png.PngFilter;
import org.slidestream.format.png.PngOptions;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.patch.PatchColumns;
import org.slidestream.patch.PatchExporter;
import org.slidestream.patch.PatchResolution;
import org.slidestream.patch.PatchRule;
import org.slidestream.patch.PatchSave;
import org.slidestream.patch.PatchSpec;
import org.slidestream.patch.PatchTransform;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.slide.Slide;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Every option of {@code patch} (besides the cohort's), in one class: the grid, the resolution, what
 * is saved, tissue detection, and the hooks later steps plug into ({@link #transform} for stain
 * normalization, {@link #columns} for annotation fractions): add an option here and return it there.
 */
public class PatchOptions {
    @Mixin
    public TissueOptions tissue = new TissueOptions();

    @Mixin
    public PatchStainOptions stains = new PatchStainOptions();

    @Option(names = "--size", paramLabel = "PX", defaultValue = "256", description = "Patch side in pixels at the chosen resolution (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--stride", paramLabel = "PX", description = "Step between patches at the chosen resolution (default: --size, no overlap).")
    Integer stride;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "-1", description = "Read patches at this pyramid level.")
    int level;

    @Option(names = "--downsample", paramLabel = "D", defaultValue = "0", description = "Read patches at this downsample of level 0 (resampled from the best level).")
    double downsample;

    @Option(names = "--mpp", paramLabel = "UM", defaultValue = "0", description = "Read patches at this many micrometres per pixel.")
    double mpp;

    @Option(names = "--magnification", paramLabel = "X", defaultValue = "0", description = "Read patches at this objective power (20 for 20x).")
    double magnification;

    @Option(names = "--min-tissue", paramLabel = "F", defaultValue = "0.5",
            description = "Keep a patch when at least this fraction of it is tissue (0-1; default: ${DEFAULT-VALUE}).")
    double minTissue;

    @Option(names = "--rule", paramLabel = "RULE", defaultValue = "tissue",
            description = "Which patches to keep: tissue (fraction >= --min-tissue), or CLAM's contour rules four_pt, four_pt_hard, center.")
    String rule;

    @Option(names = "--save", paramLabel = "WHAT", defaultValue = "none",
            description = "Save pixels too: png or jpeg (one file per patch in patches/), npy (one patches.npy), none (default).")
    String save;

    @Option(names = "--jpeg-quality", paramLabel = "Q", defaultValue = "75", description = "JPEG quality 1-100 (default: ${DEFAULT-VALUE}, as Pillow).")
    int jpegQuality;

    @Option(names = "--png-level", paramLabel = "L", defaultValue = "6", description = "PNG compression level 0-9 (default: ${DEFAULT-VALUE}, as Pillow).")
    int pngLevel;

    public PatchSpec spec() {
        PatchResolution res = new PatchResolution(level, downsample, mpp, magnification);
        return new PatchSpec(size, stride == null ? size : stride, res, minTissue, PatchRule.parse(rule));
    }

    public PatchSave saveMode() {
        return PatchSave.parse(save);
    }

    public PatchExporter.Options exportOptions(Slide slide, CohortSlide s, boolean natives, MemoryBudget budget) {
        ImageFiles.Options img = new ImageFiles.Options(new PngOptions(pngLevel, PngFilter.ADAPTIVE), jpegQuality,
                ImageFiles.Options.DEFAULT.jpegChroma(), natives);
        return new PatchExporter.Options(saveMode(), img, transform(slide, s, budget), columns(slide, s));
    }

    /** The per-patch pixel transform for a slide (stain normalization plugs in here), or null for none. */
    public PatchTransform transform(Slide slide, CohortSlide s, MemoryBudget budget) {
        return stains.transform(slide, budget);
    }

    /** Extra per-patch values for a slide (annotation class fractions plug in here). */
    public List<PatchColumns> columns(Slide slide, CohortSlide s) {
        return List.of();
    }
}
