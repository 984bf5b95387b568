package io.fmi.channel.s3;

import io.fmi.config.BackendConfig;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelProvider;

/** Provides the {@code S3} backend. */
public final class S3ChannelProvider implements ChannelProvider {
    @Override
    public String name() {
        return S3Channel.NAME;
    }

    @Override
    public Channel create(BackendConfig config) {
        return new S3Channel(new S3Settings(config));
    }
}
