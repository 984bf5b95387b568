package io.fmi.channel.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.testkit.CommunicatorConformanceSuite;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/** The conformance suite over the S3 channel and a real S3-compatible server; nothing may be left after a run. */
class S3ConformanceTest extends CommunicatorConformanceSuite {
    private final S3ServerFixture s3 = S3ServerFixture.shared();
    private final FmiConfig config = FmiConfig.parse(s3.backend("\"close_grace\": 800"));

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
        assertEquals(List.of(), s3.keys("fmi/" + name + "/"), "objects left behind by " + name);
    }
}
