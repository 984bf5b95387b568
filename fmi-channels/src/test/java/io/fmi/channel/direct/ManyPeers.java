package io.fmi.channel.direct;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The child JVM of {@link ManyPeersTest}: N peers as threads over Direct (embedded rendezvous
 * server) do an allreduce and a bcast of 1 MiB, check the results, and print the peak heap and
 * direct memory. Run with the memory limits under test.
 */
public final class ManyPeers {
    private ManyPeers() {
    }

    public static void main(String[] args) {
        int size = Integer.parseInt(args[0]);
        long start = System.nanoTime();
        try (RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults())) {
            FmiConfig config = FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": "
                    + server.port() + "}}}");
            String name = "many-" + UUID.randomUUID();
            double[] big = new java.util.Random(3).doubles(1 << 17).toArray();
            List<Boolean> ok = LocalPeers.call(size, rank -> Communicator.builder().rank(rank).size(size).name(name)
                    .config(config).timeout(Duration.ofMinutes(3)).build(), comm -> {
                        long[] sum = new long[2];
                        comm.allreduce(new long[] {comm.rank(), 1}, sum, Op.SUM);
                        double[] b = comm.rank() == 0 ? big.clone() : new double[big.length];
                        comm.bcast(b, 0);
                        return sum[0] == (long) size * (size - 1) / 2 && sum[1] == size && java.util.Arrays.equals(b, big);
                    }, Duration.ofMinutes(4));
            long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            System.out.println((ok.stream().allMatch(Boolean::booleanValue) ? "ok" : "wrong") + " " + size + " peers in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms, direct memory " + (direct >> 20) + " MiB, heap peak "
                    + (heapPeak >> 20) + " MiB, pairings " + server.completedPairings());
        }
    }
}
