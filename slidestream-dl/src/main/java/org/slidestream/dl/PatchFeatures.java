package org.slidestream.dl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.LongConsumer;
import org.slidestream.format.h5.H5Dataset;
import org.slidestream.format.h5.H5File;
import org.slidestream.format.h5.H5Layout;
import org.slidestream.format.h5.H5Node;
import org.slidestream.format.h5.H5Type;
import org.slidestream.image.Raster;
import org.slidestream.memory.MemoryBudget;
import org.slidestream.memory.Reservation;
import org.slidestream.slide.ReadRequest;
import org.slidestream.slide.Slide;
import org.slidestream.slide.SlideMetadata;

/**
 * Embeds every patch of a {@code coords.h5} with a model and writes {@code features.h5} in the
 * CLAM / TRIDENT layout: {@code features} float32 N x D and {@code coords} int64 N x 2 in the same
 * row order, both sized for N rows when created and filled batch by batch, so memory does not
 * depend on N. Patches are read straight from the slide and preprocessed on the pool's threads
 * while the model runs on the previous batch; at most {@code prefetch} batches wait decoded, each
 * in a direct buffer that ONNX Runtime reads in place.
 */
public final class PatchFeatures {
    private PatchFeatures() {}

    /**
     * @param batch    images per model run
     * @param prefetch batches decoded ahead of the model (at least 1)
     */
    public record Options(int batch, int prefetch) {
        public Options {
            if (batch < 1) throw new IllegalArgumentException("batch size must be >= 1: " + batch);
            if (prefetch < 1) throw new IllegalArgumentException("prefetch must be >= 1: " + prefetch);
        }

        public static Options of(int batch) {
            return new Options(batch, 2);
        }
    }

    /** Where decoding runs: the pool and how many of its threads one batch may use. */
    public record Workers(ExecutorService pool, int threads, MemoryBudget budget) {
        public Workers {
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        }
    }

    /**
     * Writes {@code out} (atomically) with the features of every patch in {@code coords}.
     *
     * @param progress told the number of patches done after each batch
     * @return N, the number of rows written
     */
    public static long extract(Slide slide, PatchCoords coords, FeatureModel model, Path out, Options options,
                               Workers workers, LongConsumer progress) throws IOException {
        long n = coords.count();
        int d = model.dim();
        int chw = model.inputSize();
        int b = (int) Math.min(options.batch(), Math.max(1, n));
        ReadRequest template = coords.template(slide);
        SlideMetadata meta = slide.metadata();
        int bands = meta.sizeC();
        double[] range = Preprocessor.defaultRange(meta.pixelType());
        Preprocessor pre = new Preprocessor(model.config(), range[0], range[1]);
        int slots = options.prefetch() + 1;
        long slotBytes = 4L * b * chw;
        long ps = coords.patchSize();
        long scratch = ps * ps * bands * (meta.pixelType().bytes() + 4L) + ps * model.inputWidth() * 12L + 4L * chw;
        long need = slots * slotBytes + workers.threads() * scratch;
        try (Reservation r = workers.budget().reserve(need, String.format(Locale.ROOT,
                "%s: %d batches of %d patches (%dx%d input)", slide.path().getFileName(), slots, b, model.inputWidth(), model.inputHeight()));
             H5File h5 = H5File.create(out, true)) {
            H5Dataset feats = h5.createDataset("features", H5Type.FLOAT32, new long[] {0, d}, layout(4L * d));
            H5Dataset xy = h5.createDataset("coords", H5Type.INT64, new long[] {0, 2}, layout(16));
            feats.setRows(n);            // preallocated: every row exists from the start
            xy.setRows(n);
            copyAttributes(coords.attributes(), xy);
            writeAttributes(h5, coords, model, slide);
            Deque<FloatBuffer> free = new ArrayDeque<>();
            for (int i = 0; i < slots; i++) free.add(ByteBuffer.allocateDirect((int) slotBytes).order(ByteOrder.nativeOrder()).asFloatBuffer());
            Deque<Pending> inflight = new ArrayDeque<>();
            long next = 0;
            long done = 0;
            try {
                while (done < n) {
                    while (next < n && !free.isEmpty()) {
                        int k = (int) Math.min(b, n - next);
                        long[] corners = coords.read(next, k);
                        FloatBuffer buf = free.poll();
                        inflight.add(new Pending(next, k, corners, buf,
                                decode(slide, template, bands, pre, corners, k, buf, chw, workers)));
                        next += k;
                    }
                    Pending p = inflight.poll();
                    await(p.decoded);
                    float[] e = model.embed(p.buffer, p.count);
                    feats.write(p.first, e);
                    xy.write(p.first, p.corners);
                    free.add(p.buffer);
                    done += p.count;
                    progress.accept(done);
                }
            } finally {
                for (Pending p : inflight) p.decoded.cancel(true);
            }
            h5.commit();
            return n;
        }
    }

    private record Pending(long first, int count, long[] corners, FloatBuffer buffer, CompletableFuture<Void> decoded) {}

    /** About 1 MiB chunks of whole rows. */
    private static H5Layout layout(long rowBytes) {
        return H5Layout.EXTENDABLE.chunkRows(Math.max(1, Math.min(65536, (1L << 20) / rowBytes)));
    }

    /** Decodes one batch into {@code buf}, its patches split over the workers' threads. */
    private static CompletableFuture<Void> decode(Slide slide, ReadRequest template, int bands, Preprocessor pre,
                                                  long[] corners, int k, FloatBuffer buf, int chw, Workers w) {
        int parts = Math.min(w.threads(), k);
        List<CompletableFuture<Void>> fs = new ArrayList<>(parts);
        for (int part = 0; part < parts; part++) {
            int from = (int) ((long) k * part / parts), to = (int) ((long) k * (part + 1) / parts);
            fs.add(CompletableFuture.runAsync(() -> {
                Raster patch = Raster.create(slide.metadata().pixelType(), template.width(), template.height(), bands);
                float[] tensor = new float[chw];
                for (int i = from; i < to; i++) {
                    if (Thread.currentThread().isInterrupted()) throw new CancellationException();
                    slide.readRegion(PatchCoords.at(template, corners[2 * i], corners[2 * i + 1]), patch);
                    pre.toTensor(patch, tensor, 0);
                    buf.put(i * chw, tensor);
                }
            }, w.pool()));
        }
        return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new));
    }

    private static void await(CompletableFuture<Void> f) throws IOException {
        try {
            f.join();
        } catch (CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IOException(c);
        }
    }

    private static void copyAttributes(Map<String, Object> attrs, H5Node to) throws IOException {
        for (Map.Entry<String, Object> a : attrs.entrySet()) {
            switch (a.getValue()) {
                case Long v -> to.setAttribute(a.getKey(), v);
                case Double v -> to.setAttribute(a.getKey(), v);
                case String v -> to.setAttribute(a.getKey(), v);
                case long[] v -> to.setAttribute(a.getKey(), v);
                case double[] v -> to.setAttribute(a.getKey(), v);
                case String[] v -> to.setAttribute(a.getKey(), v);
                default -> { }
            }
        }
    }

    private static void writeAttributes(H5File h5, PatchCoords coords, FeatureModel model, Slide slide) throws IOException {
        Object name = coords.attributes().get("name");
        h5.setAttribute("name", name instanceof String s ? s : slide.path().getFileName().toString());
        h5.setAttribute("slide_path", slide.path().toAbsolutePath().toString());
        h5.setAttribute("model", model.path().getFileName().toString());
        h5.setAttribute("embedding", model.hasTokens() ? model.config().embedding().name().toLowerCase(Locale.ROOT) : "output");
        h5.setAttribute("feature_dim", model.dim());
    }
}
