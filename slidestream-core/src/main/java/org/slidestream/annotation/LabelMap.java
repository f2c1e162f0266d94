package org.slidestream.annotation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which value each class gets in a mask (1..255; 0 is background) and which class wins where
 * regions of different classes overlap.
 *
 * @param labels   class name to value, in the order given
 * @param priority class names, the one that wins overlaps first; every class of {@code labels}
 */
public record LabelMap(Map<String, Integer> labels, List<String> priority) {
    public LabelMap {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        priority = List.copyOf(priority);
        for (Map.Entry<String, Integer> e : labels.entrySet()) {
            if (e.getValue() < 1 || e.getValue() > 255) {
                throw new IllegalArgumentException("label of class '" + e.getKey() + "' must be 1..255, not " + e.getValue());
            }
        }
        if (priority.size() != labels.size() || !labels.keySet().containsAll(priority)) {
            throw new IllegalArgumentException("priority " + priority + " must order exactly the classes " + labels.keySet());
        }
    }

    /**
     * Builds the map from the command line's forms.
     *
     * @param labelsSpec   {@code Tissue=1,Tumor=2,Necrosis=3}, or null: the area classes numbered
     *                     1, 2, ... in order of first appearance
     * @param prioritySpec {@code Necrosis,Tumor,Tissue} (the first wins), or null: the larger
     *                     label wins (classes of equal labels in reverse order of listing); classes
     *                     left out of a partial list rank after those named, by the same rule
     */
    public static LabelMap parse(String labelsSpec, String prioritySpec, List<String> classes) {
        Map<String, Integer> labels = new LinkedHashMap<>();
        if (labelsSpec == null || labelsSpec.isBlank()) {
            int v = 1;
            for (String c : classes) {
                if (v > 255) throw new IllegalArgumentException("more than 255 classes; choose the ones to draw with --labels");
                labels.put(c, v++);
            }
        } else {
            for (String part : labelsSpec.split(",")) {
                if (part.isBlank()) continue;
                int eq = part.lastIndexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("labels: '" + part.strip() + "' is not CLASS=VALUE");
                String name = part.substring(0, eq).strip();
                int value;
                try {
                    value = Integer.parseInt(part.substring(eq + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("labels: value of '" + name + "' is not a whole number: '" + part.substring(eq + 1).strip() + "'");
                }
                if (labels.put(name, value) != null) throw new IllegalArgumentException("labels: class '" + name + "' given twice");
            }
            if (labels.isEmpty()) throw new IllegalArgumentException("labels: no CLASS=VALUE pairs in '" + labelsSpec + "'");
        }
        List<String> priority = new ArrayList<>();
        if (prioritySpec != null && !prioritySpec.isBlank()) {
            for (String part : prioritySpec.split(",")) {
                String name = part.strip();
                if (name.isEmpty()) continue;
                if (!labels.containsKey(name)) throw new IllegalArgumentException("priority: '" + name + "' is not one of the classes " + labels.keySet());
                if (priority.contains(name)) throw new IllegalArgumentException("priority: class '" + name + "' given twice");
                priority.add(name);
            }
        }
        List<String> rest = new ArrayList<>(labels.keySet());
        rest.removeAll(priority);
        List<String> order = new ArrayList<>(labels.keySet());
        rest.sort(Comparator.comparingInt((String c) -> labels.get(c)).thenComparingInt(order::indexOf).reversed());
        priority.addAll(rest);
        return new LabelMap(labels, priority);
    }

    /** The value of a class, or 0 when the mask leaves it out. */
    public int label(String className) {
        return labels.getOrDefault(className, 0);
    }

    /** 0 for the class that wins every overlap, 1 for the next, ...; -1 for a class not drawn. */
    public int rank(String className) {
        return priority.indexOf(className);
    }
}
