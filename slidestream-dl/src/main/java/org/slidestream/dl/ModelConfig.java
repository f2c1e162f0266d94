package org.slidestream.dl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import org.slidestream.format.FormatException;

/**
 * How to feed a model and read its output, from a model config JSON ({@code --model-config}).
 * Every field is optional; what is missing comes from the model (input size, output) or the
 * defaults (ImageNet mean/std, RGB, area resampling, CLS embedding):
 *
 * <pre>{@code
 * {"input_size": 224,                 // or [height, width]; default: the model's input shape
 *  "mean": [0.485, 0.456, 0.406],     // per channel, applied after scaling pixels to 0..1
 *  "std":  [0.229, 0.224, 0.225],
 *  "channel_order": "RGB",            // or "BGR"
 *  "interpolation": "area",           // or "bilinear"
 *  "embedding": "cls",                // or "mean" (of the patch tokens) when the output is B x T x D
 *  "prefix_tokens": 1,                // tokens before the patch tokens (CLS + registers)
 *  "input_name": "pixel_values",      // default: the model's only input
 *  "output_name": "tokens"}           // default: the model's first output
 * }</pre>
 *
 * @param inputHeight  model input height, or 0 for the model's
 * @param inputWidth   model input width, or 0 for the model's
 * @param prefixTokens tokens before the patch tokens in a B x T x D output, or -1 for 1
 * @param inputName    null for the model's only input
 * @param outputName   null for the model's first output
 */
public record ModelConfig(int inputHeight, int inputWidth, float[] mean, float[] std, ChannelOrder channelOrder,
                          Interpolation interpolation, Embedding embedding, int prefixTokens,
                          String inputName, String outputName) {

    /** Order of the colour channels the model expects. */
    public enum ChannelOrder { RGB, BGR }

    /**
     * Resampling to the model input. {@code AREA}: each output pixel is the exact average of the
     * input area it covers (OpenCV's INTER_AREA when shrinking; piecewise constant when enlarging).
     * {@code BILINEAR}: half-pixel centres, edges clamped (OpenCV INTER_LINEAR, PyTorch
     * {@code interpolate(mode="bilinear", align_corners=False, antialias=False)}).
     */
    public enum Interpolation { AREA, BILINEAR }

    /** How a B x T x D output becomes one vector per image. */
    public enum Embedding { CLS, MEAN }

    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static final Set<String> KEYS = Set.of("input_size", "mean", "std", "channel_order", "interpolation",
            "embedding", "prefix_tokens", "input_name", "output_name");

    public ModelConfig {
        if (inputHeight < 0 || inputWidth < 0) throw new IllegalArgumentException("negative input size");
        mean = (mean == null ? IMAGENET_MEAN : mean).clone();
        std = (std == null ? IMAGENET_STD : std).clone();
        if (mean.length != 3 || std.length != 3) throw new IllegalArgumentException("mean and std need 3 values (one per channel)");
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std values must be > 0: " + Arrays.toString(std));
        if (channelOrder == null) channelOrder = ChannelOrder.RGB;
        if (interpolation == null) interpolation = Interpolation.AREA;
        if (embedding == null) embedding = Embedding.CLS;
    }

    /** Everything from the model and the defaults. */
    public static ModelConfig defaults() {
        return new ModelConfig(0, 0, null, null, null, null, null, -1, null, null);
    }

    public ModelConfig withEmbedding(Embedding e) {
        return new ModelConfig(inputHeight, inputWidth, mean, std, channelOrder, interpolation, e, prefixTokens, inputName, outputName);
    }

    public ModelConfig withOutputName(String name) {
        return new ModelConfig(inputHeight, inputWidth, mean, std, channelOrder, interpolation, embedding, prefixTokens, inputName, name);
    }

    public ModelConfig withInterpolation(Interpolation i) {
        return new ModelConfig(inputHeight, inputWidth, mean, std, channelOrder, i, embedding, prefixTokens, inputName, outputName);
    }

    ModelConfig withInputSize(int h, int w) {
        return new ModelConfig(h, w, mean, std, channelOrder, interpolation, embedding, prefixTokens, inputName, outputName);
    }

    ModelConfig withNames(String in, String out) {
        return new ModelConfig(inputHeight, inputWidth, mean, std, channelOrder, interpolation, embedding, prefixTokens, in, out);
    }

    /** Prefix tokens, 1 (the CLS token) unless the config says otherwise. */
    public int prefixTokensOrDefault() {
        return prefixTokens < 0 ? 1 : prefixTokens;
    }

    /** Reads a config file; unknown keys are errors (a misspelt key would silently change results). */
    public static ModelConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "model config not found");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new FormatException(file, e.getLocation() == null ? -1 : e.getLocation().getLineNr(),
                    e.getLocation() == null ? -1 : e.getLocation().getColumnNr(), "invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new FormatException(file, "a model config is a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw new FormatException(file, "unknown key '" + k + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
        }
        try {
            int h = 0, w = 0;
            JsonNode size = root.get("input_size");
            if (size != null) {
                if (size.isInt()) {
                    h = w = positive(size.asInt(), "input_size");
                } else if (size.isArray() && size.size() == 2 && size.get(0).isInt() && size.get(1).isInt()) {
                    h = positive(size.get(0).asInt(), "input_size");
                    w = positive(size.get(1).asInt(), "input_size");
                } else {
                    throw new IllegalArgumentException("input_size must be an integer or [height, width]");
                }
            }
            return new ModelConfig(h, w, floats(root.get("mean"), "mean"), floats(root.get("std"), "std"),
                    choice(root.get("channel_order"), ChannelOrder.class, "channel_order"),
                    choice(root.get("interpolation"), Interpolation.class, "interpolation"),
                    choice(root.get("embedding"), Embedding.class, "embedding"),
                    root.has("prefix_tokens") ? nonNegative(root.get("prefix_tokens"), "prefix_tokens") : -1,
                    text(root.get("input_name"), "input_name"), text(root.get("output_name"), "output_name"));
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, e.getMessage());
        }
    }

    private static int positive(int v, String key) {
        if (v <= 0) throw new IllegalArgumentException(key + " must be positive: " + v);
        return v;
    }

    private static int nonNegative(JsonNode n, String key) {
        if (!n.isInt() || n.asInt() < 0) throw new IllegalArgumentException(key + " must be an integer >= 0");
        return n.asInt();
    }

    private static float[] floats(JsonNode n, String key) {
        if (n == null) return null;
        if (!n.isArray() || n.size() != 3) throw new IllegalArgumentException(key + " must be a list of 3 numbers (R, G, B)");
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!n.get(i).isNumber()) throw new IllegalArgumentException(key + " must be a list of 3 numbers (R, G, B)");
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    private static <E extends Enum<E>> E choice(JsonNode n, Class<E> type, String key) {
        if (n == null) return null;
        String s = n.isTextual() ? n.asText().strip().toUpperCase(Locale.ROOT) : "";
        for (E e : type.getEnumConstants()) if (e.name().equals(s)) return e;
        throw new IllegalArgumentException(key + " must be one of " + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList() + ", not " + n);
    }

    private static String text(JsonNode n, String key) {
        if (n == null) return null;
        if (!n.isTextual() || n.asText().isBlank()) throw new IllegalArgumentException(key + " must be a non-empty string");
        return n.asText();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && inputHeight == c.inputHeight && inputWidth == c.inputWidth
                && Arrays.equals(mean, c.mean) && Arrays.equals(std, c.std) && channelOrder == c.channelOrder
                && interpolation == c.interpolation && embedding == c.embedding && prefixTokens == c.prefixTokens
                && java.util.Objects.equals(inputName, c.inputName) && java.util.Objects.equals(outputName, c.outputName);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(inputHeight, inputWidth, Arrays.hashCode(mean), Arrays.hashCode(std), channelOrder,
                interpolation, embedding, prefixTokens, inputName, outputName);
    }

    @Override
    public String toString() {
        return "ModelConfig[input " + inputHeight + "x" + inputWidth + ", mean " + Arrays.toString(mean) + ", std "
                + Arrays.toString(std) + ", " + channelOrder + ", " + interpolation + ", " + embedding + "]";
    }

    @Override public float[] mean() { return mean.clone(); }

    @Override public float[] std() { return std.clone(); }
}
