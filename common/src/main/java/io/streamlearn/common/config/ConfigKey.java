package io.streamlearn.common.config;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One documented configuration key: its full name ({@code streamlearn.<service>.<name>}), default,
 * parser and validity rule. Keys map to environment variables by upper-casing and turning dots into
 * underscores ({@code streamlearn.ingest.http.port} is {@code STREAMLEARN_INGEST_HTTP_PORT}).
 */
public final class ConfigKey<T> {
    private final String name;
    private final String defaultValue;
    private final String doc;
    private final Function<String, T> parser;
    private final Predicate<T> valid;
    private final String rule;

    private ConfigKey(String name, String defaultValue, String doc, Function<String, T> parser,
                      Predicate<T> valid, String rule) {
        this.name = Objects.requireNonNull(name);
        this.defaultValue = defaultValue;
        this.doc = doc;
        this.parser = parser;
        this.valid = valid;
        this.rule = rule;
    }

    public static ConfigKey<String> string(String name, String defaultValue, String doc) {
        return new ConfigKey<>(name, defaultValue, doc, Function.identity(), s -> !s.isBlank(), "must not be blank");
    }

    /** A string that may be empty (e.g. an optional path or token). */
    public static ConfigKey<String> optionalString(String name, String doc) {
        return new ConfigKey<>(name, "", doc, Function.identity(), s -> true, "");
    }

    public static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max, String doc) {
        return new ConfigKey<>(name, Integer.toString(defaultValue), doc, Integer::valueOf,
                v -> v >= min && v <= max, "must be an integer in [" + min + ", " + max + "]");
    }

    public static ConfigKey<Long> longInteger(String name, long defaultValue, long min, long max, String doc) {
        return new ConfigKey<>(name, Long.toString(defaultValue), doc, Long::valueOf,
                v -> v >= min && v <= max, "must be an integer in [" + min + ", " + max + "]");
    }

    public static ConfigKey<Double> decimal(String name, double defaultValue, double min, double max, String doc) {
        return new ConfigKey<>(name, Double.toString(defaultValue), doc, Double::valueOf,
                v -> v >= min && v <= max, "must be a number in [" + min + ", " + max + "]");
    }

    public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
        return new ConfigKey<>(name, Boolean.toString(defaultValue), doc, ConfigKey::parseBoolean, v -> true, "");
    }

    /** Restricts the accepted values of a string key to the given choices. */
    public static ConfigKey<String> choice(String name, String defaultValue, String doc, String... choices) {
        var allowed = java.util.List.of(choices);
        return new ConfigKey<>(name, defaultValue, doc, Function.identity(), allowed::contains,
                "must be one of " + allowed);
    }

    private static Boolean parseBoolean(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean: " + s);
        };
    }

    public String name() {
        return name;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    public String envName() {
        return name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    T parse(String raw) {
        T value;
        try {
            value = parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(name + " = '" + raw + "' is invalid: " + (rule.isEmpty() ? e.getMessage() : rule), e);
        }
        if (!valid.test(value)) {
            throw new ConfigException(name + " = '" + raw + "' is invalid: " + rule);
        }
        return value;
    }

    /** One line for {@code --help} and the README: key, env variable, default and meaning. */
    public String describe() {
        return String.format("  %-45s %s (default: %s)%n      %s", name, envName(),
                defaultValue == null || defaultValue.isEmpty() ? "none" : defaultValue, doc);
    }

    @Override
    public String toString() {
        return name;
    }
}
