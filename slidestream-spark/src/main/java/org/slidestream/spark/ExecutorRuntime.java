package org.slidestream.spark;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.MemorySize;
import org.slidestream.pipeline.CohortRunner;
import org.slidestream.slide.SlideOptions;

/**
 * What the slides running in one executor JVM share, as the slides of a local run do: one memory
 * budget, one tile cache, one pool of tile threads (one per executor core). Made on the first task
 * and kept for the JVM's life.
 */
final class ExecutorRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorRuntime.class);
    private static final Map<String, ExecutorRuntime> RUNTIMES = new ConcurrentHashMap<>();
    private static final Pattern LOCAL = Pattern.compile("local(?:-cluster)?\\[(\\*|\\d+)(?:\\s*,\\s*(\\d+))?]");
    /** Spark's reserved system memory, which its own memory manager does not hand out either. */
    static final long RESERVED = 300L << 20;
    static final String FRACTION = "spark.slidestream.memoryFraction";
    static final double DEFAULT_FRACTION = 0.6;

    final MemoryBudget budget;
    final int cores;
    final CohortRunner runner;

    private ExecutorRuntime(MemoryBudget budget, int cores, boolean natives, long maxTileCache) {
        this.budget = budget;
        this.cores = cores;
        SlideOptions options = SlideOptions.forBudget(budget, maxTileCache).withNatives(natives);
        this.runner = new CohortRunner(1, cores, budget, options);
    }

    /** The runtime of this JVM for a job's settings (the same job always gets the same one). */
    static ExecutorRuntime get(Long maxMemory, Boolean natives, long maxTileCache) {
        SparkConf conf = SparkEnv.get().conf();
        boolean nat = natives == null ? SlideOptions.nativesAllowedByDefault() : natives;
        String key = maxMemory + "/" + nat + "/" + maxTileCache;
        return RUNTIMES.computeIfAbsent(key, k -> {
            long memory = executorMemory(conf, Runtime.getRuntime().maxMemory());
            int cores = executorCores(conf, Runtime.getRuntime().availableProcessors());
            long bytes = budgetBytes(maxMemory, memory, conf.getDouble(FRACTION, DEFAULT_FRACTION));
            LOG.info("slidestream executor: memory budget {} for {} concurrent slides ({} of executor memory {}), {} tile threads",
                    MemorySize.format(bytes), cores, maxMemory != null ? "max-memory" : "a fraction", MemorySize.format(memory), cores);
            return new ExecutorRuntime(new MemoryBudget(bytes), cores, nat, maxTileCache);
        });
    }

    /** The executor's configured memory: spark.executor.memory, or the driver's in local mode; at most the heap. */
    static long executorMemory(SparkConf conf, long heap) {
        boolean local = isLocal(conf);
        String key = local ? "spark.driver.memory" : "spark.executor.memory";
        long configured = conf.contains(key) ? conf.getSizeAsBytes(key) : local ? heap : 1L << 30;
        return Math.min(configured, heap);
    }

    /** Slides this executor runs at once: spark.executor.cores, N of local[N], else the machine's cores. */
    static int executorCores(SparkConf conf, int machine) {
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        int cores;
        Matcher m = LOCAL.matcher(conf.get("spark.master", "").toLowerCase(Locale.ROOT));
        if (conf.contains("spark.executor.cores") && !isLocal(conf)) {
            cores = conf.getInt("spark.executor.cores", machine);
        } else if (m.matches()) {
            cores = m.group(1).equals("*") ? machine : Integer.parseInt(m.group(1));
        } else if (conf.get("spark.master", "").equals("local")) {
            cores = 1;
        } else {
            cores = machine;
        }
        return Math.max(1, cores / taskCpus);
    }

    /**
     * The budget: the job's max-memory when it gives one (per executor), else
     * {@code fraction x (memory - 300 MiB)}, the share Spark's own memory manager would use;
     * never more than 80 % of the heap.
     */
    static long budgetBytes(Long maxMemory, long memory, double fraction) {
        long cap = (long) (Runtime.getRuntime().maxMemory() * 0.8);
        long want = maxMemory != null ? maxMemory : (long) (Math.max(memory - RESERVED, memory / 4) * fraction);
        return Math.max(16L << 20, Math.min(want, cap));
    }

    static boolean isLocal(SparkConf conf) {
        return conf.get("spark.master", "").startsWith("local");
    }

    /** Attempts Spark makes per task: spark.task.maxFailures, or F of local[N,F] (1 in plain local mode). */
    static int maxAttempts(SparkConf conf) {
        Matcher m = LOCAL.matcher(conf.get("spark.master", "").toLowerCase(Locale.ROOT));
        if (m.matches()) return m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        if (isLocal(conf)) return 1;
        return conf.getInt("spark.task.maxFailures", 4);
    }
}
