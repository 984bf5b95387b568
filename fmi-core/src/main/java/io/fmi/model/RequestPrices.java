package io.fmi.model;

import java.util.Map;

/**
 * List prices of the storage channels' requests (AWS us-east-1; Redis and Direct bill by the hour,
 * not per request): what {@code fmirun}'s cost report and the job summary of
 * {@link io.fmi.FmiEventListener#summary} charge for the request counts a channel reports.
 */
public final class RequestPrices {
    private static final Map<String, Map<String, Double>> PRICES = Map.of(
            "S3", Map.of("put", 0.005 / 1000, "get", 0.0004 / 1000, "get_miss", 0.0004 / 1000,
                    "mark_put", 0.005 / 1000, "mark_get", 0.0004 / 1000, "list", 0.005 / 1000),
            "DynamoDB", Map.of("put", 1.25 / 1e6, "update", 1.25 / 1e6, "delete", 1.25 / 1e6, "get", 0.25 / 1e6,
                    "get_miss", 0.25 / 1e6, "mark_put", 1.25 / 1e6, "mark_get", 0.25 / 1e6));

    private RequestPrices() {
    }

    /**
     * What one peer's heartbeat costs per hour on {@code channel} at {@code interval}: one mark
     * written per interval (reads of others' marks happen only while waiting, one per interval).
     * S3 at 3 s: $0.006; DynamoDB at 1 s: $0.0045; Redis: nothing per request.
     */
    public static double heartbeatDollarsPerHour(String channel, java.time.Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            return 0;
        }
        return PRICES.getOrDefault(channel, Map.of()).getOrDefault("mark_put", 0.0) * 3_600_000.0 / interval.toMillis();
    }

    /**
     * The dollars {@code counts} (request kind → number, as {@code Channel.requestCounts()}) cost on
     * {@code channel}; 0 for kinds and channels without a per-request price.
     */
    public static double dollars(String channel, Map<String, Long> counts) {
        Map<String, Double> prices = PRICES.getOrDefault(channel, Map.of());
        double dollars = 0;
        for (Map.Entry<String, Long> kind : counts.entrySet()) {
            dollars += kind.getValue() * prices.getOrDefault(kind.getKey(), 0.0);
        }
        return dollars;
    }
}
