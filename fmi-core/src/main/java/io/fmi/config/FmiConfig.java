package io.fmi.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fmi.FmiConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The parsed, validated and immutable configuration: a superset of the C++ FMI {@code fmi.json}.
 *
 * <pre>{@code
 * {
 *   "namespace": "fmi",                       // optional prefix of everything stored
 *   "backends": {
 *     "Redis":  { "enabled": true, "host": "127.0.0.1", "port": 6379, "timeout": 1, "max_timeout": 1000 },
 *     "S3":     { "enabled": false, "bucket_name": "b", "s3_region": "eu-central-1" },
 *     "Direct": { "enabled": false, "host": "${RENDEZVOUS_HOST}", "port": 10000 }
 *   },
 *   "model": { "FaaS": { "gib_second_price": 0.0000166667 }, "Redis": { "overhead": 5.2 } }
 * }
 * }</pre>
 * String values may contain {@code ${VAR}} or {@code ${VAR:-default}}, substituted from the
 * environment when the file is loaded (Lambda settings). The original's {@code performance}
 * section is accepted as an alias of {@code model}. Errors name the JSON path.
 */
public final class FmiConfig {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Set<String> TOP_LEVEL = Set.of("namespace", "backends", "model", "performance");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final String namespace;
    private final Map<String, BackendConfig> backends;
    private final Map<String, Map<String, Double>> model;

    private FmiConfig(String namespace, Map<String, BackendConfig> backends, Map<String, Map<String, Double>> model) {
        this.namespace = namespace;
        this.backends = Collections.unmodifiableMap(backends);
        this.model = Collections.unmodifiableMap(model);
    }

    /** Loads a config file, substituting {@code ${VAR}} from the process environment. */
    public static FmiConfig load(Path path) {
        Objects.requireNonNull(path, "path");
        String json;
        try {
            json = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new FmiConfigException("config file " + path.toAbsolutePath() + " does not exist");
        } catch (IOException e) {
            throw new FmiConfigException("config file " + path.toAbsolutePath() + " cannot be read: " + e, e);
        }
        try {
            return parse(json, System::getenv);
        } catch (FmiConfigException e) {
            throw new FmiConfigException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses JSON text, substituting {@code ${VAR}} from the process environment. */
    public static FmiConfig parse(String json) {
        return parse(json, System::getenv);
    }

    /** Parses JSON text, substituting {@code ${VAR}} with {@code env} (null for unset variables). */
    public static FmiConfig parse(String json, Function<String, String> env) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new FmiConfigException("config is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (root == null || !root.isObject()) {
            throw new FmiConfigException("config must be a JSON object with a \"backends\" section");
        }
        substitute((ObjectNode) root, "", env);
        return fromTree((ObjectNode) root);
    }

    private static FmiConfig fromTree(ObjectNode root) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                throw new FmiConfigException(field + ": unknown top-level field; accepted are " + TOP_LEVEL);
            }
        }
        String namespace = root.path("namespace").asText("fmi");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new FmiConfigException("namespace is \"" + namespace
                    + "\"; expected 1-64 characters from [A-Za-z0-9._-]");
        }
        JsonNode backendsNode = root.get("backends");
        if (backendsNode == null || !backendsNode.isObject()) {
            throw new FmiConfigException("backends: missing or not an object; it lists the channels, e.g."
                    + " {\"backends\": {\"Redis\": {\"host\": \"127.0.0.1\", \"port\": 6379}}}");
        }
        Map<String, BackendConfig> backends = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = backendsNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isObject()) {
                throw new FmiConfigException("backends." + entry.getKey() + " is " + entry.getValue()
                        + "; expected an object");
            }
            BackendConfig backend = new BackendConfig(entry.getKey(), (ObjectNode) entry.getValue());
            backend.validateCommon();
            backends.put(entry.getKey(), backend);
        }
        if (root.has("model") && root.has("performance")) {
            throw new FmiConfigException("performance: the legacy alias of model; give only one of model and performance");
        }
        String modelName = root.has("model") ? "model" : "performance";
        return new FmiConfig(namespace, backends, parseModel(root.get(modelName), modelName));
    }

    private static Map<String, Map<String, Double>> parseModel(JsonNode node, String path) {
        Map<String, Map<String, Double>> model = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return model;
        }
        if (!node.isObject()) {
            throw new FmiConfigException(path + " is " + node + "; expected an object of per-channel parameters");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            String sectionPath = path + "." + section.getKey();
            if (!section.getValue().isObject()) {
                throw new FmiConfigException(sectionPath + " is " + section.getValue() + "; expected an object");
            }
            Map<String, Double> params = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> p = section.getValue().fields(); p.hasNext(); ) {
                Map.Entry<String, JsonNode> param = p.next();
                JsonNode v = param.getValue();
                double value;
                if (v.isNumber()) {
                    value = v.asDouble();
                } else if (v.isBoolean()) {
                    value = v.asBoolean() ? 1 : 0;
                } else if (v.isTextual()) {
                    try {
                        value = Double.parseDouble(v.asText().trim());
                    } catch (NumberFormatException e) {
                        throw new FmiConfigException(sectionPath + "." + param.getKey() + " is " + v + "; expected a number");
                    }
                } else {
                    throw new FmiConfigException(sectionPath + "." + param.getKey() + " is " + v + "; expected a number");
                }
                if (!Double.isFinite(value) || value < 0) {
                    throw new FmiConfigException(sectionPath + "." + param.getKey() + " is " + v
                            + "; expected a finite number >= 0");
                }
                params.put(param.getKey(), value);
            }
            model.put(section.getKey(), Collections.unmodifiableMap(params));
        }
        return model;
    }

    private static void substitute(ObjectNode node, String path, Function<String, String> env) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String fieldPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isObject()) {
                substitute((ObjectNode) value, fieldPath, env);
            } else if (value.isTextual() && value.asText().contains("${")) {
                entry.setValue(MAPPER.getNodeFactory().textNode(expand(value.asText(), fieldPath, env)));
            }
        }
    }

    private static String expand(String text, String path, Function<String, String> env) {
        java.util.regex.Matcher m = ENV_REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                value = m.group(3);
            }
            if (value == null) {
                throw new FmiConfigException(path + " refers to ${" + m.group(1) + "}, which is not set;"
                        + " set the environment variable or write ${" + m.group(1) + ":-default}");
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A configuration with the two in-memory channels ({@code Local}, {@code LocalStore}) enabled:
     * peers running as threads of one JVM, for tests and demos.
     */
    public static FmiConfig local() {
        return parse("{\"backends\": {\"Local\": {}, \"LocalStore\": {}}}", name -> null);
    }

    /** This configuration with only backend {@code name} enabled (for calibrating one channel at a time). */
    public FmiConfig only(String name) {
        BackendConfig backend = backends.get(name);
        if (backend == null) {
            throw new FmiConfigException("backends." + name + " is not configured; configured are " + backends.keySet());
        }
        return new FmiConfig(namespace, Map.of(name, backend), model);
    }

    /** The prefix of everything stored ({@code namespace}, default {@code fmi}). */
    public String namespace() {
        return namespace;
    }

    /** Every block of {@code backends}, enabled or not, in file order. */
    public Map<String, BackendConfig> backends() {
        return backends;
    }

    /** The enabled blocks of {@code backends}, in file order. */
    public Map<String, BackendConfig> enabledBackends() {
        Map<String, BackendConfig> enabled = new LinkedHashMap<>();
        backends.forEach((name, backend) -> {
            if (backend.enabled()) {
                enabled.put(name, backend);
            }
        });
        return enabled;
    }

    /** The numeric parameters of {@code model.<section>} (e.g. {@code FaaS}, {@code Redis}); empty when absent. */
    public Map<String, Double> model(String section) {
        return model.getOrDefault(section, Map.of());
    }

    /** The names of all {@code model} sections present. */
    public Set<String> modelSections() {
        return model.keySet();
    }
}
