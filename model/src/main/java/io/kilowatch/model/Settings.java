package io.kilowatch.model;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Layered key/value settings behind each service's typed configuration record: built-in
 * defaults, then a properties file, then environment variables, later layers winning.
 *
 * <p>A key {@code mqtt.url} is overridden by the environment variable {@code KW_MQTT_URL}
 * (prefix {@code KW_}, dots and dashes to underscores, upper case), so one naming scheme serves
 * files, scripts and CI. The one I/O here is {@link #load} reading a service's own optional
 * properties file at start-up; the wire format stays free of it.
 */
public final class Settings {
    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    /** Defaults, then {@code file} if given, then {@code env}: what every service's config record starts from. */
    public static Settings load(Map<String, String> defaults, java.nio.file.Path file, Map<String, String> env)
            throws java.io.IOException {
        Properties p = new Properties();
        if (file != null) {
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        return of(defaults, p, env);
    }

    public static Settings of(Map<String, String> defaults, Properties file, Map<String, String> env) {
        Map<String, String> merged = new HashMap<>(defaults);
        for (String k : file.stringPropertyNames()) {
            merged.put(k, file.getProperty(k).trim());
        }
        for (String k : merged.keySet().toArray(String[]::new)) {
            String v = env.get(envName(k));
            if (v != null) {
                merged.put(k, v.trim());
            }
        }
        return new Settings(merged);
    }

    /** {@code kafka.bootstrap-servers} → {@code KW_KAFKA_BOOTSTRAP_SERVERS}. */
    public static String envName(String key) {
        return "KW_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(
                    "no setting '" + key + "' (and no default); set it in the file or as " + envName(key));
        }
        return v;
    }

    public String getOrNull(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    public int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + get(key) + "'");
        }
    }

    public long getLong(String key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + get(key) + "'");
        }
    }

    public double getDouble(String key) {
        try {
            return Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a number, got '" + get(key) + "'");
        }
    }

    public boolean getBoolean(String key) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("setting '" + key + "' must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    /** ISO-8601 ({@code PT15M}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 2h}. */
    public Duration getDuration(String key) {
        return parseDuration(key, get(key));
    }

    public static Duration parseDuration(String key, String v) {
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "setting '" + key + "' must be a duration like PT15M, 500ms, 30s, 2m, 2h; got '" + v + "'");
        }
    }

    /** Every setting whose key starts with {@code prefix}, with the prefix removed (pass-through client properties). */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new HashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
