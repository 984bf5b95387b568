package io.fmi.channel.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.Communicator;
import io.fmi.channel.redis.RedisFixtures;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reader of a value stored once for several readers takes a token, then reads the value. With
 * failure detection the wait is cut into slices between liveness checks; on a slow link the token
 * arrived near the end of a slice, the read got what was left of it (and a 200 ms socket timeout),
 * failed, and the reader waited for a second token that never came, until the operation's deadline
 * (seen in CI: one of seven readers of an 8 MiB allreduce result timed out after 30 s while the
 * others went on). The read, once the token is taken, now gets a full request timeout.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SlowRedisTest {
    private static final Pattern PORT = Pattern.compile("\"port\": (\\d+)");

    @Test
    void aReaderThatTookItsTokenReadsTheValueOverASlowLink() throws Exception {
        String block = RedisFixtures.backendBlock();
        Matcher m = PORT.matcher(block);
        assertTrue(m.find(), block);
        try (FreezableProxy proxy = new FreezableProxy(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))))) {
            String viaProxy = "{\"backends\": {" + block.substring(0, m.start(1)) + proxy.port() + block.substring(m.end(1), block.length() - 1)
                    + ", \"copy_limit_bytes\": 1024, \"heartbeat_ms\": 400}}}";
            FmiConfig config = FmiConfig.parse(viaProxy);
            proxy.delayReplies(300);
            String name = "slow-" + UUID.randomUUID();
            byte[] data = new byte[64 * 1024];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 13);
            }
            List<byte[]> got = LocalPeers.call(3, rank -> Communicator.builder().rank(rank).size(3).name(name)
                    .config(config).timeout(Duration.ofSeconds(15)).build(), comm -> {
                        byte[] buf = comm.rank() == 0 ? data.clone() : new byte[data.length];
                        // stored once for the two readers (2 x 64 KiB over copy_limit_bytes), read with a token each
                        comm.bcast(buf, 0);
                        return buf;
                    }, Duration.ofSeconds(90));
            for (byte[] b : got) {
                assertArrayEquals(data, b);
            }
        }
    }
}
