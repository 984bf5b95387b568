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
}
