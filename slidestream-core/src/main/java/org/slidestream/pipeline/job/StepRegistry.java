package org.slidestream.pipeline.job;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The steps on the class path, by name ({@link StepFactory} services). */
public final class StepRegistry {
    private final Map<String, StepFactory> steps;

    private StepRegistry(Map<String, StepFactory> steps) {
        this.steps = Collections.unmodifiableMap(steps);
    }

    /** Every {@link StepFactory} service of the class loader that loaded this class. */
    public static StepRegistry load() {
        return load(StepRegistry.class.getClassLoader());
    }

    public static StepRegistry load(ClassLoader loader) {
        Map<String, StepFactory> m = new TreeMap<>();
        for (StepFactory f : ServiceLoader.load(StepFactory.class, loader)) {
            StepFactory other = m.putIfAbsent(f.name(), f);
            if (other != null && other.getClass() != f.getClass()) {
                throw new IllegalStateException("two steps are named '" + f.name() + "': "
                        + other.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return new StepRegistry(m);
    }

    /** These steps only (tests, embedding). */
    public static StepRegistry of(StepFactory... factories) {
        Map<String, StepFactory> m = new TreeMap<>();
        for (StepFactory f : factories) {
            if (m.putIfAbsent(f.name(), f) != null) throw new IllegalArgumentException("two steps are named '" + f.name() + "'");
        }
        return new StepRegistry(m);
    }

    /** The factory of a step, or null. */
    public StepFactory find(String name) {
        return steps.get(name);
    }

    /** Step names in alphabetical order. */
    public java.util.Set<String> names() {
        return steps.keySet();
    }
}
