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

    /** The model's defaults for this channel (the C++ FMI's parameter names and, for AWS, its measurements). */
    @Override
    public java.util.Map<String, Double> modelDefaults() {
        return java.util.Map.of("overhead", 34.0, "bandwidth", 30.0, "transfer_price", 0.0,
                "read_unit_price", 0.000000125, "write_unit_price", 0.000000625, "item_bytes", 380000.0,
                "polling", 1.0);
    }
}
