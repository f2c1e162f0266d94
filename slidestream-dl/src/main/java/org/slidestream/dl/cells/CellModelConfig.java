package org.slidestream.dl.cells;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slidestream.format.FormatException;

/**
 * How to feed a cell encoder from an AnnData file, from a JSON config ({@code --model-config}),
 * every key optional:
 *
 * <pre>{@code
 * {"expression_input": "genes",                 // the model input fed with the expression (default: its first input)
 *  "layer": "counts",                           // read this layer instead of X
 *  "normalize": ["library_size", "log1p"],       // in order; also "none"
 *  "target_sum": 10000,                         // library_size: each cell's total after scaling
 *  "covariates": {"drugs": "obsm:perturbations", // other model inputs and what feeds them
 *                 "covariates": "obs:cell_type"},
 *  "output_name": "latent",                     // default: the model's first output
 *  "latent_key": "X_latent"}                    // the obsm key written
 * }</pre>
 *
 * A source is {@code obsm:KEY} (a dense or sparse matrix, densified a batch at a time) or
 * {@code obs:COL[,COL...]} (numeric and boolean columns as one value each, categorical columns as
 * one-hot over their categories in stored order, missing values all zero), concatenated in order.
 */
public record CellModelConfig(String expressionInput, String layer, List<Normalization> normalize, double targetSum,
                              Map<String, String> covariates, String outputName, String latentKey) {

    /** One step applied to each cell's expression before the model. */
    public enum Normalization {
        /** Scale each cell to {@code target_sum} total counts (scanpy's {@code normalize_total}); empty cells stay 0. */
        LIBRARY_SIZE,
        /** {@code ln(1 + x)} (scanpy's {@code log1p}). */
        LOG1P
    }

    private static final Set<String> KEYS = Set.of("expression_input", "layer", "normalize", "target_sum", "covariates",
            "output_name", "latent_key");

    public CellModelConfig {
        normalize = List.copyOf(normalize);
        covariates = Map.copyOf(new LinkedHashMap<>(covariates));
        if (!(targetSum > 0)) throw new IllegalArgumentException("target_sum must be > 0: " + targetSum);
        if (latentKey == null || latentKey.isBlank() || latentKey.contains("/")) throw new IllegalArgumentException("bad latent_key '" + latentKey + "'");
        for (String s : covariates.values()) Source.parse(s);
    }

    /** No normalization, the model's first input and output, {@code obsm['X_latent']}. */
    public static CellModelConfig defaults() {
        return new CellModelConfig(null, null, List.of(), 1e4, Map.of(), null, "X_latent");
    }

    public CellModelConfig withLayer(String l) {
        return new CellModelConfig(expressionInput, l, normalize, targetSum, covariates, outputName, latentKey);
    }

    public CellModelConfig withCovariates(Map<String, String> c) {
        return new CellModelConfig(expressionInput, layer, normalize, targetSum, c, outputName, latentKey);
    }

    public CellModelConfig withNormalize(List<Normalization> n) {
        return new CellModelConfig(expressionInput, layer, n, targetSum, covariates, outputName, latentKey);
    }

    public CellModelConfig withLatentKey(String k) {
        return new CellModelConfig(expressionInput, layer, normalize, targetSum, covariates, outputName, k);
    }

    /** Reads a config file; unknown keys are errors. */
    public static CellModelConfig read(Path file) throws IOException {
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
            List<Normalization> norm = new ArrayList<>();
            JsonNode n = root.get("normalize");
            if (n != null) {
                for (JsonNode step : n.isArray() ? n : List.of(n)) {
                    String s = step.asText().strip().toLowerCase(Locale.ROOT);
                    switch (s) {
                        case "library_size", "normalize_total" -> norm.add(Normalization.LIBRARY_SIZE);
                        case "log1p" -> norm.add(Normalization.LOG1P);
                        case "none" -> { }
                        default -> throw new IllegalArgumentException("normalize: unknown step '" + s + "' (library_size, log1p, none)");
                    }
                }
            }
            Map<String, String> cov = new LinkedHashMap<>();
            JsonNode c = root.get("covariates");
            if (c != null) {
                if (!c.isObject()) throw new IllegalArgumentException("covariates must map model inputs to sources, e.g. {\"drugs\": \"obsm:perturbations\"}");
                c.fields().forEachRemaining(e -> cov.put(e.getKey(), e.getValue().asText()));
            }
            double target = root.has("target_sum") ? root.get("target_sum").asDouble(Double.NaN) : 1e4;
            return new CellModelConfig(text(root, "expression_input"), text(root, "layer"), norm, target, cov,
                    text(root, "output_name"), root.has("latent_key") ? text(root, "latent_key") : "X_latent");
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, e.getMessage());
        }
    }

    private static String text(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null) return null;
        if (!n.isTextual() || n.asText().isBlank()) throw new IllegalArgumentException(key + " must be a non-empty string");
        return n.asText();
    }
}
