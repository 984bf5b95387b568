package io.fmi.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmi.FmiConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One block of the {@code backends} section, e.g. {@code backends.Redis}, with typed accessors
 * whose errors name the field's JSON path. {@code ${ENV}} references are already substituted.
 *
 * <p>Fields common to every backend: {@code enabled} (default true), {@code timeout} (ms, the first
 * polling interval of storage channels, default {@value #DEFAULT_POLL_MS}) and {@code max_timeout}
 * (ms, the deadline of every operation on this channel, default {@value #DEFAULT_MAX_TIMEOUT_MS}).
 * A {@link io.fmi.spi.ChannelProvider} reads its own fields and calls {@link #rejectUnknown(Set)}
 * so that a misspelt field is an error rather than silently ignored.
 */
public final class BackendConfig {
    /** Default first polling interval in ms. */
    public static final long DEFAULT_POLL_MS = 10;
    /** Default operation deadline in ms; serverless cold starts can take seconds. */
    public static final long DEFAULT_MAX_TIMEOUT_MS = 30_000;

    static final Set<String> COMMON_FIELDS = Set.of("enabled", "timeout", "max_timeout");

    private final String name;
    private final ObjectNode node;

    BackendConfig(String name, ObjectNode node) {
        this.name = Objects.requireNonNull(name);
        this.node = node;
    }

    /** A block built in code, e.g. {@code BackendConfig.of("Local", Map.of())} for tests. */
    public static BackendConfig of(String name, java.util.Map<String, ?> fields) {
        ObjectNode node = FmiConfig.MAPPER.valueToTree(fields);
        BackendConfig config = new BackendConfig(name, node);
        config.validateCommon();
        return config;
    }

    void validateCommon() {
        bool("enabled", true);
        pollInterval();
        maxTimeout();
    }

    /** The backend's name (the key in {@code backends}). */
    public String name() {
        return name;
    }

    /** The JSON path of a field, e.g. {@code backends.Redis.port}. */
    public String path(String field) {
        return "backends." + name + "." + field;
    }

    /** Whether the backend is enabled ({@code enabled}, default true). */
    public boolean enabled() {
        return bool("enabled", true);
    }

    /**
     * {@code heartbeat_ms}: how often a storage channel writes this peer's liveness mark (0 turns
     * failure detection off); {@code defaultMs} is the backend's default.
     */
    public Duration heartbeat(long defaultMs) {
        return Duration.ofMillis(integer("heartbeat_ms", defaultMs, 0, 600_000));
    }

    /** {@code timeout}: the first interval of a polling wait. */
    public Duration pollInterval() {
        return Duration.ofMillis(integer("timeout", DEFAULT_POLL_MS, 0, 3_600_000));
    }

    /** {@code max_timeout}: the deadline of every operation on this channel. */
    public Duration maxTimeout() {
        return Duration.ofMillis(integer("max_timeout", DEFAULT_MAX_TIMEOUT_MS, 1, 86_400_000));
    }

    /** Whether the field is present (and not null). */
    public boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    /** A string field, or {@code defaultValue} when absent. */
    public String string(String field, String defaultValue) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw invalid(field, value, "a string");
        }
        return value.asText();
    }

    /** A string field that must be present and non-empty. */
    public String requiredString(String field) {
        String value = string(field, null);
        if (value == null || value.isEmpty()) {
            throw new FmiConfigException(path(field) + " is required for the " + name + " backend and is missing");
        }
        return value;
    }

    /** An integer field in {@code [min, max]}; numeric strings (e.g. from {@code ${PORT}}) are accepted. */
    public long integer(String field, long defaultValue, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        long parsed;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            parsed = value.asLong();
        } else if (value.isNumber() && value.asDouble() == Math.rint(value.asDouble())) {
            parsed = (long) value.asDouble();
        } else if (value.isTextual()) {
            try {
                parsed = Long.parseLong(value.asText().trim());
            } catch (NumberFormatException e) {
                throw invalid(field, value, "a whole number in [" + min + ", " + max + "]");
            }
        } else {
            throw invalid(field, value, "a whole number in [" + min + ", " + max + "]");
        }
        if (parsed < min || parsed > max) {
            throw invalid(field, value, "a whole number in [" + min + ", " + max + "]");
        }
        return parsed;
    }

    /** A boolean field; the strings {@code "true"} and {@code "false"} are accepted. */
    public boolean bool(String field, boolean defaultValue) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
            return Boolean.parseBoolean(value.asText());
        }
        throw invalid(field, value, "true or false");
    }

    /** The raw JSON of a field, for nested structures; null when absent. */
    public JsonNode raw(String field) {
        return node.get(field);
    }

    /**
     * Fails with the JSON path of the first field that is neither common nor in {@code known}, and
     * lists the fields that are accepted.
     */
    public void rejectUnknown(Set<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!COMMON_FIELDS.contains(field) && !known.contains(field)) {
                Set<String> all = new LinkedHashSet<>(COMMON_FIELDS);
                all.addAll(known);
                List<String> sorted = new ArrayList<>(all);
                Collections.sort(sorted);
                throw new FmiConfigException(path(field) + ": unknown field for the " + name
                        + " backend; accepted fields are " + sorted);
            }
        }
    }

    private FmiConfigException invalid(String field, JsonNode value, String expected) {
        return new FmiConfigException(path(field) + " is " + value + "; expected " + expected);
    }

    @Override
    public String toString() {
        return "backends." + name;
    }
}
