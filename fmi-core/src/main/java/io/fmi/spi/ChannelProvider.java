package io.fmi.spi;

import io.fmi.config.BackendConfig;

/**
 * Creates channels from their configuration block. Providers are found with
 * {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.fmi.spi.ChannelProvider}. The communicator asks the provider whose
 * {@link #name()} equals a key of the config's {@code backends} section.
 */
public interface ChannelProvider {

    /** The backend name this provider serves, e.g. {@code Redis}; matched exactly. */
    String name();

    /**
     * Validates {@code config} (calling {@link BackendConfig#rejectUnknown(java.util.Set)}) and
     * returns an unopened channel. Fails with an {@link io.fmi.FmiConfigException} naming the JSON
     * path of the first invalid field.
     */
    Channel create(BackendConfig config);

    /**
     * The model's parameters for this channel family (the names of the config's {@code model}
     * section: {@code overhead} in ms, bandwidths in MB/s, prices in dollars), which a config's
     * {@code model.<name>} section and calibration override. Empty (the default): the model's
     * generic values for the channel's kind.
     */
    default java.util.Map<String, Double> modelDefaults() {
        return java.util.Map.of();
    }
}
