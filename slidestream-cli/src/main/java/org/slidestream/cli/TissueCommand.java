package org.slidestream.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slidestream.pipeline.CohortSlide;
import org.slidestream.pipeline.SlideContext;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.slide.Slide;
import org.slidestream.tissue.Overlays;
import org.slidestream.tissue.Segmentation;
import org.slidestream.tissue.TissueDetector;
import org.slidestream.tissue.TissueOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "tissue", mixinStandardHelpOptions = true,
        description = {"Detect tissue on a low-resolution level of each slide.",
                "Writes OUT/<slide>/mask.png (tissue 255, at the segmentation level), tissue.geojson (contours with holes, "
                        + "level-0 pixels, QuPath annotations) and thumbnail.png, and OUT/status.csv.",
                "Exit code 0 when every slide succeeded or was skipped, 1 when any failed, 2 for bad usage."})
public final class TissueCommand implements Callable<Integer>, SlideCommand {
    @Mixin CohortOptions cohort;
    @Mixin TissueOptions tissue;
    @Mixin RunOptions run;
    @Spec CommandSpec spec;

    @Override public int order() { return 50; }

    @Override
    public Integer call() throws Exception {
        Summary summary = new Summary();
        try {
            tissue.params();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        String[] args = Cohorts.ownArgs(spec.commandLine());
        Task task = new Task(this, args);
        run.limitTileCache(task.tileCacheBytes());
        int code = Cohorts.run(spec.commandLine(), cohort, run, task, "contours");
        summary.print(spec.commandLine().getErr(), run.budget());
        return code;
    }

    /** One slide's tissue outputs. */
    static final class Task implements SlideTask {
        private final TissueCommand parsed;
        private final String[] args;

        Task(TissueCommand parsed, String[] args) {
            this.parsed = parsed;
            this.args = args;
        }

        @Override public String name() { return "tissue"; }

        @Override public long tileCacheBytes() { return TissueDetector.TILE_CACHE_BYTES; }

        @Override public String countColumn() { return "contours"; }

        @Override public Done completed(CohortSlide s, Path dir) {
            return TissueOutputs.complete(dir) ? new Done(-1) : null;
        }

        @Override public long process(CohortSlide s, Path dir, SlideContext ctx) throws Exception {
            TissueCommand c = Cohorts.forSlide(TissueCommand::new, parsed, args, s);
            java.nio.file.Files.deleteIfExists(dir.resolve(TissueOutputs.THUMBNAIL)); // the completion mark goes first
            try (Slide slide = Slide.open(s.path(), ctx.slideOptions())) {
                Segmentation seg = TissueDetector.segment(slide, c.tissue.segLevel, c.tissue.segMpp, c.tissue.params(), ctx.budget());
                TissueOutputs.writeMaskAndContours(seg, dir);
                TissueOutputs.writeImage(Overlays.tissue(seg), dir.resolve(TissueOutputs.THUMBNAIL));
                return seg.mask().regions().size();
            }
        }
    }
}
