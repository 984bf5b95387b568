package io.fmi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.testkit.CommunicatorConformanceSuite;
import java.time.Duration;
import java.util.stream.IntStream;

/**
 * The object-store algorithms over a store whose values hold at most 1000 bytes, so that every
 * message above that is split into parts (as DynamoDB's 400 KB items require).
 */
class SplitValueStoreConformanceTest extends CommunicatorConformanceSuite {
    private static final FmiConfig CONFIG =
            FmiConfig.parse("{\"backends\": {\"LocalStore\": {\"max_value_bytes\": 1000}}}");

    @Override
    protected Communicator create(int rank, int size, String name, Duration timeout) {
        return Communicator.builder().rank(rank).size(size).name(name).config(CONFIG).timeout(timeout).build();
    }

    @Override
    protected IntStream sizes() {
        return IntStream.of(1, 3, 8);
    }

    @Override
    protected IntStream largeSizes() {
        return IntStream.of(3);
    }

    @Override
    protected void afterRun(String name) {
        assertEquals(0, LocalHub.shared().storedKeys("fmi/" + name + "/"), "keys left behind by " + name);
        assertEquals(0, LocalHub.shared().marks("fmi/" + name + "/"), "liveness marks left behind by " + name);
    }
}
