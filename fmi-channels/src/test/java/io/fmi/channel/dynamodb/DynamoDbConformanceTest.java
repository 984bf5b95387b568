package io.fmi.channel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.testkit.CommunicatorConformanceSuite;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The conformance suite over the DynamoDB channel and a real DynamoDB-compatible server. Values over
 * 380000 bytes are split across items; nothing may be left after a run.
 */
class DynamoDbConformanceTest extends CommunicatorConformanceSuite {
    static final String TABLE = "fmi-conformance";
    private final DynaliteFixture dynamo = DynaliteFixture.shared();
    private final FmiConfig config = FmiConfig.parse(dynamo.backend(TABLE, ""));

    @Override
    protected Communicator create(int rank, int size, String name, Duration timeout) {
        return Communicator.builder().rank(rank).size(size).name(name).config(config).timeout(timeout).build();
    }

    /**
     * Polling stores are slow, and the algorithms are the same at every size (LocalStore runs them
     * at 1, 2, 3, 5, 8 and 16 peers): 1, 3 and 8 here keep CI short.
     */
    @Override
    protected IntStream sizes() {
        return IntStream.of(1, 3, 8);
    }

    /** Polling stores are slow; the semantics are covered at every size by the other channels. */
    @Override
    protected IntStream semanticsSizes() {
        return IntStream.of(1, 3);
    }

    /** 8 MiB: a 64 MiB value is hundreds of polled parts here; the overlap is measured at 64 MiB elsewhere. */
    @Override
    protected int overlapBytes() {
        return 8 << 20;
    }

    @Override
    protected IntStream itemSizes() {
        return IntStream.of(3);
    }

    @Override
    protected IntStream largeSizes() {
        return IntStream.of(3);
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
