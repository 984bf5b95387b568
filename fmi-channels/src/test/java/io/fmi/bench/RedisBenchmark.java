package io.fmi.bench;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * Redis channel against raw Jedis, side by side on one redis-server in one run. Prints medians and
 * ratios; asserts nothing about time (the machine is shared and noisy). Run with
 * {@code mvn -B -P bench -pl fmi-channels -am test}.
 */
@Tag("benchmark")
class RedisBenchmark {

    @Test
    void redisChannelVersusRawJedis() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        try {
            FmiConfig config = FmiConfig.parse("{\"backends\": {\"Redis\": {\"host\": \"127.0.0.1\", \"port\": " + port + "}}}");
            List<String> rows = new ArrayList<>();
            rows.add(String.format(Locale.ROOT, "%-34s %12s %12s %8s", "Redis, loopback, medians", "ours (µs)", "raw (µs)",
                    "ratio"));
            for (int bytes : new int[] {8, 64 * 1024, 4 * 1024 * 1024}) {
                int iters = bytes >= 1 << 20 ? 40 : 400;
                double raw = rawSetGet(port, bytes, iters);
                double rawPingPong = rawPushPopHalf(port, bytes, iters);
                double ours = pingPongHalf(config, bytes, iters);
                rows.add(String.format(Locale.ROOT, "%-34s %12.1f %12.1f %8.2f", "send->recv " + label(bytes)
                        + " vs SET+GET", ours, raw, ours / raw));
                rows.add(String.format(Locale.ROOT, "%-34s %12.1f %12.1f %8.2f", "send->recv " + label(bytes)
                        + " vs RPUSH->BLPOP", ours, rawPingPong, ours / rawPingPong));
            }
            double raw = rawAllreduce(port, 8, 1 << 17, 10);
            double ours = allreduce(config, 8, 1 << 17, 10);
            rows.add(String.format(Locale.ROOT, "%-34s %12.1f %12.1f %8.2f", "allreduce 1 MiB x 8 peers", ours, raw,
                    ours / raw));
            rows.add("(send->recv = half a ping-pong between two peers; SET+GET = one client writing and reading back;");
            rows.add(" RPUSH->BLPOP = half a ping-pong of two raw Jedis clients, the same mechanism without FMI)");
            rows.add("(allreduce raw = each peer SETs its vector, then GETs and sums all others: the hand-rolled pattern)");
            System.out.println();
            rows.forEach(System.out::println);
            System.out.println();
        } finally {
            server.stop();
        }
    }

    private static String label(int bytes) {
        return bytes >= 1 << 20 ? bytes / (1 << 20) + " MiB" : bytes >= 1024 ? bytes / 1024 + " KiB" : bytes + " B";
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1000.0;
    }

    private static double rawSetGet(int port, int bytes, int iters) {
        byte[] value = new byte[bytes];
        byte[] key = "raw-bench".getBytes();
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            long[] t = new long[iters];
            for (int i = -iters / 4; i < iters; i++) {
                long start = System.nanoTime();
                jedis.set(key, value);
                byte[] got = jedis.get(key);
                if (got.length != bytes) {
                    throw new AssertionError("raw GET returned " + got.length + " bytes");
                }
                if (i >= 0) {
                    t[i] = System.nanoTime() - start;
                }
            }
            jedis.del(key);
            return median(t);
        }
    }

    /** Two raw clients (threads) ping-ponging over two Redis lists: what our channel does, minus FMI. */
    private static double rawPushPopHalf(int port, int bytes, int iters) throws Exception {
        byte[] ping = ("raw-ping-" + UUID.randomUUID()).getBytes();
        byte[] pong = ("raw-pong-" + UUID.randomUUID()).getBytes();
        Thread echo = new Thread(() -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                for (int i = -iters / 4; i < iters; i++) {
                    jedis.rpush(pong, jedis.blpop(10.0, ping).getValue());
                }
            }
        });
        echo.start();
        long[] t = new long[iters];
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            byte[] value = new byte[bytes];
            for (int i = -iters / 4; i < iters; i++) {
                long start = System.nanoTime();
                jedis.rpush(ping, value);
                jedis.blpop(10.0, pong);
                if (i >= 0) {
                    t[i] = System.nanoTime() - start;
                }
            }
        }
        echo.join();
        return median(t) / 2;
    }

    private static double pingPongHalf(FmiConfig config, int bytes, int iters) {
        String name = "bench-" + UUID.randomUUID();
        List<Double> result = LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name)
                .config(config).build(), comm -> {
            byte[] buf = new byte[bytes];
            long[] t = new long[iters];
            for (int i = -iters / 4; i < iters; i++) {
                long start = System.nanoTime();
                io.fmi.calibration.Calibrator.roundTrip(comm, buf);
                if (i >= 0) {
                    t[i] = System.nanoTime() - start;
                }
            }
            return median(t) / 2;
        }, Duration.ofMinutes(5));
        return result.get(0);
    }

    private static double allreduce(FmiConfig config, int size, int doubles, int iters) {
        String name = "bench-" + UUID.randomUUID();
        List<Double> result = LocalPeers.call(size, rank -> Communicator.builder().rank(rank).size(size).name(name)
                .config(config).build(), comm -> {
            double[] in = new double[doubles];
            double[] out = new double[doubles];
            long[] t = new long[iters];
            for (int i = -2; i < iters; i++) {
                comm.barrier();
                long start = System.nanoTime();
                comm.allreduce(in, out, Op.SUM);
                if (i >= 0) {
                    t[i] = System.nanoTime() - start;
                }
            }
            return median(t);
        }, Duration.ofMinutes(5));
        return result.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** The hand-rolled pattern: SET own vector, poll GET for every other, sum locally. */
    private static double rawAllreduce(int port, int size, int doubles, int iters) {
        String run = UUID.randomUUID().toString();
        List<Double> result = LocalPeers.call(size, rank -> Communicator.builder().rank(rank).size(size)
                .name("raw-" + run).config(FmiConfig.local()).build(), comm -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                byte[] mine = new byte[doubles * 8];
                double[] sum = new double[doubles];
                long[] t = new long[iters];
                for (int i = -2; i < iters; i++) {
                    comm.barrier();
                    long start = System.nanoTime();
                    jedis.set(("raw/" + run + "/" + i + "/" + comm.rank()).getBytes(), mine);
                    for (int r = 0; r < size; r++) {
                        if (r == comm.rank()) {
                            continue;
                        }
                        byte[] other;
                        while ((other = jedis.get(("raw/" + run + "/" + i + "/" + r).getBytes())) == null) {
                            Thread.onSpinWait();
                        }
                        java.nio.DoubleBuffer view = java.nio.ByteBuffer.wrap(other).asDoubleBuffer();
                        for (int k = 0; k < doubles; k++) {
                            sum[k] += view.get(k);
                        }
                    }
                    if (i >= 0) {
                        t[i] = System.nanoTime() - start;
                    }
                }
                return median(t);
            }
        }, Duration.ofMinutes(5));
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.flushAll();
        }
        return result.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
}
