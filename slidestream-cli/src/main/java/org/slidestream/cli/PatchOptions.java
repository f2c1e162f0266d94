package org.slidestream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.annotation.AnnotationFormat;
import org.slidestream.annotation.AnnotationSet;
import org.slidestream.annotation.Annotations;
import org.slidestream.annotation.LabelMap;
import org.slidestream.annotation.LabelMask;
import org.slidestream.patch.AnnotationColumns;
import org.slidestream.slide.LevelInfo;
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
    private static final Logger LOG = LoggerFactory.getLogger(PatchOptions.class);

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

    public PatchExporter.Options exportOptions(Slide slide, CohortSlide s, boolean natives, MemoryBudget budget) throws IOException {
        ImageFiles.Options img = new ImageFiles.Options(new PngOptions(pngLevel, PngFilter.ADAPTIVE), jpegQuality,
                ImageFiles.Options.DEFAULT.jpegChroma(), natives);
        return new PatchExporter.Options(saveMode(), img, transform(slide, s, budget, natives), columns(slide, s));
    }

    /** The per-patch pixel transform for a slide (stain normalization plugs in here), or null for none. */
    public PatchTransform transform(Slide slide, CohortSlide s, MemoryBudget budget, boolean natives) {
        return stains.transform(slide, budget, natives);
    }

    @Option(names = "--annotations", paramLabel = "FILE|DIR",
            description = "Annotations of the slide (ASAP or Aperio XML, GeoJSON): adds each class's fraction of every patch "
                    + "(columns frac_<class>, dataset labels in coords.h5) and the majority label (majority; 0 background). "
                    + "A folder: the file named after each slide (<name>.geojson, .json, .xml, .asap.xml or .aperio.xml); "
                    + "with --labels a slide without one gets fractions 0. In a manifest: an 'annotations' column.")
    Path annotations;

    @Option(names = "--labels", paramLabel = "CLASS=V,...",
            description = "With --annotations: the classes and their label values (default: in order of first appearance).")
    String labels;

    @Option(names = "--priority", paramLabel = "CLASS,...", description = "With --annotations: which class wins overlaps, first wins (default: the larger value).")
    String priority;

    @Option(names = "--hole-groups", paramLabel = "GROUP,...", defaultValue = "Exclusion,_2", split = ",",
            description = "With --annotations: ASAP groups that are holes (default: ${DEFAULT-VALUE}).")
    List<String> holeGroups;

    /** Bad --labels or --priority are usage errors before any slide is read (IllegalArgumentException). */
    public void checkAnnotationOptions() {
        if (labels != null) LabelMap.parse(labels, priority, List.of());
    }

    /** Extra per-patch values for a slide: class fractions and the majority label from --annotations. */
    public List<PatchColumns> columns(Slide slide, CohortSlide s) throws IOException {
        if (annotations == null) return List.of();
        LevelInfo l0 = slide.level(0);
        Path file = annotationFile(slide.path());
        AnnotationSet set = file == null ? new AnnotationSet(annotations, AnnotationFormat.GEOJSON, List.of(), null, List.of())
                : Annotations.read(file, Set.copyOf(holeGroups)).clip(l0.width(), l0.height());
        for (String w : set.warnings()) LOG.warn(w);
        LabelMap map = LabelMap.parse(labels, priority, set.areaClasses());
        PatchResolution.Resolved res = spec().resolution().resolve(slide);
        int lw = res.level() >= 0 ? slide.level(res.level()).width() : 0, lh = res.level() >= 0 ? slide.level(res.level()).height() : 0;
        LabelMask mask = new LabelMask(set, map, AnnotationColumns.resolution(l0.width(), l0.height(), lw, lh, res), 512);
        AnnotationColumns c = new AnnotationColumns(mask, spec().size(), res.downsample());
        return List.of(c.fractions(), c.majority());
    }

    /** The annotation file of a slide: --annotations itself, or in a folder the file named after the slide (null: none, with --labels). */
    Path annotationFile(Path slide) throws IOException {
        if (!Files.isDirectory(annotations)) return annotations;
        String name = slide.getFileName().toString();
        String stem = name.replaceFirst("(?i)(\\.ome)?\\.[a-z0-9]+$", "");
        for (String ext : List.of(".geojson", ".json", ".xml", ".asap.xml", ".aperio.xml")) {
            Path p = annotations.resolve(stem + ext);
            if (Files.isRegularFile(p)) return p;
        }
        if (labels == null) {
            throw new NoSuchFileException(annotations.resolve(stem + ".*").toString(), null,
                    "no annotation file for this slide (give --labels to label such slides as background)");
        }
        return null;
    }
}
