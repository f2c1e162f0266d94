package org.slidestream.register;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slidestream.format.FormatException;
import org.slidestream.io.AtomicOutput;

/**
 * {@code transforms.json}: for each round, the map from reference level-0 pixels to the round's
 * level-0 pixels, {@code moving = A * (p + d(p)) + t} with {@code A, t} the 2 x 3 {@code affine}
 * matrix and {@code d} the optional {@code displacement} grid (node {@code (i, j)} at reference
 * pixel {@code (i * spacing, j * spacing)}, bilinear between nodes, values row by row).
 */
public final class Transforms {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Transforms() {}

    /** The reference image the transforms map from. */
    public record Image(String name, String path, int width, int height, Double mppX, Double mppY) {}

    /** One round: {@code status} {@code success} or {@code failed} (then {@code transform} is null and {@code reason} says why). */
    public record Round(Image image, String status, String reason, RoundTransform transform) {}

    public record Set(Image reference, List<Round> rounds) {
        public Round round(String name) {
            for (Round r : rounds) if (r.image().name().equals(name)) return r;
            List<String> names = rounds.stream().map(r -> r.image().name()).toList();
            throw new IllegalArgumentException("no round '" + name + "' in the transforms (rounds: " + String.join(", ", names) + ")");
        }
    }

    public static void write(Set set, Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "slidestream-transforms");
        root.put("version", 1);
        root.put("coordinates", "level-0 pixels, pixel centres at integers; moving = affine * (reference + displacement(reference))");
        root.set("reference", image(set.reference()));
        ArrayNode rounds = root.putArray("rounds");
        for (Round r : set.rounds()) {
            ObjectNode n = image(r.image());
            n.put("status", r.status());
            if (r.reason() != null) n.put("reason", r.reason());
            if (r.transform() != null) {
                ArrayNode m = n.putArray("affine");
                for (double[] row : r.transform().affine().matrix()) {
                    ArrayNode a = m.addArray();
                    for (double v : row) a.add(v);
                }
                DisplacementField f = r.transform().field();
                if (f != null) {
                    ObjectNode d = n.putObject("displacement");
                    d.put("spacing", f.spacing());
                    d.put("cols", f.cols());
                    d.put("rows", f.rows());
                    ArrayNode dx = d.putArray("dx"), dy = d.putArray("dy");
                    for (float v : f.dx()) dx.add(v);
                    for (float v : f.dy()) dy.add(v);
                }
            }
            rounds.add(n);
        }
        try (AtomicOutput out = AtomicOutput.file(file)) {
            JSON.writeValue(out.path().toFile(), root);
            out.commit();
        }
    }

    public static Set read(Path file) throws IOException {
        JsonNode root;
        try {
            try (var in = Files.newBufferedReader(file)) {
                root = JSON.readTree(in);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FormatException(file, "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.has("reference") || !root.path("rounds").isArray()) {
            throw new FormatException(file, "not a transforms file (needs 'reference' and 'rounds')");
        }
        List<Round> rounds = new ArrayList<>();
        for (JsonNode n : root.get("rounds")) {
            RoundTransform t = null;
            if (n.has("affine")) {
                JsonNode m = n.get("affine");
                double[][] a = new double[2][3];
                for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) a[i][j] = m.path(i).path(j).asDouble(Double.NaN);
                for (double[] row : a) for (double v : row) {
                    if (Double.isNaN(v)) throw new FormatException(file, "round '" + n.path("name").asText() + "': affine must be 2 rows of 3 numbers");
                }
                DisplacementField f = null;
                if (n.has("displacement")) {
                    JsonNode d = n.get("displacement");
                    int cols = d.path("cols").asInt(), rows = d.path("rows").asInt();
                    float[] dx = floats(d.path("dx")), dy = floats(d.path("dy"));
                    try {
                        f = new DisplacementField(d.path("spacing").asDouble(), cols, rows, dx, dy);
                    } catch (IllegalArgumentException e) {
                        throw new FormatException(file, "round '" + n.path("name").asText() + "': " + e.getMessage());
                    }
                }
                t = new RoundTransform(Affine.of(a), f);
            }
            rounds.add(new Round(image(n), n.path("status").asText("success"), n.has("reason") ? n.get("reason").asText() : null, t));
        }
        return new Set(image(root.get("reference")), List.copyOf(rounds));
    }

    private static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = (float) a.get(i).asDouble();
        return v;
    }

    private static ObjectNode image(Image i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", i.name());
        if (i.path() != null) n.put("path", i.path());
        n.put("width", i.width());
        n.put("height", i.height());
        if (i.mppX() != null) n.put("mppX", i.mppX());
        if (i.mppY() != null) n.put("mppY", i.mppY());
        return n;
    }

    private static Image image(JsonNode n) {
        return new Image(n.path("name").asText(), n.has("path") ? n.get("path").asText() : null, n.path("width").asInt(),
                n.path("height").asInt(), n.has("mppX") ? n.get("mppX").asDouble() : null, n.has("mppY") ? n.get("mppY").asDouble() : null);
    }
}
