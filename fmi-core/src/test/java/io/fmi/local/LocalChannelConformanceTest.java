package io.fmi.local;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.testkit.CommunicatorConformanceSuite;
import java.time.Duration;

/** The conformance suite over the in-memory peer-to-peer channel: the tree and butterfly algorithms. */
class LocalChannelConformanceTest extends CommunicatorConformanceSuite {
    private static final FmiConfig CONFIG = FmiConfig.parse("{\"backends\": {\"Local\": {}}}");

    @Override
    protected Communicator create(int rank, int size, String name, Duration timeout) {
        return Communicator.builder().rank(rank).size(size).name(name).config(CONFIG).timeout(timeout).build();
    }
}
