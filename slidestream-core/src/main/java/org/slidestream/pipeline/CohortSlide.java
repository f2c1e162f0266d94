package org.slidestream.pipeline;

import java.nio.file.Path;
import java.util.Map;

/**
 * One slide of a cohort.
 *
 * @param id      the slide's name in outputs ({@code OUT/<id>/}, status.csv): its file name without
 *                the extension, unless a manifest gives an {@code id}
 * @param path    the slide file
 * @param options per-slide option overrides from a manifest (column name -> value, non-empty only),
 *                spelled as the command-line options without dashes ({@code mpp}, {@code min-tissue})
 */
public record CohortSlide(String id, Path path, Map<String, String> options) {
    public CohortSlide {
        options = Map.copyOf(options);
    }

    public static CohortSlide of(Path path) {
        return new CohortSlide(CohortInputs.slideId(path), path, Map.of());
    }
}
