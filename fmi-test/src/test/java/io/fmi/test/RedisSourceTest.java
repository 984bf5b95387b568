package io.fmi.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Where the Redis of {@code @FmiTest(channel = REDIS)} comes from: {@code FMI_TEST_REDIS_URL} if
 * set, else a Testcontainers redis container when there is a Docker engine, else the embedded
 * redis-server binary. (There is no Docker engine on the machine this project is built on, so CI
 * runs the last branch; the test holds on either kind of machine.)
 */
class RedisSourceTest {

    @Test
    void theRedisComesFromTheEnvironmentADockerContainerOrTheEmbeddedBinary() {
        FmiExtension.Redis.config();
        String source = FmiExtension.Redis.source();
        String url = System.getenv("FMI_TEST_REDIS_URL");
        if (url != null && !url.isBlank()) {
            assertEquals("FMI_TEST_REDIS_URL", source);
        } else if (org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
            assertEquals("Testcontainers (redis:7-alpine)", source);
        } else {
            assertEquals("embedded redis-server (no Docker engine for Testcontainers)", source);
        }
        assertTrue(FmiExtension.Redis.config().enabledBackends().containsKey("Redis"));
    }
}
