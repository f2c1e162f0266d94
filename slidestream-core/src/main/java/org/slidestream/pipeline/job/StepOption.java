package org.slidestream.pipeline.job;

import java.util.List;
import java.util.Locale;
import org.slidestream.memory.MemorySize;

/**
 * One option a step accepts in a job file, with its type, so that a job is checked before any
 * slide is touched.
 *
 * @param name        as written in the job file and on the command line without dashes ({@code min-tissue})
 * @param type        what values it takes
 * @param description one line, for error messages and documentation
 * @param choices     allowed values of a {@link Type#CHOICE} option (empty otherwise)
 */
public record StepOption(String name, Type type, String description, List<String> choices) {
    public StepOption {
        choices = List.copyOf(choices);
    }

    public enum Type {
        /** A whole number; the value is a {@link Long}. */
        INTEGER,
        /** Any number; the value is a {@link Double}. */
        NUMBER,
        /** true or false; the value is a {@link Boolean}. */
        BOOLEAN,
        /** Text; the value is a {@link String}. */
        TEXT,
        /**
         * A file or folder; the value is a {@link String}. A job file resolves a relative one against
         * its own folder, as it does {@code inputs} and {@code output}.
         */
        PATH,
        /** A memory size ({@code 512m}, {@code 4g}, or bytes); the value is a {@link Long} of bytes. */
        SIZE,
        /** One of {@link StepOption#choices()}; the value is that {@link String}. */
        CHOICE
    }

    public static StepOption integer(String name, String description) {
        return new StepOption(name, Type.INTEGER, description, List.of());
    }

    public static StepOption number(String name, String description) {
        return new StepOption(name, Type.NUMBER, description, List.of());
    }

    public static StepOption bool(String name, String description) {
        return new StepOption(name, Type.BOOLEAN, description, List.of());
    }

    public static StepOption text(String name, String description) {
        return new StepOption(name, Type.TEXT, description, List.of());
    }

    public static StepOption path(String name, String description) {
        return new StepOption(name, Type.PATH, description, List.of());
    }

    public static StepOption size(String name, String description) {
        return new StepOption(name, Type.SIZE, description, List.of());
    }

    public static StepOption choice(String name, String description, String... choices) {
        return new StepOption(name, Type.CHOICE, description, List.of(choices));
    }

    /**
     * The typed value of a YAML scalar (String, Long, Double or Boolean).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public Object convert(Object raw) {
        return switch (type) {
            case INTEGER -> switch (raw) {
                case Long l -> l;
                case Double d when d == Math.rint(d) && Math.abs(d) < 1e15 -> d.longValue();
                case String s -> parseLong(s);
                case null, default -> throw expected("a whole number", raw);
            };
            case NUMBER -> switch (raw) {
                case Long l -> l.doubleValue();
                case Double d -> d;
                case String s -> parseDouble(s);
                case null, default -> throw expected("a number", raw);
            };
            case BOOLEAN -> switch (raw) {
                case Boolean b -> b;
                case String s when s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false") -> Boolean.parseBoolean(s);
                case null, default -> throw expected("true or false", raw);
            };
            case TEXT -> switch (raw) {
                case String s -> s;
                case Long l -> l.toString();
                case Double d -> d.toString();
                case null, default -> throw expected("text", raw);
            };
            case PATH -> switch (raw) {
                case String s when !s.isBlank() -> s.strip();
                case null, default -> throw expected("a path", raw);
            };
            case SIZE -> switch (raw) {
                case Long l when l > 0 -> l;
                case String s -> parseSize(s);
                case null, default -> throw expected("a memory size such as 512m or 4g", raw);
            };
            case CHOICE -> {
                String s = raw instanceof String t ? t : raw instanceof Boolean || raw instanceof Number ? raw.toString() : null;
                if (s == null || !choices.contains(s.toLowerCase(Locale.ROOT))) {
                    throw expected("one of " + String.join(", ", choices), raw);
                }
                yield s.toLowerCase(Locale.ROOT);
            }
        };
    }

    private Long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw expected("a whole number", s);
        }
    }

    private Double parseDouble(String s) {
        try {
            double d = Double.parseDouble(s.strip());
            if (!Double.isFinite(d)) throw expected("a finite number", s);
            return d;
        } catch (NumberFormatException e) {
            throw expected("a number", s);
        }
    }

    private Long parseSize(String s) {
        try {
            return MemorySize.parse(s.strip());
        } catch (IllegalArgumentException e) {
            throw expected("a memory size such as 512m or 4g", s);
        }
    }

    private IllegalArgumentException expected(String what, Object raw) {
        String got = switch (raw) {
            case null -> "nothing";
            case String s -> "'" + s + "'";
            case java.util.Map<?, ?> m -> "a mapping";
            case java.util.List<?> l -> "a list";
            default -> raw.toString();
        };
        return new IllegalArgumentException("option '" + name + "' expects " + what + ", not " + got);
    }
}
