package io.fmi.channel.redis;

import io.fmi.config.BackendConfig;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelProvider;

/** Provides the {@code Redis} backend. */
public final class RedisChannelProvider implements ChannelProvider {
    @Override
    public String name() {
        return RedisChannel.NAME;
    }

    @Override
    public Channel create(BackendConfig config) {
        return new RedisChannel(new RedisSettings(config));
    }

    /** The model's defaults for this channel (the C++ FMI's parameter names and, for AWS, its measurements). */
    @Override
    public java.util.Map<String, Double> modelDefaults() {
        return java.util.Map.of("overhead", 1.8, "bandwidth_single", 100.0, "bandwidth_multiple", 400.0,
                "transfer_price", 0.0, "instance_price", 0.0624, "requests_per_hour", 1000.0,
                "include_infrastructure_costs", 1.0);
    }
}
