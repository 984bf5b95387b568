package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 256 peers as threads of one JVM over Direct complete an allreduce and a 1 MiB bcast within 2 GiB
 * of heap and 256 MiB of direct memory (a separate JVM with those limits). Before, every peer
 * allocated a 32 KiB read buffer for every rank up front (N² × 32 KiB: OutOfMemoryError "Cannot
 * reserve 32768 bytes of direct buffer memory") and a 128 KiB outbox per connection.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ManyPeersTest {

    @Test
    void twoHundredFiftySixPeersFitInTwoGibOfHeapAnd256MibOfDirectMemory() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx2g", "-XX:MaxDirectMemorySize=256m", "-cp",
                System.getProperty("java.class.path"), ManyPeers.class.getName(), "256").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);
        String last = out.lines().filter(l -> l.startsWith("ok ") || l.startsWith("wrong ")).findFirst().orElse(out);
        assertTrue(last.startsWith("ok 256 peers"), out);
        System.out.println(last);
    }
}
