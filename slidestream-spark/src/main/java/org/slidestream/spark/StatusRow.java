package org.slidestream.spark;

import java.io.Serializable;
import org.slidestream.pipeline.SlideState;
import org.slidestream.pipeline.SlideStatus;

/** A {@link SlideStatus} as an executor sends it back, with where it ran. */
record StatusRow(String slide, String state, String reason, long count, double seconds, long peakMb, String host,
                 int attempt) implements Serializable {

    static StatusRow of(SlideStatus s, String host, int attempt) {
        return new StatusRow(s.slide(), s.state().name(), s.reason(), s.count(), s.seconds(), s.peakMb(), host, attempt);
    }

    SlideStatus status() {
        return new SlideStatus(slide, SlideState.valueOf(state), reason, count, seconds, peakMb);
    }
}
