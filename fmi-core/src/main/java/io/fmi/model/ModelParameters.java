package io.fmi.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The numbers the model works with for one channel: the defaults for its family (the C++ FMI's
 * parameter names, with values from its published AWS measurements), overridden by the config's
 * {@code model.<channel>} section. Units: {@code overhead} in ms, bandwidths in MB/s (10^6 bytes),
 * prices in dollars (per request, per GB transferred, per instance-hour).
 */
public final class ModelParameters {
    private static final Map<String, Map<String, Double>> DEFAULTS = Map.of(
            "Local", Map.of("overhead", 0.02, "bandwidth", 3000.0),
            "LocalStore", Map.of("overhead", 0.03, "bandwidth", 3000.0),
            "Direct", Map.of("overhead", 0.42, "bandwidth", 467.0, "transfer_price", 0.0, "vm_price", 0.0134,
                    "requests_per_hour", 1000.0, "include_infrastructure_costs", 1.0),
            "Redis", Map.of("overhead", 1.8, "bandwidth_single", 100.0, "bandwidth_multiple", 400.0,
                    "transfer_price", 0.0, "instance_price", 0.0624, "requests_per_hour", 1000.0,
                    "include_infrastructure_costs", 1.0),
            "S3", Map.of("overhead", 36.0, "bandwidth", 50.0, "transfer_price", 0.0, "download_price", 0.0000004,
                    "upload_price", 0.000005, "polling", 1.0),
            "DynamoDB", Map.of("overhead", 34.0, "bandwidth", 30.0, "transfer_price", 0.0,
                    "read_unit_price", 0.000000125, "write_unit_price", 0.000000625, "item_bytes", 380000.0,
                    "polling", 1.0));
    private static final Map<String, Double> PEER_TO_PEER = Map.of("overhead", 0.5, "bandwidth", 100.0);
    private static final Map<String, Double> OBJECT_STORE = Map.of("overhead", 5.0, "bandwidth", 100.0);

    private final String channel;
    private final Map<String, Double> values;

    private ModelParameters(String channel, Map<String, Double> values) {
        this.channel = channel;
        this.values = values;
    }

    /**
     * The parameters of {@code channel}: its family's defaults (by name; otherwise generic ones for
     * its kind) overridden by {@code configured}.
     */
    public static ModelParameters of(String channel, boolean peerToPeer, Map<String, Double> configured) {
        Map<String, Double> merged = new HashMap<>(DEFAULTS.getOrDefault(channel, peerToPeer ? PEER_TO_PEER : OBJECT_STORE));
        merged.putAll(configured);
        return new ModelParameters(channel, merged);
    }

    /** The channel these parameters describe. */
    public String channel() {
        return channel;
    }

    /** A parameter, or {@code fallback} when neither the defaults nor the config have it. */
    public double get(String name, double fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** Seconds of per-request overhead. */
    double overheadSeconds() {
        return get("overhead", 1.0) / 1000.0;
    }

    /** Bytes per second of one transfer ({@code bandwidth}, or Redis' {@code bandwidth_single}). */
    double bandwidth() {
        return get("bandwidth", get("bandwidth_single", 100.0)) * 1e6;
    }

    /** Bytes per second of many concurrent transfers ({@code bandwidth_multiple}, or unlimited). */
    double aggregateBandwidth() {
        return get("bandwidth_multiple", Double.POSITIVE_INFINITY) * 1e6;
    }

    /** All parameters, for calibration output. */
    public Map<String, Double> asMap() {
        return Map.copyOf(values);
    }
}
