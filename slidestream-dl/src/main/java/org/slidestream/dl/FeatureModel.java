package org.slidestream.dl;

import ai.onnxruntime.NodeInfo;
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
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * An image encoder in ONNX format (a ViT such as DINOv2, UNI or CONCH exported to ONNX), run with
 * ONNX Runtime. Input: a batch of {@code B x 3 x H x W} float32 images, already normalized
 * ({@link Preprocessor}); output either one embedding per image ({@code B x D}, used as is) or the
 * token sequence ({@code B x T x D}), reduced to the CLS token or the mean of the patch tokens as
 * the config says. {@code H}, {@code W}, {@code D} and {@code T} come from the model where it
 * declares them. Thread-safe: ONNX Runtime sessions may be run from several threads.
 */
public final class FeatureModel implements AutoCloseable {
    /** One message for every way the CUDA provider can be missing. */
    static final String CUDA_HINT = "the CUDA provider is not in this ONNX Runtime build (com.microsoft.onnxruntime:onnxruntime "
            + "is CPU-only): rebuild with './mvnw -Pcuda package' (onnxruntime_gpu, needs CUDA 12 and cuDNN 9) or use --device cpu";

    private final Path path;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelConfig config;
    private final Device device;
    private final int outputRank;
    private volatile int dim;
    private volatile int tokens;

    private FeatureModel(Path path, OrtEnvironment env, OrtSession session, ModelConfig config, Device device,
                         int outputRank, int dim, int tokens) {
        this.path = path;
        this.env = env;
        this.session = session;
        this.config = config;
        this.device = device;
        this.outputRank = outputRank;
        this.dim = dim;
        this.tokens = tokens;
    }

    /**
     * Loads a model.
     *
     * @param config  what the model config file says ({@link ModelConfig#defaults()} for nothing)
     * @param threads ONNX Runtime intra-op threads (0: its default, one per core)
     * @throws ModelException when the file is missing or not a model, its input is not an image
     *                        batch, the config contradicts the model, or the device is unavailable
     */
    public static FeatureModel open(Path model, ModelConfig config, Device device, int threads) {
        if (!Files.isRegularFile(model)) throw new ModelException(model, "model file not found");
        OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "slidestream");
        OrtSession session;
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (threads > 0) opts.setIntraOpNumThreads(threads);
            if (device == Device.CUDA) addCuda(model, opts);
            session = env.createSession(model.toString(), opts);
        } catch (OrtException e) {
            throw new ModelException(model, "cannot load the model: " + firstLine(e.getMessage()), e);
        }
        try {
            return configure(model, env, session, config, device);
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

    private static void addCuda(Path model, OrtSession.SessionOptions opts) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            throw new ModelException(model, "--device cuda: " + CUDA_HINT);
        }
        try {
            opts.addCUDA(0);
        } catch (OrtException | UnsatisfiedLinkError e) {
            throw new ModelException(model, "--device cuda: cannot start the CUDA provider (no GPU, or CUDA 12 / cuDNN 9 "
                    + "libraries missing): " + firstLine(e.getMessage()), e);
        }
    }

    private static FeatureModel configure(Path model, OrtEnvironment env, OrtSession s, ModelConfig cfg, Device device)
            throws OrtException {
        Map<String, NodeInfo> inputs = s.getInputInfo();
        String in = cfg.inputName();
        if (in == null) {
            if (inputs.size() != 1) throw new ModelException(model, "the model has " + inputs.size() + " inputs " + inputs.keySet()
                    + ": name the image input with input_name in --model-config");
            in = inputs.keySet().iterator().next();
        } else if (!inputs.containsKey(in)) {
            throw new ModelException(model, "no input '" + in + "' (inputs: " + inputs.keySet() + ")");
        }
        if (!(inputs.get(in).getInfo() instanceof TensorInfo ti) || ti.getShape().length != 4) {
            throw new ModelException(model, "input '" + in + "' must be an image batch B x 3 x H x W, not " + inputs.get(in).getInfo());
        }
        long[] shape = ti.getShape();
        if (ti.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new ModelException(model, "input '" + in + "' must be float32, not " + ti.type);
        }
        if (shape[1] != 3 && shape[1] != -1) {
            throw new ModelException(model, "input '" + in + "' has " + shape[1] + " channels; images have 3 (B x 3 x H x W)");
        }
        int h = cfg.inputHeight(), w = cfg.inputWidth();
        if (shape[2] > 0 && shape[3] > 0) {
            if (h > 0 && (h != shape[2] || w != shape[3])) {
                throw new ModelException(model, "the model takes " + shape[2] + "x" + shape[3] + " images but the config says input_size "
                        + h + "x" + w);
            }
            h = (int) shape[2];
            w = (int) shape[3];
        } else if (h == 0) {
            throw new ModelException(model, "the model does not fix its input size (" + Arrays.toString(shape)
                    + "): give input_size in --model-config");
        }
        Map<String, NodeInfo> outputs = s.getOutputInfo();
        String out = cfg.outputName();
        if (out == null) {
            out = outputs.keySet().iterator().next();
        } else if (!outputs.containsKey(out)) {
            throw new ModelException(model, "no output '" + out + "' (outputs: " + outputs.keySet() + ")");
        }
        if (!(outputs.get(out).getInfo() instanceof TensorInfo oi) || (oi.getShape().length != 2 && oi.getShape().length != 3)) {
            throw new ModelException(model, "output '" + out + "' must be B x D (embeddings) or B x T x D (tokens), not "
                    + outputs.get(out).getInfo());
        }
        long[] os = oi.getShape();
        int rank = os.length;
        int dim = (int) os[rank - 1];
        int tokens = rank == 3 ? (int) os[1] : 0;
        ModelConfig resolved = cfg.withInputSize(h, w).withNames(in, out);
        FeatureModel m = new FeatureModel(model, env, s, resolved, device, rank, dim, tokens);
        if (dim <= 0 || (rank == 3 && tokens <= 0)) m.probeShape();
        if (rank == 3 && m.tokens <= cfg.prefixTokensOrDefault()) {
            throw new ModelException(model, "output '" + out + "' has " + m.tokens + " tokens, not more than the "
                    + cfg.prefixTokensOrDefault() + " prefix tokens");
        }
        return m;
    }

    /** Output dimensions the model leaves symbolic: run one blank image to learn them. */
    private void probeShape() throws OrtException {
        int chw = 3 * config.inputHeight() * config.inputWidth();
        FloatBuffer b = FloatBuffer.allocate(chw);
        try (OnnxTensor t = OnnxTensor.createTensor(env, b, new long[] {1, 3, config.inputHeight(), config.inputWidth()});
             OrtSession.Result r = session.run(Map.of(config.inputName(), t))) {
            long[] s = ((TensorInfo) r.get(config.outputName()).orElseThrow().getInfo()).getShape();
            dim = (int) s[s.length - 1];
            if (s.length == 3) tokens = (int) s[1];
        }
    }

    public Path path() { return path; }

    /** The config with what the model decided filled in (input size, input and output names). */
    public ModelConfig config() { return config; }

    public Device device() { return device; }

    /** Embedding (feature) dimension D. */
    public int dim() { return dim; }

    public int inputHeight() { return config.inputHeight(); }

    public int inputWidth() { return config.inputWidth(); }

    /** Floats in one input image (3 x H x W). */
    public int inputSize() { return 3 * inputHeight() * inputWidth(); }

    /** True when the output is the token sequence (B x T x D), which {@link #patchTokens} needs. */
    public boolean hasTokens() { return outputRank == 3; }

    /** Patch tokens per image (T minus the prefix tokens). */
    public int patchTokenCount() {
        return hasTokens() ? tokens - config.prefixTokensOrDefault() : 0;
    }

    /**
     * The patch tokens' grid: rows and columns, in the aspect of the input (a ViT's patch tokens are
     * its patch grid row by row).
     */
    public int[] tokenGrid() {
        int n = patchTokenCount();
        if (n <= 0) throw new ModelException(path, "output '" + config.outputName() + "' is B x D: patch-token maps need "
                + "a B x T x D output (choose it with output_name in --model-config)");
        int gh = (int) Math.round(Math.sqrt((double) n * inputHeight() / inputWidth()));
        if (gh < 1 || n % gh != 0) throw new ModelException(path, n + " patch tokens do not form a grid for a " + inputHeight()
                + "x" + inputWidth() + " input: set prefix_tokens in --model-config");
        return new int[] {gh, n / gh};
    }

    /**
     * Embeds {@code n} images stored one after another (C x H x W each) at the start of
     * {@code input}, a direct buffer that ONNX Runtime reads in place.
     *
     * @return {@code n x D} floats, row by row
     */
    public float[] embed(FloatBuffer input, int n) {
        float[] out = run(input, n);
        if (outputRank == 2) return out;
        int d = dim, t = tokens, p = config.prefixTokensOrDefault();
        float[] e = new float[n * d];
        for (int i = 0; i < n; i++) {
            int base = i * t * d;
            if (config.embedding() == ModelConfig.Embedding.CLS) {
                System.arraycopy(out, base, e, i * d, d);
            } else {
                double[] acc = new double[d];
                for (int k = p; k < t; k++) {
                    int o = base + k * d;
                    for (int j = 0; j < d; j++) acc[j] += out[o + j];
                }
                for (int j = 0; j < d; j++) e[i * d + j] = (float) (acc[j] / (t - p));
            }
        }
        return e;
    }

    /**
     * The patch tokens of {@code n} images: {@code n x gh x gw x D} floats (grid row by row, the
     * feature last), see {@link #tokenGrid()}.
     */
    public float[] patchTokens(FloatBuffer input, int n) {
        int[] g = tokenGrid();
        float[] out = run(input, n);
        int d = dim, t = tokens, p = config.prefixTokensOrDefault(), per = g[0] * g[1] * d;
        float[] pt = new float[n * per];
        for (int i = 0; i < n; i++) System.arraycopy(out, (i * t + p) * d, pt, i * per, per);
        return pt;
    }

    /** Runs the model on the first {@code n} images of {@code input}; the raw output, flattened. */
    public float[] run(FloatBuffer input, int n) {
        int chw = inputSize();
        if (n < 1 || (long) n * chw > input.capacity()) throw new IllegalArgumentException(n + " images do not fit the input buffer");
        FloatBuffer batch = input.slice(0, n * chw);
        try (OnnxTensor t = OnnxTensor.createTensor(env, batch, new long[] {n, 3, inputHeight(), inputWidth()});
             OrtSession.Result r = session.run(Map.of(config.inputName(), t))) {
            Optional<OnnxValue> v = r.get(config.outputName());
            if (v.isEmpty() || !(v.get() instanceof OnnxTensor ot)) throw new ModelException(path, "no tensor output '" + config.outputName() + "'");
            long[] s = ot.getInfo().getShape();
            long expect = outputRank == 2 ? (long) n * dim : (long) n * tokens * dim;
            if (s.length != outputRank || s[0] != n || ot.getInfo().getNumElements() != expect) {
                throw new ModelException(path, "output '" + config.outputName() + "' of shape " + Arrays.toString(s)
                        + " for a batch of " + n + " (expected " + (outputRank == 2 ? n + " x " + dim : n + " x " + tokens + " x " + dim) + ")");
            }
            FloatBuffer fb = ot.getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        } catch (OrtException e) {
            throw new ModelException(path, "inference failed: " + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "unknown error";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

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
        return "FeatureModel[" + path.getFileName() + ", " + inputHeight() + "x" + inputWidth() + " -> "
                + (hasTokens() ? tokens + " x " : "") + dim + ", " + device + "]";
    }
}
