package org.slidestream.cli;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.TileCache;
import org.slidestream.patch.PatchTransform;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideOptions;
import org.slidestream.stain.SlideStains;
import org.slidestream.stain.StainEstimate;
import org.slidestream.stain.StainMethod;
import org.slidestream.stain.StainNormalizer;
import org.slidestream.stain.StainOutput;
import org.slidestream.stain.StainParameters;
import org.slidestream.stain.StainProfile;
import picocli.CommandLine.Option;

/** {@code patch --normalize}: stain-normalize saved patches to a target, with each slide's stains fitted once. */
public final class PatchStainOptions {
    private static final Logger LOG = LoggerFactory.getLogger(PatchStainOptions.class);

    @Option(names = "--normalize", paramLabel = "TARGET",
            description = "Stain-normalize saved patches to TARGET: a stains JSON from 'normalize --fit', or an image or slide to fit "
                    + "(each slide's own stains are fitted once on its tissue).")
    Path target;

    @Option(names = "--normalize-method", paramLabel = "METHOD",
            description = "With --normalize: macenko, reinhard or vahadane (default: the target profile's method, else macenko).")
    String method;

    private StainProfile profile;

    /** Refuses option combinations that cannot work, before any slide is read. */
    void check(org.slidestream.patch.PatchSave save) {
        if (target != null && save == org.slidestream.patch.PatchSave.NONE) {
            throw new IllegalArgumentException("--normalize changes saved patches: add --save png, jpeg or npy");
        }
        if (method != null) StainMethod.parse(method);
        if (method != null && target == null) throw new IllegalArgumentException("--normalize-method needs --normalize");
    }

    /** The target, read or fitted once for the whole run. */
    private synchronized StainProfile profile(SlideOptions options, MemoryBudget budget) throws Exception {
        if (profile == null) {
            StainMethod m = method == null ? StainMethod.MACENKO : StainMethod.parse(method);
            profile = new StainOptions().target(target, m, options, budget, null);
        }
        return profile;
    }

    /** The slide's transform, or null without --normalize; the target is read with native codecs when {@code natives}. */
    PatchTransform transform(Slide slide, MemoryBudget budget, boolean natives) {
        if (target == null) return null;
        try {
            StainProfile t = profile(new SlideOptions(budget, TileCache.none(), natives), budget);
            StainMethod m = method == null ? t.stainMethod() : StainMethod.parse(method);
            StainParameters p = StainParameters.defaults().withIo(t.io()).withBeta(t.beta());
            StainEstimate source = SlideStains.fit(slide, null, m, p, budget);
            StainNormalizer n;
            try {
                n = StainNormalizer.create(m, source, t, p, StainOutput.RGB, false);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(target + ": " + e.getMessage(), e);
            }
            if (n.warning() != null) LOG.warn("{}: {}", slide.path().getFileName(), n.warning());
            return SlideStains.patchTransform(n);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(org.slidestream.pipeline.Failures.oneLine(e), e);
        }
    }
}
