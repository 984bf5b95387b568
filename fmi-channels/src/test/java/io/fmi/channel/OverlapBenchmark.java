package io.fmi.channel;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.Request;
import io.fmi.channel.direct.RendezvousServer;
import io.fmi.channel.dynamodb.DynaliteFixture;
import io.fmi.channel.redis.RedisServerFixture;
import io.fmi.channel.s3.S3ServerFixture;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Overlap of communication and computation, per channel: the time of {@code iallreduce} + compute
 * + wait against {@code allreduce} followed by the same compute, 2 peers, in alternating rounds.
 * A ratio below 1 is time saved by overlapping. Not a timed test:
 * {@code mvn -B -P bench -pl fmi-channels -am test -Dtest=OverlapBenchmark}.
 */
@Tag("benchmark")
class OverlapBenchmark {
    private static final int DOUBLES = 128 * 1024;

    /** Deterministic work of about {@code millis} on one core. */
    private static double compute(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        double x = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x += Math.sqrt(i + x % 7);
            }
        }
        return x;
    }

    @Test
    void iallreducePlusComputeAgainstTheTwoInSequence() {
        RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
                RendezvousServer.Options.defaults());
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("Local", "{\"backends\": {\"Local\": {}}}");
        configs.put("Direct", "{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + server.port() + "}}}");
        configs.put("Redis", RedisServerFixture.shared().backend(""));
        configs.put("S3", S3ServerFixture.shared().backend(""));
        configs.put("DynamoDB", DynaliteFixture.shared().backend("fmi-overlap", ""));
        System.out.printf("%nallreduce of %d KiB over 2 peers overlapped with compute (ratio < 1: time saved)%n",
                DOUBLES * 8 / 1024);
        for (Map.Entry<String, String> c : configs.entrySet()) {
            FmiConfig config = FmiConfig.parse(c.getValue());
            String name = "overlap-" + UUID.randomUUID();
            List<double[]> times = LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name)
                    .config(config).timeout(Duration.ofSeconds(60)).build(), comm -> {
                        double[] send = new double[DOUBLES];
                        double[] recv = new double[DOUBLES];
                        // the compute is as long as a plain allreduce takes here
                        long t0 = System.nanoTime();
                        for (int i = 0; i < 3; i++) {
                            comm.allreduce(send, recv, Op.SUM);
                        }
                        long work = Math.max(1, (System.nanoTime() - t0) / 3 / 1_000_000);
                        List<Double> ratios = new ArrayList<>();
                        double sequential = 0;
                        double overlapped = 0;
                        for (int round = 0; round < 6; round++) {
                            comm.barrier();
                            long a = System.nanoTime();
                            comm.allreduce(send, recv, Op.SUM);
                            compute(work);
                            long b = System.nanoTime();
                            comm.barrier();
                            long c0 = System.nanoTime();
                            Request r = comm.iallreduce(send, recv, Op.SUM);
                            compute(work);
                            r.waitFor();
                            long d = System.nanoTime();
                            sequential += (b - a) / 1e6;
                            overlapped += (d - c0) / 1e6;
                            ratios.add((double) (d - c0) / (b - a));
                        }
                        ratios.sort(null);
                        return new double[] {work, sequential / 6, overlapped / 6, ratios.get(0), ratios.get(3),
                                ratios.get(5)};
                    }, Duration.ofMinutes(5));
            double[] t = times.get(0);
            System.out.printf("%-9s compute %4.0f ms: allreduce+compute %8.1f ms, iallreduce||compute %8.1f ms,"
                    + " ratio median %.2f (%.2f-%.2f)%n", c.getKey(), t[0], t[1], t[2], t[4], t[3], t[5]);
        }
        server.close();
    }
}
