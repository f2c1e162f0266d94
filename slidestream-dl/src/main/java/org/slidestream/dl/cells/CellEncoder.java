package org.slidestream.dl.cells;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slidestream.dl.Device;
import org.slidestream.dl.ModelException;

/**
 * A cell encoder in ONNX format, run with ONNX Runtime: every input a float32 matrix of one row
 * per cell ({@code B x width}, the batch axis free), one output {@code B x D} (the latent).
 * Thread-safe.
 */
public final class CellEncoder implements AutoCloseable {
    private final Path path;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<String, Integer> inputs;
    private final String output;
    private final int dim;

    private CellEncoder(Path path, OrtEnvironment env, OrtSession session, Map<String, Integer> inputs, String output, int dim) {
        this.path = path;
        this.env = env;
        this.session = session;
        this.inputs = inputs;
        this.output = output;
        this.dim = dim;
    }

    /**
     * Loads a model.
     *
     * @param outputName the latent output, or null for the model's first
     * @param threads    ONNX Runtime intra-op threads (0: one per core)
     */
    public static CellEncoder open(Path model, String outputName, Device device, int threads) {
        if (!Files.isRegularFile(model)) throw new ModelException(model, "model file not found");
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "slidestream");
        OrtSession session;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) opts.setIntraOpNumThreads(threads);
            if (device == Device.CUDA) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw new ModelException(model, "--device cuda: the CUDA provider is not in this ONNX Runtime build (rebuild with "
                            + "'./mvnw -Pcuda package') or use --device cpu");
                }
                opts.addCUDA(0);
            }
            session = env.createSession(model.toString(), opts);
        } catch (OrtException e) {
            throw new ModelException(model, "cannot load the model: " + firstLine(e.getMessage()), e);
        }
        try {
            Map<String, Integer> in = new LinkedHashMap<>();
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (!(e.getValue().getInfo() instanceof TensorInfo ti) || ti.getShape().length != 2 || ti.type != OnnxJavaType.FLOAT) {
                    throw new ModelException(model, "input '" + e.getKey() + "' must be a float32 matrix of one row per cell (B x width), not "
                            + e.getValue().getInfo());
                }
                in.put(e.getKey(), (int) ti.getShape()[1]);
            }
            Map<String, NodeInfo> outs = session.getOutputInfo();
            String out = outputName != null ? outputName : outs.keySet().iterator().next();
            if (!outs.containsKey(out)) throw new ModelException(model, "no output '" + out + "' (outputs: " + outs.keySet() + ")");
            if (!(outs.get(out).getInfo() instanceof TensorInfo oi) || oi.getShape().length != 2) {
                throw new ModelException(model, "output '" + out + "' must be B x D, not " + outs.get(out).getInfo());
            }
            return new CellEncoder(model, env, session, in, out, (int) oi.getShape()[1]);
        } catch (RuntimeException | OrtException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the configuration error is what matters
            }
            if (e instanceof ModelException me) throw me;
            throw new ModelException(model, firstLine(e.getMessage()), e);
        }
    }

    public Path path() { return path; }

    /** Input names and their widths in model order (-1 where the model leaves the width free). */
    public Map<String, Integer> inputs() { return inputs; }

    public String outputName() { return output; }

    /** Latent width D (-1 where the model leaves it free: known after the first batch). */
    public int dim() { return dim; }

    /**
     * Runs the model on the first {@code n} rows of each input buffer (direct buffers, read in place).
     *
     * @param widths each input's row width
     * @return {@code n x D} floats, row by row
     */
    public float[] run(Map<String, FloatBuffer> batch, Map<String, Integer> widths, int n) {
        Map<String, OnnxTensor> tensors = new HashMap<>();
        try {
            for (Map.Entry<String, FloatBuffer> e : batch.entrySet()) {
                int w = widths.get(e.getKey());
                tensors.put(e.getKey(), OnnxTensor.createTensor(env, e.getValue().slice(0, n * w), new long[] {n, w}));
            }
            try (OrtSession.Result r = session.run(tensors)) {
                Optional<OnnxValue> v = r.get(output);
                if (v.isEmpty() || !(v.get() instanceof OnnxTensor t)) throw new ModelException(path, "no tensor output '" + output + "'");
                long[] s = t.getInfo().getShape();
                if (s.length != 2 || s[0] != n) throw new ModelException(path, "output '" + output + "' of shape " + Arrays.toString(s) + " for " + n + " cells");
                FloatBuffer fb = t.getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        } catch (OrtException e) {
            throw new ModelException(path, "inference failed: " + firstLine(e.getMessage()), e);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** Names for messages. */
    List<String> inputNames() { return new ArrayList<>(inputs.keySet()); }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new ModelException(path, "cannot close the session: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CellEncoder[" + path.getFileName() + ", inputs " + inputs + " -> " + dim + "]";
    }
}
