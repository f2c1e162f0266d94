package org.slidestream.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * A slide as it travels to an executor.
 *
 * @param id       its output folder's name
 * @param location a local path (which every executor must see) or a URI ({@code hdfs://}, {@code s3a://})
 * @param options  per-slide options from a manifest
 */
record SparkSlide(String id, String location, Map<String, String> options) implements Serializable {
    SparkSlide {
        options = Map.copyOf(options);
    }
}
