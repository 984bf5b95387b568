package io.fmi.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.testkit.CommunicatorConformanceSuite;
import java.time.Duration;

/**
 * The conformance suite over the in-memory object store: the upload-once/download-many algorithms.
 * After every run nothing of the communicator may be left in the store.
 */
class LocalStoreConformanceTest extends CommunicatorConformanceSuite {
    private static final FmiConfig CONFIG = FmiConfig.parse("{\"backends\": {\"LocalStore\": {}}}");

    @Override
    protected Communicator create(int rank, int size, String name, Duration timeout) {
        return Communicator.builder().rank(rank).size(size).name(name).config(CONFIG).timeout(timeout).build();
    }

    @Override
    protected void afterRun(String name) {
        assertEquals(0, LocalHub.shared().storedKeys("fmi/" + name + "/"), "keys left behind by " + name);
        assertEquals(0, LocalHub.shared().marks("fmi/" + name + "/"), "liveness marks left behind by " + name);
    }
}
