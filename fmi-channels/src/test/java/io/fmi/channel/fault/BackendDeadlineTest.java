package io.fmi.channel.fault;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.Communicator;
import io.fmi.FmiTimeoutException;
import io.fmi.channel.dynamodb.DynamoFixtures;
import io.fmi.channel.redis.RedisFixtures;
import io.fmi.channel.s3.S3Fixtures;
import io.fmi.config.FmiConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deadlines reach the backends: with the store gone silent (a frozen TCP proxy in front of the
 * real server), a send whose operation has a 1 s deadline fails with {@link FmiTimeoutException}
 * at about that deadline, not after the client's own socket timeout (Redis 10 s) or the SDK's
 * request timeout and retries (30 s per attempt).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BackendDeadlineTest {
    private static final Pattern PORT = Pattern.compile("(127\\.0\\.0\\.1:|\"port\": )(\\d+)");

    private static String config(String channel) {
        switch (channel) {
            case "Redis":
                return "{\"backends\": {" + RedisFixtures.backendBlock() + "}}";
            case "S3":
                return S3Fixtures.backend();
            case "DynamoDB":
                return DynamoFixtures.backend("fmi-deadline");
            default:
                throw new IllegalArgumentException(channel);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Redis", "S3", "DynamoDB"})
    void aSendToASilentStoreFailsAtTheOperationsDeadline(String channel) throws Exception {
        String config = config(channel);
        Matcher m = PORT.matcher(config);
        assertTrue(m.find(), config);
        int port = Integer.parseInt(m.group(2));
        try (FreezableProxy proxy = new FreezableProxy(new InetSocketAddress("127.0.0.1", port))) {
            String viaProxy = config.substring(0, m.start(2)) + proxy.port() + config.substring(m.end(2));
            Communicator comm = Communicator.builder().rank(0).size(2).name("deadline-" + UUID.randomUUID())
                    .config(FmiConfig.parse(viaProxy)).timeout(Duration.ofSeconds(1)).build();
            proxy.freeze();
            long start = System.nanoTime();
            FmiTimeoutException e = assertThrows(FmiTimeoutException.class, () -> comm.send(new byte[100], 1, 0));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 5_000, channel + ": the send failed only after " + ms + " ms: " + e.getMessage());
            proxy.thaw();
            comm.close();
        }
    }
}
