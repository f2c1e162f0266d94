package org.slidestream.pipeline.job;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into plain values that remember where they stood, so that validation can
 * name the line of a bad entry. Jackson's tree model drops locations; this keeps each token's.
 */
final class YamlTree {
    private YamlTree() {}

    /** A value (Map of String to Node, List of Node, String, Long, Double, Boolean or null) and its place. */
    record Node(Object value, int line, int column, Map<String, Node> keys) {
        Node(Object value, int line, int column) {
            this(value, line, column, null);
        }

        /** Where a mapping's key stands (a misspelt name is reported there). */
        Node key(String k) {
            return keys == null || !keys.containsKey(k) ? this : keys.get(k);
        }

        @SuppressWarnings("unchecked")
        Map<String, Node> map() { return (Map<String, Node>) value; }

        @SuppressWarnings("unchecked")
        List<Node> list() { return (List<Node>) value; }

        boolean isMap() { return value instanceof Map; }

        boolean isList() { return value instanceof List; }

        boolean isScalar() { return !isMap() && !isList(); }

        /** How the value reads in an error message. */
        String kind() {
            return switch (value) {
                case null -> "nothing";
                case Map<?, ?> m -> "a mapping";
                case List<?> l -> "a list";
                case String s -> "text '" + s + "'";
                case Boolean b -> "the boolean " + b;
                case Long l -> "the integer " + l;
                case Double d -> "the number " + d;
                default -> value.toString();
            };
        }
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** Parses one YAML document; an empty document is an empty mapping. */
    static Node parse(String text, String file) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) return new Node(new LinkedHashMap<String, Node>(), 1, 1);
            Node root = read(p, file);
            if (p.nextToken() != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new JobFileException(file, l.getLineNr(), l.getColumnNr(), "more than one YAML document (a job file holds one)");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new JobFileException(file, l == null ? 0 : l.getLineNr(), l == null ? 0 : l.getColumnNr(),
                    "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("").strip());
        } catch (IOException e) {
            throw new JobFileException(file, 0, 0, "cannot read: " + e.getMessage());
        }
    }

    private static Node read(JsonParser p, String file) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int col = at.getColumnNr();
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Node> m = new LinkedHashMap<>();
                Map<String, Node> keys = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation kl = p.currentTokenLocation();
                    String key = p.currentName();
                    p.nextToken();
                    Node v = read(p, file);
                    if (m.containsKey(key)) {
                        throw new JobFileException(file, kl.getLineNr(), kl.getColumnNr(), "'" + key + "' is given twice");
                    }
                    m.put(key, v);
                    keys.put(key, new Node(key, kl.getLineNr(), kl.getColumnNr()));
                }
                yield new Node(m, line, col, keys);
            }
            case START_ARRAY -> {
                List<Node> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) l.add(read(p, file));
                yield new Node(l, line, col);
            }
            case VALUE_STRING -> new Node(p.getText(), line, col);
            case VALUE_NUMBER_INT -> new Node(p.getLongValue(), line, col);
            case VALUE_NUMBER_FLOAT -> new Node(p.getDoubleValue(), line, col);
            case VALUE_TRUE -> new Node(Boolean.TRUE, line, col);
            case VALUE_FALSE -> new Node(Boolean.FALSE, line, col);
            case VALUE_NULL -> new Node(null, line, col);
            default -> throw new JobFileException(file, line, col, "unexpected YAML content (" + t + ")");
        };
    }
}
