package io.fmi.local;

import io.fmi.config.BackendConfig;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelProvider;
import java.util.Set;

/**
 * Provides the {@code LocalStore} backend: {@link LocalStoreChannel} on the shared hub. Accepts
 * {@code max_value_bytes} to split large messages as a size-limited store would.
 */
public final class LocalStoreChannelProvider implements ChannelProvider {
    @Override
    public String name() {
        return LocalStoreChannel.NAME;
    }

    @Override
    public Channel create(BackendConfig config) {
        config.rejectUnknown(Set.of("max_value_bytes", "heartbeat_ms"));
        long max = config.integer("max_value_bytes", Integer.MAX_VALUE - 8, 16, Integer.MAX_VALUE - 8);
        return new LocalStoreChannel(LocalHub.shared(), max).heartbeat(config.heartbeat(200));
    }

    /** The model's defaults for this channel (the C++ FMI's parameter names and, for AWS, its measurements). */
    @Override
    public java.util.Map<String, Double> modelDefaults() {
        return java.util.Map.of("overhead", 0.03, "bandwidth", 3000.0);
    }
}
