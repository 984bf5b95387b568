package io.fmi.spi;

import java.nio.ByteBuffer;

/**
 * A channel over shared storage: peers exchange data by writing and reading keys. Keys passed to
 * these methods are relative ({@code <op>-<seq>/<src>-<dst>}); the channel prefixes them with
 * {@link ChannelContext#keyPrefix()} so that communicators never see each other's data.
 *
 * <p>Each key is written once, by one peer, with the number of peers that will read it. A channel
 * may delete an object once that many reads have happened (Redis and the in-memory store do); it
 * must expire everything it writes (TTL or a documented lifecycle rule), and {@link #close()}
 * deletes what this peer wrote and is still there. No method may scan the whole store.
 */
public interface ObjectStoreChannel extends Channel {

    /**
     * Stores the bytes between {@code value}'s position and limit under {@code key}, to be read by
     * {@code readers} peers.
     *
     * @throws io.fmi.FmiTimeoutException if the write did not complete before the deadline
     * @throws io.fmi.ChannelException    if the backend rejected it
     */
    void put(String key, ByteBuffer value, int readers, Deadline deadline);

    /**
     * Waits until {@code key} exists and returns its value: by blocking where the backend can (e.g.
     * Redis lists), otherwise by polling with backoff. Never waits past the deadline.
     *
     * @throws io.fmi.FmiTimeoutException if the key did not appear before the deadline
     * @throws io.fmi.ChannelException    if the backend failed
     */
    byte[] get(String key, Deadline deadline);

    /**
     * One attempt to read {@code key}: its value (consumed as {@link #get} would), or null if it does
     * not exist yet. Never waits.
     *
     * @throws io.fmi.ChannelException if the backend failed
     */
    byte[] tryGet(String key);

    /** A value read by {@link #getAny}: which of the keys it was under, and the value. */
    record Taken(int index, byte[] value) {
    }

    /**
     * Waits until one of {@code keys} exists and returns it (consumed, as {@link #get} would): the
     * wildcard receive, without listing or scanning. The default polls {@link #tryGet} over the
     * keys with backoff from 1 ms to 50 ms; a backend that can block on several keys at once (Redis'
     * {@code BLPOP}) or has its own polling settings overrides it. Each polling round costs one
     * read per key.
     *
     * @throws io.fmi.FmiTimeoutException if none appeared before the deadline
     */
    default Taken getAny(java.util.List<String> keys, Deadline deadline) {
        return new Poller(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(50)).await(() -> {
            for (int i = 0; i < keys.size(); i++) {
                byte[] value = tryGet(keys.get(i));
                if (value != null) {
                    return new Taken(i, value);
                }
            }
            return null;
        }, deadline, () -> name() + ": none of the keys " + keys);
    }

    /** The largest value {@link #put} accepts; larger messages are rejected before any write. */
    default long maxValueBytes() {
        return Integer.MAX_VALUE - 8;
    }
}
