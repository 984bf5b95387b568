package io.fmi.channel.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.channel.PollingStoreConformanceSuite;
import java.time.Duration;
import java.util.List;

/** The conformance suite over the S3 channel and a real S3-compatible server; nothing may be left after a run. */
class S3ConformanceTest extends PollingStoreConformanceSuite {
    private final S3ServerFixture s3 = S3ServerFixture.shared();
    // failure detection is tested by KillAPeerTest (and in the Redis and LocalStore suites); off here, where its requests cost CI time
    private final FmiConfig config = FmiConfig.parse(s3.backend("\"close_grace\": 800, \"heartbeat_ms\": 0"));

    @Override
    protected Communicator create(int rank, int size, String name, Duration timeout) {
        return Communicator.builder().rank(rank).size(size).name(name).config(config).timeout(timeout).build();
    }

    @Override
    protected Duration timeout() {
        return Duration.ofSeconds(60);
    }

    @Override
    protected void afterRun(String name) {
        assertEquals(List.of(), s3.keys("fmi/" + name + "/"), "objects left behind by " + name);
    }
}
