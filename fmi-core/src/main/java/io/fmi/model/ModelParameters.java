package io.fmi.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The numbers the model works with for one channel: the defaults its provider supplies (the C++
 * FMI's parameter names; the AWS channels' values are from its published measurements), overridden by the config's
 * {@code model.<channel>} section. Units: {@code overhead} in ms, bandwidths in MB/s (10^6 bytes),
 * prices in dollars (per request, per GB transferred, per instance-hour).
 */
public final class ModelParameters {
    private static final Map<String, Double> PEER_TO_PEER = Map.of("overhead", 0.5, "bandwidth", 100.0);
    private static final Map<String, Double> OBJECT_STORE = Map.of("overhead", 5.0, "bandwidth", 100.0);

    private final String channel;
    private final Map<String, Double> values;

    private ModelParameters(String channel, Map<String, Double> values) {
        this.channel = channel;
        this.values = values;
    }

    /**
     * The parameters of {@code channel}: the defaults its {@link io.fmi.spi.ChannelProvider}
     * supplies ({@link io.fmi.spi.ChannelProvider#modelDefaults()}; generic ones for its kind when
     * there is no provider of that name or it supplies none), overridden by {@code configured}.
     */
    public static ModelParameters of(String channel, boolean peerToPeer, Map<String, Double> configured) {
        Map<String, Double> family = io.fmi.spi.ChannelProviders.find(channel)
                .map(io.fmi.spi.ChannelProvider::modelDefaults).orElse(Map.of());
        Map<String, Double> merged = new HashMap<>(family.isEmpty() ? peerToPeer ? PEER_TO_PEER : OBJECT_STORE : family);
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

    /** These parameters with {@code changes} in place of (or added to) some. */
    ModelParameters with(Map<String, Double> changes) {
        Map<String, Double> merged = new HashMap<>(values);
        merged.putAll(changes);
        return new ModelParameters(channel, merged);
    }

    /** All parameters, for calibration output. */
    public Map<String, Double> asMap() {
        return Map.copyOf(values);
    }
}
