/** {@code @FmiTest}: JUnit 5 tests on N peers, over the in-memory channel or a Redis started for them. */
module io.fmi.test {
    requires transitive io.fmi.core;
    requires transitive org.junit.jupiter.api;
    // the redis-server binary for REDIS tests (a jar without a module name: named after its file)
    requires embedded.redis;
    // optional: a redis container when Testcontainers is there and finds a Docker engine
    requires static testcontainers;

    exports io.fmi.test;
}
