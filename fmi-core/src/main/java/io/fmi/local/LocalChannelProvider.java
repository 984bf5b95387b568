package io.fmi.local;

import io.fmi.config.BackendConfig;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelProvider;
import java.util.Set;

/** Provides the {@code Local} backend: {@link LocalChannel} on the shared hub. */
public final class LocalChannelProvider implements ChannelProvider {
    @Override
    public String name() {
        return LocalChannel.NAME;
    }

    @Override
    public Channel create(BackendConfig config) {
        config.rejectUnknown(Set.of());
        return new LocalChannel();
    }

    /** The model's defaults for this channel (the C++ FMI's parameter names and, for AWS, its measurements). */
    @Override
    public java.util.Map<String, Double> modelDefaults() {
        return java.util.Map.of("overhead", 0.02, "bandwidth", 3000.0);
    }
}
