package io.fmi.channel.direct;

import io.fmi.config.BackendConfig;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelProvider;

/** Provides the {@code Direct} backend. */
public final class DirectChannelProvider implements ChannelProvider {
    @Override
    public String name() {
        return DirectChannel.NAME;
    }

    @Override
    public Channel create(BackendConfig config) {
        return new DirectChannel(new DirectSettings(config));
    }

    /** The model's defaults for this channel (the C++ FMI's parameter names and, for AWS, its measurements). */
    @Override
    public java.util.Map<String, Double> modelDefaults() {
        return java.util.Map.of("overhead", 0.42, "bandwidth", 467.0, "transfer_price", 0.0, "vm_price", 0.0134,
                "requests_per_hour", 1000.0, "include_infrastructure_costs", 1.0);
    }
}
