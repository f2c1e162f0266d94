package org.slidestream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slidestream.format.h5.H5File;
import org.slidestream.io.AtomicOutput;
import org.slidestream.patch.PatchCoord;
import org.slidestream.patch.PatchExporter;
import org.slidestream.patch.PatchGrid;
import org.slidestream.patch.PatchResolution;
import org.slidestream.patch.PatchSpec;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.Slide;
import org.slidestream.tissue.Segmentation;
import org.slidestream.tissue.TissueDetector;
import org.slidestream.tissue.TissueOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "patch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Detect tissue and cut each slide into patches (coordinates, and optionally images or a numpy stack).",
                "Writes OUT/<slide>/coords.h5 (CLAM/TRIDENT layout), patches.csv (x, y, tissue_fraction), thumbnail.png, "
                        + "mask.png, tissue.geojson, and with --save patches/<x>_<y>.png|jpg or patches.npy; OUT/status.csv.",
                "Complete slides are skipped on a re-run (--overwrite redoes them); outputs are written atomically.",
                "Exit code 0 when every slide succeeded or was skipped, 1 when any failed, 2 for bad usage."})
public final class PatchCommand implements Callable<Integer>, SlideCommand {
    @Mixin CohortOptions cohort;
    @Mixin PatchOptions patch;
    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override public int order() { return 60; }

    @Override
    public Integer call() throws Exception {
        Summary summary = new Summary();
        try { // bad options are usage errors before any slide is touched
            patch.spec();
            patch.saveMode();
            patch.tissue.params();
            patch.stains.check(patch.saveMode());
            patch.checkAnnotationOptions();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String[] args = Cohorts.ownArgs(spec.commandLine());
        Task task = new Task(this, args);
        run.limitTileCache(task.tileCacheBytes());
        int code = Cohorts.run(spec.commandLine(), cohort, run, task, "patches");
        summary.print(spec.commandLine().getErr(), run.budget());
        return code;
    }

    /** One slide's patches. */
    static final class Task implements SlideTask {
        private final PatchCommand parsed;
        private final String[] args;

        Task(PatchCommand parsed, String[] args) {
            this.parsed = parsed;
            this.args = args;
        }

        @Override public String name() { return "patch"; }

        /** Patches are read block by block: few tiles are reused. */
        @Override public long tileCacheBytes() { return PatchExporter.TILE_CACHE_BYTES; }

        @Override public String countColumn() { return "patches"; }

        @Override public Done completed(CohortSlide s, Path dir) {
            Path coords = dir.resolve(PatchExporter.COORDS);
            if (!Files.isRegularFile(coords)) return null;
            try (H5File f = H5File.open(coords)) {
                return new Done(f.dataset("coords").rows());
            } catch (Exception e) {
                return null; // unreadable: redo it
            }
        }

        @Override public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            PatchCommand c = Cohorts.forSlide(PatchCommand::new, parsed, args, s);
            PatchOptions o = c.patch;
            PatchSpec spec = o.spec();
            // coords.h5 marks a complete slide: remove it before anything else is rewritten
            Files.deleteIfExists(dir.resolve(PatchExporter.COORDS));
            AtomicOutput.deleteRecursively(dir.resolve(PatchExporter.IMAGES));
            Files.deleteIfExists(dir.resolve(PatchExporter.NPY));
            try (Slide slide = Slide.open(s.path(), ctx.slideOptions())) {
                PatchResolution.Resolved res = spec.resolution().resolve(slide);
                List<PatchCoord> coords = plan(slide, o, spec, res, dir, ctx);
                ctx.work(0, coords.size());
                PatchExporter.Context pc = new PatchExporter.Context(ctx.budget(), ctx.tilePool(), ctx.tileThreads(), ctx::work);
                return PatchExporter.export(slide, s.id(), spec, res, coords, dir,
                        o.exportOptions(slide, s, ctx.slideOptions().allowNatives(), ctx.budget()), pc);
            }
        }

        /**
         * Tissue detection, its outputs and the patch plan. The segmentation (its preview and mask
         * grow with the slide's area) is garbage once this returns, so it is not held while the
         * patches are exported.
         */
        private static List<PatchCoord> plan(Slide slide, PatchOptions o, PatchSpec spec, PatchResolution.Resolved res, Path dir,
                                             SlideContext ctx) throws IOException {
            Segmentation seg = TissueDetector.segment(slide, o.tissue.segLevel, o.tissue.segMpp, o.tissue.params(), ctx.budget());
            TissueOutputs.writeMaskAndContours(seg, dir);
            List<PatchCoord> coords = PatchGrid.plan(seg.mask(), slide.level(0).width(), slide.level(0).height(), spec, res.downsample());
            PatchExporter.writeThumbnail(seg, coords, spec.size() * res.downsample(), dir.resolve(TissueOutputs.THUMBNAIL));
            return coords;
        }
    }
}
