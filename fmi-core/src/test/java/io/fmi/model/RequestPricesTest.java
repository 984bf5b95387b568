package io.fmi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** List prices of requests, and what a peer's heartbeat costs per hour on each store. */
class RequestPricesTest {
    private static final double EPS = 1e-12;

    @Test
    void requestsArePricedPerKindAndChannel() {
        assertEquals(10 * 0.005 / 1000 + 100 * 0.0004 / 1000,
                RequestPrices.dollars("S3", Map.of("put", 10L, "get", 100L, "head", 5L)), EPS);
        assertEquals(4 * 1.25 / 1e6 + 8 * 0.25 / 1e6,
                RequestPrices.dollars("DynamoDB", Map.of("mark_put", 4L, "mark_get", 8L)), EPS);
        assertEquals(0, RequestPrices.dollars("Redis", Map.of("put", 1000L)), EPS);
    }

    @Test
    void aHeartbeatCostsOneMarkWritePerInterval() {
        assertEquals(1200 * 0.005 / 1000, RequestPrices.heartbeatDollarsPerHour("S3", Duration.ofSeconds(3)), EPS);
        assertEquals(3600 * 1.25 / 1e6, RequestPrices.heartbeatDollarsPerHour("DynamoDB", Duration.ofSeconds(1)), EPS);
        assertEquals(0, RequestPrices.heartbeatDollarsPerHour("Redis", Duration.ofMillis(500)), EPS);
        assertEquals(0, RequestPrices.heartbeatDollarsPerHour("S3", Duration.ZERO), EPS);
    }
}
