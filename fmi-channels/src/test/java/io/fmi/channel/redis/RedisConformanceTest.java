package io.fmi.channel.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fmi.Communicator;
import io.fmi.config.FmiConfig;
import io.fmi.testkit.CommunicatorConformanceSuite;
import java.time.Duration;
import java.util.List;

/**
 * The conformance suite over a real Redis server. After every run no key of the communicator may be
 * left: every value is consumed by its readers or deleted at close.
 */
class RedisConformanceTest extends CommunicatorConformanceSuite {
    private final RedisServerFixture redis = RedisServerFixture.shared();
    private final FmiConfig config = FmiConfig.parse(redis.backend(""));

    @Override
    protected Communicator create(int rank, int size, String name, Duration timeout) {
        return Communicator.builder().rank(rank).size(size).name(name).config(config).timeout(timeout).build();
    }

    @Override
    protected void afterRun(String name) {
        List<String> left = redis.keys("fmi/" + name + "/*");
        assertEquals(List.of(), left, "keys left behind by " + name);
    }
}
