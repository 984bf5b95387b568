package io.fmi.channel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.channel.PollingStoreConformanceSuite;
import java.time.Duration;
import java.util.List;

/**
 * The conformance suite over the DynamoDB channel and a real DynamoDB-compatible server. Values over
 * 380000 bytes are split across items; nothing may be left after a run.
 */
class DynamoDbConformanceTest extends PollingStoreConformanceSuite {
    static final String TABLE = "fmi-conformance";
    private final DynaliteFixture dynamo = DynaliteFixture.shared();
    // failure detection is tested by KillAPeerTest (and in the Redis and LocalStore suites); off here, where its requests cost CI time
    private final FmiConfig config = FmiConfig.parse(dynamo.backend(TABLE, "\"heartbeat_ms\": 0"));

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
        assertEquals(List.of(), dynamo.keys(TABLE, "fmi/" + name + "/"), "items left behind by " + name);
    }
}
