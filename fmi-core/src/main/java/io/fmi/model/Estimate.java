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
 * @param modelSeconds   the model's own figure, before online correction
 * @param correction     observed ÷ predicted time on this channel as the peers last agreed on it
 *                       ({@link io.fmi.Communicator#correctModel()}); NaN while there is none
 */
public record Estimate(String channel, double seconds, double channelDollars, double faasDollars, double requests,
                       double modelSeconds, double correction) {

    /** An estimate straight from the model (no online correction). */
    public Estimate(String channel, double seconds, double channelDollars, double faasDollars, double requests) {
        this(channel, seconds, channelDollars, faasDollars, requests, seconds, Double.NaN);
    }

    /** Whether observed times have corrected the model's figure ({@code seconds = modelSeconds × correction}). */
    public boolean corrected() {
        return !Double.isNaN(correction);
    }

    /** What {@link io.fmi.Hint#CHEAP} minimises: channel price plus the functions' time. */
    public double totalDollars() {
        return channelDollars + faasDollars;
    }

    @Override
    public String toString() {
        String time = corrected()
                ? String.format(java.util.Locale.ROOT, "%.3f ms (model %.3f ms x %.3g observed)", seconds * 1000,
                        modelSeconds * 1000, correction)
                : String.format(java.util.Locale.ROOT, "%.3f ms", seconds * 1000);
        return String.format(java.util.Locale.ROOT, "%s: %s, $%.3g (channel $%.3g + functions $%.3g, %.1f requests)",
                channel, time, totalDollars(), channelDollars, faasDollars, requests);
    }
}
