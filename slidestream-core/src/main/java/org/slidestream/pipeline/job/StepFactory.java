package org.slidestream.pipeline.job;

import java.util.List;
import java.util.Map;
import org.slidestream.pipeline.SlideTask;

/**
 * A step a job file can name ({@code tissue}, {@code patch}, {@code describe}, ...): makes the
 * {@link SlideTask} that does it from the options the job gives. Registered as a service in
 * {@code META-INF/services/org.slidestream.pipeline.job.StepFactory}, so that any module on the
 * class path (the deep-learning module's {@code features}, for one) adds its steps.
 */
public interface StepFactory {

    /** The step's name in job files. */
    String name();

    /** One line saying what it does. */
    String description();

    /** Every option it accepts; any other name in the job file is an error. */
    List<StepOption> options();

    /**
     * The task for a job.
     *
     * @param options option name -> value converted by {@link StepOption#convert}; options the job
     *                does not give are absent (the step's defaults apply)
     * @throws IllegalArgumentException when a combination of values is invalid (the message names them)
     */
    SlideTask create(Map<String, Object> options);
}
