package org.slidestream.view;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.slide.SlideOptions;
import org.slidestream.stain.StainProfile;
import org.slidestream.view.catalog.Catalog;
import org.slidestream.view.content.ViewContent;
import org.slidestream.view.session.ViewSettings;

/** What the tests serve: the given paths with the viewer's defaults (254 px tiles, overlap 1, JPEG 75) in a 256 MiB budget. */
public final class TestContent {
    private TestContent() {}

    public static ViewContent of(List<Path> paths) throws IOException {
        return of(paths, null, null);
    }

    /**
     * @param stainTarget the stain-normalized layer's target, or null
     * @param annotations an annotation file or folder, or null
     */
    public static ViewContent of(List<Path> paths, StainProfile stainTarget, Path annotations) throws IOException {
        MemoryBudget budget = new MemoryBudget(256L << 20);
        ViewSettings settings = new ViewSettings(SlideOptions.forBudget(budget, 32L << 20), budget, 254, 1, 75, stainTarget, annotations);
        return new ViewContent(Catalog.scan(paths), settings, 16L << 20, 16L << 20, 4);
    }
}
