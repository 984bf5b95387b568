package io.fmi.channel.redis;

/** The Redis test server, for benchmarks outside this package. */
public final class RedisFixtures {
    private RedisFixtures() {
    }

    /** The JSON of the {@code Redis} block (without braces around the backends) for the shared test server. */
    public static String backendBlock() {
        RedisServerFixture redis = RedisServerFixture.shared();
        return "\"Redis\": {\"host\": \"" + redis.host() + "\", \"port\": " + redis.port() + "}";
    }

    /** Keys matching a glob (SCAN, for leak checks in tests only). */
    public static java.util.List<String> keys(String glob) {
        return RedisServerFixture.shared().keys(glob);
    }
}
