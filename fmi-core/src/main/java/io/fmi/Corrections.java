package io.fmi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The online correction of the model, per channel: this peer's observations (log of observed ÷
 * predicted seconds, and how many) since the last agreement, and the sums every peer agreed on.
 * The factor a channel's predicted time is multiplied by is the geometric mean of all agreed
 * observations, so it is the same on every peer. Relayed connections (a peer-to-peer channel whose
 * hole punching failed) are agreed the same way: each end counts its own, and the agreed sum (two
 * ends per pair) tells every peer's model how many pairs the relay carries.
 */
final class Corrections {
    private static final class Channel {
        double pendingLogSum;
        double pendingCount;
        double agreedLogSum;
        double agreedCount;
        double pendingRelayed;
        double agreedRelayed;
    }

    private final Map<String, Channel> channels = new HashMap<>();

    /** One operation on {@code channel} took {@code observed} seconds where the model said {@code predicted}. */
    synchronized void observe(String channel, double observed, double predicted) {
        if (!(observed > 0) || !(predicted > 0)) {
            return;
        }
        Channel c = channels.computeIfAbsent(channel, k -> new Channel());
        c.pendingLogSum += Math.log(observed / predicted);
        c.pendingCount++;
    }

    /** One more of this peer's connections on {@code channel} is relayed. */
    synchronized void relayed(String channel) {
        channels.computeIfAbsent(channel, k -> new Channel()).pendingRelayed++;
    }

    /** The agreed number of relayed pairs on {@code channel}. */
    synchronized double relayedPairs(String channel) {
        Channel c = channels.get(channel);
        return c == null ? 0 : c.agreedRelayed / 2;
    }

    /** The agreed factor of {@code channel}, or NaN while nothing is agreed. */
    synchronized double factor(String channel) {
        Channel c = channels.get(channel);
        return c == null || c.agreedCount == 0 ? Double.NaN : Math.exp(c.agreedLogSum / c.agreedCount);
    }

    /** This peer's pending sums, in the order of {@code names}: log sum, count and relayed connections per channel. */
    synchronized double[] pending(List<String> names) {
        double[] v = new double[3 * names.size()];
        for (int i = 0; i < names.size(); i++) {
            Channel c = channels.get(names.get(i));
            if (c != null) {
                v[3 * i] = c.pendingLogSum;
                v[3 * i + 1] = c.pendingCount;
                v[3 * i + 2] = c.pendingRelayed;
            }
        }
        return v;
    }

    /**
     * Every peer's pending sums added up ({@code all}) become agreed; this peer's own part
     * ({@code mine}) leaves its pending sums (observations made meanwhile stay pending).
     */
    synchronized void agree(List<String> names, double[] mine, double[] all) {
        for (int i = 0; i < names.size(); i++) {
            Channel c = channels.computeIfAbsent(names.get(i), k -> new Channel());
            c.pendingLogSum -= mine[3 * i];
            c.pendingCount -= mine[3 * i + 1];
            c.pendingRelayed -= mine[3 * i + 2];
            c.agreedLogSum += all[3 * i];
            c.agreedCount += all[3 * i + 1];
            c.agreedRelayed += all[3 * i + 2];
        }
    }
}
