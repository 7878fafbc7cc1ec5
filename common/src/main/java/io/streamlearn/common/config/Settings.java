package io.streamlearn.common.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The raw {@code streamlearn.*} settings of a process, merged from (lowest precedence first) a properties
 * file, environment variables ({@code STREAMLEARN_...}) and explicit overrides such as command-line options.
 * Service config records read typed values from it through {@link ConfigKey}s and reject unknown keys
 * under their own prefix, so that a typo fails the start instead of being silently ignored. A file or override
 * naming an unknown section ({@code streamlearn.scorrer.x}) fails too; environment variables are exempt from that
 * check because tools share the {@code STREAMLEARN_} namespace ({@code STREAMLEARN_LOG_LEVEL},
 * {@code STREAMLEARN_BENCH_PYTHON}, the compose file's variables).
 */
public final class Settings {
    public static final String PREFIX = "streamlearn.";
    private static final String ENV_PREFIX = "STREAMLEARN_";
    /** The sections under {@link #PREFIX}: Kafka, the metrics endpoint, and one per service. */
    public static final Set<String> SECTIONS = Set.of("kafka", "metrics", "ingest", "trainer", "scorer", "monitoring");

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /**
     * Loads settings. Environment variables map to keys by lower-casing and turning underscores into
     * dots, so keys themselves use only dots. Keys outside {@code streamlearn.} are ignored.
     *
     * @throws ConfigException if the file cannot be read, or it or {@code overrides} holds a key under
     *                         {@code streamlearn.} outside the {@link #SECTIONS}
     */
    public static Settings load(Path propertiesFile, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>();
        if (propertiesFile != null) {
            Map<String, String> file = readProperties(propertiesFile);
            requireKnownSections(file.keySet(), propertiesFile.toString());
            merged.putAll(file);
        }
        requireKnownSections(overrides.keySet(), "the options");
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX)) {
                merged.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        merged.putAll(overrides);
        merged.keySet().removeIf(k -> !k.startsWith(PREFIX));
        return new Settings(merged);
    }

    private static void requireKnownSections(Collection<String> keys, String origin) {
        Set<String> unknown = new TreeSet<>();
        for (String key : keys) {
            if (key.startsWith(PREFIX)) {
                int end = key.indexOf('.', PREFIX.length());
                if (end < 0 || !SECTIONS.contains(key.substring(PREFIX.length(), end))) {
                    unknown.add(key);
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown configuration key(s) " + unknown + " in " + origin + ": keys go under "
                    + SECTIONS.stream().sorted().map(section -> PREFIX + section + ".").toList());
        }
    }

    private static Map<String, String> readProperties(Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new HashMap<>();
        props.stringPropertyNames().forEach(k -> out.put(k.trim(), props.getProperty(k)));
        return out;
    }

    public <T> T get(ConfigKey<T> key) {
        String raw = values.getOrDefault(key.name(), key.defaultValue());
        if (raw == null) {
            throw new ConfigException(key.name() + " is required (" + key.doc() + "); set it or " + key.envName());
        }
        return key.parse(raw);
    }

    /** Every setting under {@code prefix}, with the prefix removed (used to pass Kafka client settings through). */
    public Map<String, String> withPrefix(String prefix) {
        return values.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().substring(prefix.length()), Map.Entry::getValue));
    }

    /** Fails with a message listing the unknown keys under {@code prefix} and the keys that are valid there. */
    public void requireKnown(String prefix, Collection<? extends ConfigKey<?>> keys) {
        Set<String> known = keys.stream().map(ConfigKey::name).collect(Collectors.toSet());
        Set<String> unknown = new TreeSet<>();
        for (String k : values.keySet()) {
            if (k.startsWith(prefix) && !known.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown configuration key(s) " + unknown + "; valid keys under " + prefix
                    + " are " + new TreeSet<>(known));
        }
    }

    /** A copy where each of {@code defaults} applies only if the key is not set already. */
    public Settings withDefaults(Map<String, String> defaults) {
        Map<String, String> merged = new TreeMap<>(defaults);
        merged.putAll(values);
        return new Settings(merged);
    }

    /** A copy with {@code overrides} applied on top. */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new Settings(merged);
    }
}
