package org.slidestream.dl.cells;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slidestream.cells.Progress;
import org.slidestream.cells.Workers;
import org.slidestream.dl.ModelException;
import org.slidestream.format.anndata.AnnData;
import org.slidestream.format.anndata.AnnDataWriter;
import org.slidestream.format.anndata.Matrix;
import org.slidestream.format.anndata.MatrixWriter;
import org.slidestream.format.h5.H5Type;
import org.slidestream.memory.Reservation;

/**
 * Embeds every cell of an AnnData file with an ONNX encoder and writes the latent to a new
 * {@code .h5ad} ({@code obs} and {@code var} copied, the latent in {@code obsm[latent_key]}).
 *
 * <p>Memory does not grow with the number of cells: each batch of the expression matrix (and of
 * every covariate) is read and densified on its own, into one of {@code prefetch + 1} direct
 * buffers that ONNX Runtime reads in place; the pool's threads fill the next batches while the
 * model runs; the latent is written batch by batch into a dataset allocated for every cell at the
 * start. The result does not depend on the batch size, the prefetch depth or the thread count.
 */
public final class CellEmbedding {
    private CellEmbedding() {}

    /**
     * @param batch    cells per model run
     * @param prefetch batches read ahead of the model (at least 1)
     */
    public record Options(int batch, int prefetch) {
        public Options {
            if (batch < 1) throw new IllegalArgumentException("batch size must be >= 1: " + batch);
            if (prefetch < 1) throw new IllegalArgumentException("prefetch must be >= 1: " + prefetch);
        }
    }

    /** Cells embedded, the latent width, and which source fed each model input. */
    public record Result(long cells, int dim, Map<String, String> inputs) {}

    private record Input(String name, Feed feed) {}

    private record Pending(long first, int count, Map<String, FloatBuffer> buffers, List<CompletableFuture<Void>> parts) {}

    public static Result embed(Path in, Path out, CellEncoder model, CellModelConfig config, Options options, Workers workers,
                               Progress progress) throws IOException {
        try (AnnData a = AnnData.open(in)) {
            List<Input> inputs = inputs(a, model, config);
            long n = a.nObs();
            int b = (int) Math.max(1, Math.min(options.batch(), n));
            Map<String, Integer> widths = new LinkedHashMap<>();
            long rowFloats = 0;
            for (Input i : inputs) {
                widths.put(i.name(), i.feed().width());
                rowFloats += i.feed().width();
            }
            int slots = options.prefetch() + 1;
            long need = slots * (4L * b * rowFloats) + Math.min(slots, workers.threads()) * (12L * b * rowFloats);
            try (Reservation r = workers.budget().reserve(need, String.format(Locale.ROOT, "%s: %d batches of %d cells x %d values",
                    in.getFileName(), slots, b, rowFloats));
                 AnnDataWriter w = AnnDataWriter.create(out, n, a.nVars())) {
                w.obs().copyFrom(a.obs());
                w.var().copyFrom(a.var());
                Deque<Map<String, FloatBuffer>> free = new ArrayDeque<>();
                for (int s = 0; s < slots; s++) {
                    Map<String, FloatBuffer> m = new LinkedHashMap<>();
                    for (Input i : inputs) {
                        m.put(i.name(), ByteBuffer.allocateDirect(4 * b * i.feed().width()).order(ByteOrder.nativeOrder()).asFloatBuffer());
                    }
                    free.add(m);
                }
                MatrixWriter.Dense latent = null;
                int dim = model.dim();
                Deque<Pending> inflight = new ArrayDeque<>();
                AtomicBoolean stop = new AtomicBoolean();
                long next = 0, done = 0;
                try {
                    while (done < n) {
                        while (next < n && !free.isEmpty()) {
                            int k = (int) Math.min(b, n - next);
                            Map<String, FloatBuffer> bufs = free.poll();
                            inflight.add(new Pending(next, k, bufs, fill(inputs, next, k, bufs, workers, stop)));
                            next += k;
                        }
                        Pending p = inflight.poll();
                        await(p.parts());
                        float[] z = model.run(p.buffers(), widths, p.count());
                        if (latent == null) {
                            dim = z.length / p.count();
                            latent = w.dense("obsm/" + config.latentKey(), H5Type.FLOAT32, dim);
                        }
                        latent.write(p.first(), z);
                        free.add(p.buffers());
                        done += p.count();
                        progress.work(done, n);
                    }
                } finally {
                    stop.set(true);
                    for (Pending p : inflight) p.parts().forEach(f -> f.handle((v, e) -> null).join());
                }
                if (latent == null) latent = w.dense("obsm/" + config.latentKey(), H5Type.FLOAT32, Math.max(0, dim));
                Map<String, String> fed = new LinkedHashMap<>();
                for (Input i : inputs) fed.put(i.name(), i.feed().describe());
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("model", model.path().getFileName().toString());
                info.put("output", model.outputName());
                info.put("inputs", new LinkedHashMap<>(fed));
                info.put("normalize", config.normalize().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).toArray(String[]::new));
                info.put("target_sum", config.targetSum());
                w.uns("embed", info);
                w.commit();
                return new Result(n, dim, fed);
            }
        }
    }

    /** Which source feeds each model input, checked against the model's widths. */
    private static List<Input> inputs(AnnData a, CellEncoder model, CellModelConfig config) throws IOException {
        String file = a.file().getFileName().toString();
        Map<String, Integer> want = model.inputs();
        String expr = config.expressionInput() != null ? config.expressionInput() : want.keySet().iterator().next();
        if (!want.containsKey(expr)) throw new ModelException(model.path(), "no input '" + expr + "' (inputs: " + want.keySet() + ")");
        for (String k : config.covariates().keySet()) {
            if (!want.containsKey(k)) throw new ModelException(model.path(), "no input '" + k + "' to feed with " + config.covariates().get(k)
                    + " (inputs: " + want.keySet() + ")");
            if (k.equals(expr)) throw new IllegalArgumentException("input '" + k + "' is the expression input; it takes no covariates");
        }
        List<Input> out = new ArrayList<>();
        for (String name : want.keySet()) {
            Feed f;
            if (name.equals(expr)) {
                Matrix m;
                String what;
                if (config.layer() != null) {
                    if (!a.layers().contains(config.layer())) {
                        throw new IllegalArgumentException(file + ": no layer '" + config.layer() + "' (layers: " + String.join(", ", a.layers()) + ")");
                    }
                    m = a.layer(config.layer());
                    what = "layers:" + config.layer();
                } else {
                    m = a.x().orElseThrow(() -> new IllegalArgumentException(file + ": no X; give the layer to embed with --layer"));
                    what = "X";
                }
                f = new Feed.MatrixFeed(m, what, config.normalize(), config.targetSum());
            } else {
                String spec = config.covariates().get(name);
                if (spec == null) {
                    throw new IllegalArgumentException(model.path().getFileName() + ": input '" + name + "' (" + width(want.get(name))
                            + ") is not fed: map it with --covariates " + name + "=obsm:KEY or " + name + "=obs:COLUMN[,COLUMN...]");
                }
                Source s = Source.parse(spec);
                if (s.obsm() != null) {
                    if (!a.obsmKeys().contains(s.obsm())) {
                        throw new IllegalArgumentException(file + ": no obsm '" + s.obsm() + "' (obsm: " + String.join(", ", a.obsmKeys()) + ")");
                    }
                    f = new Feed.MatrixFeed(a.obsm(s.obsm()), s.toString(), List.of(), 1);
                } else {
                    for (String c : s.columns()) {
                        if (!a.obs().has(c)) throw new IllegalArgumentException(file + ": no obs column '" + c + "' (obs: " + String.join(", ", a.obs().columns()) + ")");
                    }
                    f = Feed.ColumnsFeed.of(a, s);
                }
            }
            int w = want.get(name);
            if (w > 0 && w != f.width()) {
                String unit = name.equals(expr) ? (f.width() + " genes (" + f.describe() + ")") : (f.width() + " values per cell (" + f.describe() + ")");
                throw new IllegalArgumentException(model.path().getFileName() + ": input '" + name + "' takes " + w + " values per cell but "
                        + file + " has " + unit);
            }
            out.add(new Input(name, f));
        }
        return out;
    }

    private static String width(int w) {
        return w > 0 ? w + " values per cell" : "any width";
    }

    /** One task per input: read, densify and normalise its batch into its buffer. */
    private static List<CompletableFuture<Void>> fill(List<Input> inputs, long first, int k, Map<String, FloatBuffer> bufs,
                                                      Workers w, AtomicBoolean stop) {
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Input i : inputs) {
            parts.add(CompletableFuture.runAsync(() -> {
                if (stop.get()) {
                    i.feed().skip(first, k);
                    return;
                }
                try {
                    i.feed().fill(first, k, bufs.get(i.name()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, w.pool()));
        }
        return parts;
    }

    private static void await(List<CompletableFuture<Void>> parts) throws IOException {
        try {
            CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IOException(c);
        }
    }
}
