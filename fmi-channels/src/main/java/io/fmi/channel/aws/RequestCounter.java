package io.fmi.channel.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts a channel's billable requests by kind, for {@link io.fmi.spi.Channel#requestCounts()}. */
public final class RequestCounter {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    /** One more request of {@code kind}. */
    public void count(String kind) {
        counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** A snapshot of the counts. */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new LinkedHashMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }
}
