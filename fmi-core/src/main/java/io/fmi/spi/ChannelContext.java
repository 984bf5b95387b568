package io.fmi.spi;

import java.util.Objects;

/**
 * What a channel learns about the communicator it serves when it is opened.
 *
 * @param rank             this peer's rank, in {@code [0, size)}
 * @param size             the number of peers
 * @param communicatorName the communicator's name, unique per concurrently running job; channels
 *                         use it to keep jobs apart (key prefixes, pairing names)
 * @param namespace        a prefix for everything the channel stores, from the config's
 *                         {@code namespace} (default {@code fmi})
 * @param events           where the channel reports pairings, retries and gone peers
 */
public record ChannelContext(int rank, int size, String communicatorName, String namespace, ChannelEvents events) {
    public ChannelContext {
        Objects.requireNonNull(communicatorName, "communicatorName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(events, "events");
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + size + ")");
        }
    }

    /** A context whose channel reports to nobody. */
    public ChannelContext(int rank, int size, String communicatorName, String namespace) {
        this(rank, size, communicatorName, namespace, ChannelEvents.NONE);
    }

    /** {@code <namespace>/<communicator>/}: the prefix of every key an object-store channel writes. */
    public String keyPrefix() {
        return namespace + "/" + communicatorName + "/";
    }

    /** {@code keys} (relative to the communicator) with {@link #keyPrefix()} in front: the keys in the store. */
    public java.util.List<String> fullKeys(java.util.List<String> keys) {
        String prefix = keyPrefix();
        return keys.stream().map(k -> prefix + k).collect(java.util.stream.Collectors.toList());
    }
}
