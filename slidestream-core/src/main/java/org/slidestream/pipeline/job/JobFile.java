package org.slidestream.pipeline.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slidestream.pipeline.SlideTask;
import org.slidestream.pipeline.job.YamlTree.Node;

/**
 * Reads and validates a job file. Every problem is reported with the file, line and column of the
 * entry it concerns, before any slide is read:
 *
 * <pre>{@code
 * inputs: [slides/, more.csv]      # slide files, folders, manifests (.csv/.xlsx); or one of them
 * output: out/                     # one folder per slide, status.csv
 * overwrite: false                 # redo slides whose outputs are complete
 * engine: {workers: 2, threads: 4, max-memory: 4g, natives: true}
 * spark: {master: "local[2]", conf: {spark.executor.memory: 8g}}
 * steps:                           # run per slide, in this order
 *   - tissue: {level: 2}
 *   - patch: {size: 256, mpp: 0.5}
 *   - describe                     # a step without options
 * }</pre>
 * Relative paths are resolved against the job file's folder; URIs ({@code hdfs://}, {@code s3a://})
 * are kept for the Spark engine.
 */
public final class JobFile {
    private static final Set<String> TOP = Set.of("inputs", "output", "steps", "engine", "overwrite", "spark");
    private static final List<StepOption> ENGINE = List.of(
            StepOption.integer("workers", "slides processed at the same time"),
            StepOption.integer("threads", "threads for work within slides"),
            StepOption.size("max-memory", "memory budget for pixel data"),
            StepOption.bool("natives", "use native codecs where installed"));
    private static final Set<String> SPARK = Set.of("master", "conf");

    private JobFile() {}

    /** Reads a job file with the steps on the class path. */
    public static Job read(Path file) throws IOException {
        return read(file, StepRegistry.load());
    }

    public static Job read(Path file, StepRegistry registry) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new JobFileException(file.toString(), 0, 0, "no such file");
        }
        Path base = file.toAbsolutePath().normalize().getParent();
        return parse(text, file.toString(), base, registry);
    }

    /**
     * Parses a job's text.
     *
     * @param file    its name in messages
     * @param baseDir where relative paths point from
     * @throws JobFileException naming the file, line and column of the first problem
     */
    public static Job parse(String text, String file, Path baseDir, StepRegistry registry) {
        return new Parser(file, baseDir, registry).job(YamlTree.parse(text, file), text);
    }

    private record Parser(String file, Path baseDir, StepRegistry registry) {

        Job job(Node root, String text) {
            if (!root.isMap()) throw error(root, "a job file is a mapping with inputs, output and steps; found " + root.kind());
            Map<String, Node> m = root.map();
            for (Map.Entry<String, Node> e : m.entrySet()) {
                if (!TOP.contains(e.getKey())) {
                    throw error(root.key(e.getKey()), "unknown entry '" + e.getKey() + "'" + suggest(e.getKey(), TOP)
                            + " (a job has: " + String.join(", ", sorted(TOP)) + ")");
                }
            }
            List<String> inputs = inputs(require(root, "inputs"));
            String output = location(require(root, "output"), "output");
            List<Job.JobStep> steps = steps(require(root, "steps"));
            Job.Engine engine = m.containsKey("engine") ? engine(m.get("engine")) : Job.Engine.DEFAULTS;
            boolean overwrite = m.containsKey("overwrite") && bool(m.get("overwrite"), "overwrite");
            Job.Spark spark = m.containsKey("spark") ? spark(m.get("spark")) : Job.Spark.DEFAULTS;
            return new Job(file, text, baseDir, inputs, output, steps, engine, overwrite, spark);
        }

        private Node require(Node root, String key) {
            Node n = root.map().get(key);
            if (n == null || n.value() == null) throw error(n == null ? root : n, "'" + key + "' is missing");
            return n;
        }

        private List<String> inputs(Node n) {
            List<Node> items = n.isList() ? n.list() : List.of(n);
            if (items.isEmpty()) throw error(n, "'inputs' is empty: give slide files, folders or manifests");
            List<String> out = new ArrayList<>();
            for (Node i : items) out.add(location(i, "an input"));
            return out;
        }

        private String location(Node n, String what) {
            if (!(n.value() instanceof String s) || s.isBlank()) {
                throw error(n, what + " must be a path or URI, not " + n.kind());
            }
            s = s.strip();
            if (Job.isUri(s)) return s;
            return resolve(s);
        }

        /** A path of the job file: relative ones point from its folder; URIs stay as they are. */
        private String resolve(String s) {
            if (Job.isUri(s)) return s;
            Path p = Path.of(s);
            return (p.isAbsolute() ? p : baseDir.resolve(p)).normalize().toString();
        }

        private List<Job.JobStep> steps(Node n) {
            if (!n.isList() || n.list().isEmpty()) {
                throw error(n, "'steps' must be a list of steps (known: " + String.join(", ", registry.names()) + ")");
            }
            List<Job.JobStep> steps = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (Node s : n.list()) {
                Node name;
                Node opts;
                if (s.value() instanceof String) {
                    name = s;
                    opts = null;
                } else if (s.isMap() && s.map().size() == 1) {
                    Map.Entry<String, Node> e = s.map().entrySet().iterator().next();
                    name = s.key(e.getKey());
                    opts = e.getValue();
                } else {
                    throw error(s, "a step is a name, or a name with its options ('- patch: {size: 256}'); found " + s.kind());
                }
                String stepName = (String) name.value();
                StepFactory f = registry.find(stepName);
                if (f == null) {
                    throw error(name, "unknown step '" + stepName + "'" + suggest(stepName, registry.names())
                            + " (known: " + String.join(", ", registry.names()) + ")");
                }
                if (!seen.add(stepName)) throw error(name, "step '" + stepName + "' is given twice");
                Map<String, Object> options = options(opts, f.options(), "step '" + stepName + "'");
                SlideTask task;
                try {
                    task = f.create(options);
                } catch (IllegalArgumentException e) {
                    throw error(name, "step '" + stepName + "': " + e.getMessage());
                }
                steps.add(new Job.JobStep(stepName, options, task, name.line()));
            }
            return steps;
        }

        private Map<String, Object> options(Node opts, List<StepOption> known, String owner) {
            Map<String, Object> out = new LinkedHashMap<>();
            if (opts == null || opts.value() == null) return out;
            if (!opts.isMap()) throw error(opts, owner + ": options must be a mapping (name: value), not " + opts.kind());
            Map<String, StepOption> byName = new LinkedHashMap<>();
            for (StepOption o : known) byName.put(o.name(), o);
            for (Map.Entry<String, Node> e : opts.map().entrySet()) {
                String key = e.getKey().startsWith("--") ? e.getKey().substring(2) : e.getKey();
                StepOption o = byName.get(key);
                if (o == null) o = byName.get(key.replace('_', '-'));
                if (o == null) {
                    throw error(opts.key(e.getKey()), owner + " has no option '" + e.getKey() + "'" + suggest(key, byName.keySet())
                            + (byName.isEmpty() ? " (it takes none)" : " (options: " + String.join(", ", byName.keySet()) + ")"));
                }
                Node v = e.getValue();
                if (!v.isScalar()) throw error(v, owner + ": option '" + o.name() + "' expects one value, not " + v.kind());
                try {
                    Object value = o.convert(v.value());
                    out.put(o.name(), o.type() == StepOption.Type.PATH ? resolve((String) value) : value);
                } catch (IllegalArgumentException ex) {
                    throw error(v, owner + ": " + ex.getMessage());
                }
            }
            return out;
        }

        private Job.Engine engine(Node n) {
            Map<String, Object> o = options(n, ENGINE, "engine");
            Integer workers = positive(n, o, "workers");
            Integer threads = positive(n, o, "threads");
            return new Job.Engine(workers, threads, (Long) o.get("max-memory"), (Boolean) o.get("natives"));
        }

        private Integer positive(Node n, Map<String, Object> o, String key) {
            Long v = (Long) o.get(key);
            if (v == null) return null;
            if (v < 1 || v > 4096) throw error(n.map().get(key), "engine: '" + key + "' must be between 1 and 4096, not " + v);
            return v.intValue();
        }

        private boolean bool(Node n, String key) {
            if (!(n.value() instanceof Boolean b)) throw error(n, "'" + key + "' expects true or false, not " + n.kind());
            return b;
        }

        private Job.Spark spark(Node n) {
            if (!n.isMap()) throw error(n, "'spark' must be a mapping (master, conf), not " + n.kind());
            String master = null;
            Map<String, String> conf = new LinkedHashMap<>();
            for (Map.Entry<String, Node> e : n.map().entrySet()) {
                Node v = e.getValue();
                switch (e.getKey()) {
                    case "master" -> {
                        if (!(v.value() instanceof String s)) throw error(v, "spark: 'master' must be a master URL, not " + v.kind());
                        master = s;
                    }
                    case "conf" -> {
                        if (!v.isMap()) throw error(v, "spark: 'conf' must be a mapping of Spark settings, not " + v.kind());
                        for (Map.Entry<String, Node> c : v.map().entrySet()) {
                            Node cv = c.getValue();
                            if (!cv.isScalar() || cv.value() == null) {
                                throw error(cv, "spark: setting '" + c.getKey() + "' needs one value, not " + cv.kind());
                            }
                            conf.put(c.getKey(), cv.value().toString());
                        }
                    }
                    default -> throw error(n.key(e.getKey()), "spark: unknown entry '" + e.getKey() + "'" + suggest(e.getKey(), SPARK)
                            + " (it has: conf, master)");
                }
            }
            return new Job.Spark(master, conf);
        }

        private JobFileException error(Node at, String what) {
            return new JobFileException(file, at.line(), at.column(), what);
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    /** ", did you mean 'x'?" for the closest known name within two edits, else "". */
    static String suggest(String given, Set<String> known) {
        return known.stream()
                .map(k -> Map.entry(k, distance(given, k)))
                .filter(e -> e.getValue() <= Math.max(1, Math.min(2, given.length() / 3)))
                .min(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getValue()).thenComparing(Map.Entry::getKey))
                .map(e -> " (did you mean '" + e.getKey() + "'?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
