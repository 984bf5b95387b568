package io.fmi.spi;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

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
    default Taken getAny(List<String> keys, Deadline deadline) {
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

    // ---- failure detection (optional) ----

    /**
     * How often this peer writes its liveness mark ({@code heartbeat_ms} in the backend's block);
     * {@link Duration#ZERO} (the default) turns failure detection off for this channel. With it on,
     * the communicator writes a mark every interval, and a peer waiting for another's value reads
     * that writer's mark about once per interval: a writer whose mark stopped changing or vanished
     * fails the wait with a {@link io.fmi.ChannelException} naming it, instead of at the deadline.
     * A channel that returns non-zero implements the three mark methods.
     */
    default Duration heartbeat() {
        return Duration.ZERO;
    }

    /**
     * Writes (replaces) a small mark under {@code key} (relative, like every key here): unlike
     * {@link #put} it is not consumed by reads and may be overwritten. Expires after {@code ttl}
     * where the backend can expire values; otherwise lives until {@link #deleteMarks}.
     */
    default void putMark(String key, byte[] value, Duration ttl) {
        throw new UnsupportedOperationException(name() + " does not implement marks (failure detection)");
    }

    /**
     * The current values of the marks under {@code keys}, null for those that do not exist (or have
     * expired), in one request where the backend can (Redis {@code MGET}, DynamoDB
     * {@code BatchGetItem}). Never waits.
     */
    default byte[][] getMarks(List<String> keys) {
        throw new UnsupportedOperationException(name() + " does not implement marks (failure detection)");
    }

    /** Deletes the marks under {@code keys}; keys that do not exist are no error. */
    default void deleteMarks(List<String> keys) {
        throw new UnsupportedOperationException(name() + " does not implement marks (failure detection)");
    }

    /**
     * A peer of this job was found gone (it crashed or was killed, so it will never delete what it
     * wrote): delete the values left under {@code relativePrefix} (relative, like every key here:
     * the core passes the prefix of its values, not of the marks, which survivors still read),
     * where the backend can find them without reading the whole store. Called by survivors at close,
     * after {@link #abandon()}-style clean-up of their own values; the job is over for every peer.
     * Default: nothing (the backend's expiry removes the gone peer's values). S3 lists the prefix
     * (one listing per 1000 keys); Redis walks the prefix with {@code SCAN MATCH}.
     */
    default void sweep(String relativePrefix) {
    }

    /** The largest value {@link #put} accepts; larger messages are rejected before any write. */
    default long maxValueBytes() {
        return Integer.MAX_VALUE - 8;
    }
}
