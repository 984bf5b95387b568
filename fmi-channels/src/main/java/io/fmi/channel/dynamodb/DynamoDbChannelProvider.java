package io.fmi.channel.dynamodb;

import io.fmi.config.BackendConfig;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelProvider;

/** Provides the {@code DynamoDB} backend. */
public final class DynamoDbChannelProvider implements ChannelProvider {
    @Override
    public String name() {
        return DynamoDbChannel.NAME;
    }

    @Override
    public Channel create(BackendConfig config) {
        return new DynamoDbChannel(new DynamoDbSettings(config));
    }
}
