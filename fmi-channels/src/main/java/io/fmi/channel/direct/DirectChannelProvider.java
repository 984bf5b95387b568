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
}
