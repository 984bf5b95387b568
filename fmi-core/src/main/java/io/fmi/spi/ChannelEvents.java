package io.fmi.spi;

import java.time.Duration;

/**
 * What a channel reports of its own work, for the communicator's
 * {@link io.fmi.FmiEventListener}: pairings of a peer-to-peer channel, requests its backend
 * client retried, peers found gone. Calls must be cheap; channels make them from whichever thread
 * did the work. {@link ChannelContext#events()} hands one to the channel.
 */
public interface ChannelEvents {
    /** Reports nothing. */
    ChannelEvents NONE = new ChannelEvents() {
    };

    /** A connection to {@code peer} (channel rank) was made; pairing took {@code took}. */
    default void paired(String channel, int peer, Duration took) {
    }

    /**
     * The connection to {@code peer} (channel rank) is relayed by a server because a direct one
     * could not be made ({@code why}); reported before {@link #paired}.
     */
    default void relayed(String channel, int peer, String why) {
    }

    /** Pairing with {@code peer} failed after {@code took}. */
    default void pairingFailed(String channel, int peer, Duration took, RuntimeException error) {
    }

    /**
     * A request to the backend is sent again: {@code attempt} is its number (2 for the first
     * retry), {@code why} what the previous attempt got (an HTTP status, an exception).
     */
    default void retried(String channel, String request, int attempt, String why) {
    }

    /** {@code peer} (channel rank) was found gone. */
    default void peerGone(String channel, int peer, String why) {
    }
}
