package org.slidestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slidestream.format.FormatException;
import org.slidestream.format.h5.H5Exception;

class FormatFailuresTest {
    @Test
    void formatErrorsReadAsTheirOwnMessage() {
        FormatException f = new FormatException(Path.of("a.geojson"), 3, 7, "unsupported geometry type 'Curve'", null);
        assertThat(Failures.oneLine(new UncheckedIOException(f))).isEqualTo("a.geojson:3:7: unsupported geometry type 'Curve'");
        assertThat(Failures.oneLine(new H5Exception("coords.h5: cannot create dataset 'coords' (name already exists)")))
                .isEqualTo("coords.h5: cannot create dataset 'coords' (name already exists)");
    }
}
