package org.slidestream.pipeline;

/**
 * One row of {@code status.csv}.
 *
 * @param slide   the slide's id
 * @param state   success, skipped or failed
 * @param reason  one line saying why it failed or was skipped (empty on success)
 * @param count   what the step produced (patches, features, ...), or -1 when unknown
 * @param seconds wall time spent on the slide
 * @param peakMb  peak resident memory of the process (MiB) when the slide ended
 */
public record SlideStatus(String slide, SlideState state, String reason, long count, double seconds, long peakMb) {
    public SlideStatus {
        reason = reason == null ? "" : reason.replace('\n', ' ').replace('\r', ' ');
    }
}
