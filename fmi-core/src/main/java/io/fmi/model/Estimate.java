package io.fmi.model;

/**
 * The model's prediction for one operation on one channel.
 *
 * @param channel        the channel's name
 * @param seconds        predicted completion time of the operation
 * @param channelDollars predicted price of the channel's requests and transfer (all peers together)
 * @param faasDollars    predicted price of the functions' time: seconds × memory GiB × price per
 *                       GiB-second × number of peers
 * @param requests       predicted billable requests (puts, gets including expected polls, deletes)
 */
public record Estimate(String channel, double seconds, double channelDollars, double faasDollars, double requests) {

    /** What {@link io.fmi.Hint#CHEAP} minimises: channel price plus the functions' time. */
    public double totalDollars() {
        return channelDollars + faasDollars;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %.3f ms, $%.3g (channel $%.3g + functions $%.3g, %.1f requests)",
                channel, seconds * 1000, totalDollars(), channelDollars, faasDollars, requests);
    }
}
