package io.fmi;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Callbacks on what a communicator does, in the manner of OkHttp's {@code EventListener}: every
 * operation's start and end (channel, bytes, duration, requests to the backend) or failure, the
 * channels' pairings, retried requests and peers found gone, and the communicator's close. Set one with {@link Communicator.Builder#eventListener}; sub-communicators
 * made by {@code split}/{@code dup} report to the same listener. Callbacks run in the thread doing
 * the operation (a background thread for non-blocking ones; for the Direct channel's pairing
 * events, the JVM's one pairing thread, which every pairing waits on), so they must be quick,
 * must not block and must be thread-safe.
 * With no listener nothing is measured.
 *
 * <p>{@link #summary(Consumer)} is a ready-made listener that writes a per-job summary at close:
 * operations, bytes, time, requests and dollars per channel.
 */
public interface FmiEventListener {
    /** The listener that does nothing (the default). */
    FmiEventListener NONE = new FmiEventListener() {
    };

    /**
     * An operation starts.
     *
     * @param event what, where and how much
     */
    default void operationStart(OperationEvent event) {
    }

    /**
     * An operation completed.
     *
     * @param event    what, where and how much
     * @param took     how long it took
     * @param requests the requests its channel made meanwhile, by kind (a storage channel's GETs,
     *                 PUTs, ...; empty for channels that do not count requests; other threads'
     *                 concurrent operations on the channel are included)
     */
    default void operationEnd(OperationEvent event, Duration took, Map<String, Long> requests) {
    }

    /**
     * An operation failed.
     *
     * @param event what, where and how much
     * @param took  how long it ran
     * @param error what went wrong
     */
    default void operationFailed(OperationEvent event, Duration took, FmiException error) {
    }

    /**
     * A peer-to-peer channel connected this peer to another (Direct's hole punching).
     *
     * @param channel the channel's name
     * @param rank    this peer's rank in the job
     * @param peer    the other peer's rank
     * @param took    how long pairing took
     */
    default void paired(String channel, int rank, int peer, Duration took) {
    }

    /**
     * The connection to a peer is relayed by a server (the Direct channel's rendezvous server)
     * because a direct one could not be made, e.g. between symmetric NATs: slower, and it loads the
     * server. Reported before {@link #paired}.
     *
     * @param channel the channel's name
     * @param rank    this peer's rank in the job
     * @param peer    the other peer's rank
     * @param why     why no direct connection was made
     */
    default void relayed(String channel, int rank, int peer, String why) {
    }

    /**
     * Pairing with a peer failed (its operations fail with the error).
     *
     * @param channel the channel's name
     * @param rank    this peer's rank in the job
     * @param peer    the other peer's rank
     * @param took    how long it tried
     * @param error   why
     */
    default void pairingFailed(String channel, int rank, int peer, Duration took, RuntimeException error) {
    }

    /**
     * A channel's backend client sends a request again (throttling, a 5xx, a broken connection).
     *
     * @param channel the channel's name
     * @param rank    this peer's rank in the job
     * @param request the request (e.g. {@code PutObject})
     * @param attempt its attempt number (2 for the first retry)
     * @param why     what the previous attempt got
     */
    default void retried(String channel, int rank, String request, int attempt, String why) {
    }

    /**
     * A storage channel's failure detection found a peer gone.
     *
     * @param channel the channel's name
     * @param rank    this peer's rank in the job
     * @param peer    the gone peer's rank
     * @param why     what its liveness mark showed
     */
    default void peerGone(String channel, int rank, int peer, String why) {
    }

    /**
     * A communicator was closed.
     *
     * @param communicator its name
     * @param rank         this peer's rank in it
     * @param root         whether it is the one the builder made (its close releases the channels)
     */
    default void closed(String communicator, int rank, boolean root) {
    }

    /**
     * A listener that adds up every operation per channel and, when the root communicator closes,
     * gives {@code out} a summary: per channel the operations, failures, bytes, time, requests by
     * kind and their price ({@link io.fmi.model.RequestPrices}); per operation the count and time.
     *
     * @param out where the summary goes (e.g. a logger's {@code info})
     * @return the listener
     */
    static FmiEventListener summary(Consumer<String> out) {
        return new JobSummary(out);
    }
}
