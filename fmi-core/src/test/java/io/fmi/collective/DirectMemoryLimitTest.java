package io.fmi.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.Op;
import io.fmi.local.LocalPeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large collectives work in direct buffers; a JVM whose direct memory is smaller than they need
 * (-XX:MaxDirectMemorySize) must still complete them, on heap buffers, not fail with
 * {@code OutOfMemoryError: Cannot reserve ... direct buffer memory}; and the collectives' buffers
 * take at most a quarter of it (2 of 8 MiB), leaving the rest to the sockets.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DirectMemoryLimitTest {

    /** Two local peers allreduce 32 MiB of doubles and check every element. */
    public static void main(String[] args) {
        // the collectives' buffers hold at most a quarter of the 8 MiB: the rest is the sockets'
        List<java.nio.ByteBuffer> held = new java.util.ArrayList<>();
        while (held.size() < 8 && (held.isEmpty() || held.get(held.size() - 1).isDirect())) {
            held.add(DirectScratch.take(1 << 20));
        }
        System.out.println("direct before heap: " + held.stream().filter(java.nio.ByteBuffer::isDirect).count());
        held.forEach(DirectScratch::give);
        int n = 4 << 20;
        List<double[]> sums = LocalPeers.call(2, comm -> {
            double[] mine = new double[n];
            java.util.Arrays.fill(mine, comm.rank() + 1);
            double[] sum = new double[n];
            comm.allreduce(mine, sum, Op.SUM);
            return sum;
        });
        for (double[] sum : sums) {
            for (double v : sum) {
                if (v != 3) {
                    System.out.println("wrong " + v);
                    System.exit(4);
                }
            }
        }
        System.out.println("ok");
    }

    @Test
    void aLargeAllreduceCompletesWithLittleDirectMemory() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:MaxDirectMemorySize=8m", "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), DirectMemoryLimitTest.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "still running: " + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("ok"), output);
        assertTrue(output.contains("direct before heap: 2\n"), output);
    }
}
