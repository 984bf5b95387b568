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

    /** The model's defaults for this channel (the C++ FMI's parameter names and, for AWS, its measurements). */
    @Override
    public java.util.Map<String, Double> modelDefaults() {
        return java.util.Map.of("overhead", 36.0, "bandwidth", 50.0, "transfer_price", 0.0, "download_price", 0.0000004,
                "upload_price", 0.000005, "polling", 1.0);
    }
}
