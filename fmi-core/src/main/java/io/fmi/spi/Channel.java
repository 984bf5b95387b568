package io.fmi.spi;

/**
 * A transport a communicator can route operations through. There are exactly two kinds, and the
 * collective algorithms are written once per kind: {@link PeerToPeerChannel} (messages between
 * two peers, e.g. direct TCP) and {@link ObjectStoreChannel} (keys in shared storage, e.g. S3,
 * DynamoDB, Redis).
 *
 * <p>Lifecycle: a channel is created unopened (by its {@link ChannelProvider} from the
 * configuration, or by the user), then {@link #open(ChannelContext) opened} exactly once by the
 * communicator that owns it, and {@link #close() closed} when that communicator closes. A channel
 * instance serves one peer of one communicator. Implementations must be safe for use by the
 * owning communicator's thread plus their own I/O threads; operations of one communicator are not
 * called concurrently.
 */
public interface Channel extends AutoCloseable {

    /** The channel's name, as in the configuration's {@code backends} section (e.g. {@code Redis}). */
    String name();

    /**
     * Connects to the backend for one peer of one communicator. Fails with a
     * {@link io.fmi.ChannelException} naming the endpoint if the backend cannot be reached.
     */
    void open(ChannelContext context);

    /**
     * How many requests of each kind this channel has made so far (e.g. {@code put}, {@code get},
     * {@code get_miss}, {@code delete}, {@code list}), for cost accounting. Empty when the backend
     * does not charge per request.
     */
    default java.util.Map<String, Long> requestCounts() {
        return java.util.Map.of();
    }

    /**
     * Releases connections and deletes what this peer stored. Idempotent; never throws for a
     * backend that has already gone away (it logs instead). Throws a
     * {@link io.fmi.ChannelException} only when messages it had accepted from sends were never
     * delivered (after releasing everything): such a loss must not pass in silence.
     */
    @Override
    void close();

    /**
     * This peer aborts the job ({@link io.fmi.Communicator#abort}): tell the other peers now, where
     * the channel can, so that their waiting operations fail with an
     * {@link io.fmi.FmiAbortedException} carrying {@code reason} (Direct sends an abort frame over
     * each open connection; the local channel fails the others' receives). {@link #abandon()}
     * follows. Storage channels with a {@link ObjectStoreChannel#heartbeat() heartbeat} are not
     * called: the core writes their abort marks. Never throws for an unreachable peer. Default:
     * nothing (the peers find out through their failure detection or deadline).
     */
    default void abort(String reason) {
    }

    /**
     * {@link #close()} for a job that has already failed (an operation lost a peer or passed its
     * deadline): releases everything without waiting for peers to read what was sent. By default
     * the same as {@code close()}; a channel whose close waits for readers skips that wait.
     */
    default void abandon() {
        close();
    }
}
