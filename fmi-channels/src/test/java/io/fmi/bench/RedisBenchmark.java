package io.fmi.bench;

import io.fmi.config.FmiConfig;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * The Redis channel against raw Jedis on one redis-server, as JMH benchmarks run side by side
 * ({@link Jmh}): half a ping-pong between two peers against one client's SET+GET and against two raw
 * clients ping-ponging over lists (RPUSH→BLPOP, what the channel does minus FMI), and allreduce of
 * 1 MiB of doubles over 8 peers against the hand-rolled pattern (each peer SETs its vector, GETs and
 * sums every other). Prints the table; asserts nothing about time. Run with
 * {@code mvn -B -P bench -pl fmi-channels -am test -Dtest=RedisBenchmark}.
 */
@Tag("benchmark")
public class RedisBenchmark {
    private static final int PEERS = 8;
    private static final int DOUBLES = 1 << 17;

    /** The server of the run, set by the test before JMH starts (JMH runs in this JVM). */
    static int port;
    static FmiConfig config;

    @Test
    void redisChannelVersusRawJedis() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        try {
            config = FmiConfig.parse("{\"backends\": {\"Redis\": {\"host\": \"127.0.0.1\", \"port\": " + port + "}}}");
            Jmh.compare(RedisBenchmark.class, "Redis, loopback", List.of(
                    new Jmh.Pair("send->recv vs SET+GET", "oursPingPong", "rawSetGet"),
                    new Jmh.Pair("send->recv vs RPUSH->BLPOP", "oursPingPong", "rawPushPop"),
                    new Jmh.Pair("allreduce 1 MiB x 8 peers", "oursAllreduce", "rawAllreduce")),
                    "(send->recv = half a ping-pong between two peers; SET+GET = one client writing and reading back,"
                            + " per pair of requests; RPUSH->BLPOP = half a ping-pong of two raw Jedis clients)",
                    "(allreduce raw = each peer SETs its vector, then GETs and sums all others: the hand-rolled pattern)");
        } finally {
            server.stop();
        }
    }

    @State(Scope.Benchmark)
    public static class Echo extends Partners.EchoState {
        @Param({"8", "65536", "4194304"})
        public int bytes;

        @Setup(Level.Trial)
        public void setUp() {
            open(config, bytes);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public byte[] oursPingPong(Echo s) {
        return s.roundTrip();
    }

    /** One raw client, and a second one echoing over two lists until it pops an empty value. */
    @State(Scope.Benchmark)
    public static class Raw {
        @Param({"8", "65536", "4194304"})
        public int bytes;
        Jedis jedis;
        byte[] value;
        final byte[] key = ("raw-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        final byte[] ping = ("raw-ping-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        final byte[] pong = ("raw-pong-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        Thread echo;

        @Setup(Level.Trial)
        public void setUp() {
            jedis = new Jedis("127.0.0.1", port);
            value = new byte[bytes];
            echo = new Thread(() -> {
                try (Jedis other = new Jedis("127.0.0.1", port)) {
                    byte[] got;
                    while ((got = other.blpop(60.0, ping).getValue()).length > 0) {
                        other.rpush(pong, got);
                    }
                }
            }, "raw-echo");
            echo.setDaemon(true);
            echo.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            jedis.rpush(ping, new byte[0]);
            echo.join();
            jedis.del(key);
            jedis.close();
        }
    }

    @Benchmark
    public byte[] rawSetGet(Raw s) {
        s.jedis.set(s.key, s.value);
        byte[] got = s.jedis.get(s.key);
        if (got.length != s.bytes) {
            throw new AssertionError("raw GET returned " + got.length + " bytes");
        }
        return got;
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public byte[] rawPushPop(Raw s) {
        s.jedis.rpush(s.ping, s.value);
        return s.jedis.blpop(60.0, s.pong).getValue();
    }

    @State(Scope.Benchmark)
    public static class Allreduce extends Partners.AllreduceState {
        @Setup(Level.Trial)
        public void setUp() {
            open(config, PEERS, DOUBLES);
        }
    }

    @Benchmark
    public double[] oursAllreduce(Allreduce s) {
        return s.once();
    }

    /**
     * The hand-rolled pattern, one Jedis client per peer: in round i, SET raw/run/i/rank, poll GET for
     * every other peer's, sum locally; delete one's own key of round i-2 (every peer has read it by
     * then). Ranks 1.. run in the background until rank 0 contributes a NaN.
     */
    @State(Scope.Benchmark)
    public static class RawAllreduce {
        final String run = UUID.randomUUID().toString();
        final Jedis[] clients = new Jedis[PEERS];
        final byte[][] mine = new byte[PEERS][DOUBLES * 8];
        final double[][] sum = new double[PEERS][DOUBLES];
        final long[] round = new long[PEERS];
        final List<Future<?>> partners = new ArrayList<>();
        ExecutorService threads;

        @Setup(Level.Trial)
        public void setUp() {
            for (int r = 0; r < PEERS; r++) {
                clients[r] = new Jedis("127.0.0.1", port);
            }
            threads = Executors.newFixedThreadPool(PEERS - 1);
            for (int r = 1; r < PEERS; r++) {
                int rank = r;
                partners.add(threads.submit(() -> {
                    do {
                        step(rank);
                    } while (!Double.isNaN(sum[rank][0]));
                    return null;
                }));
            }
        }

        private byte[] key(long i, int rank) {
            return ("raw/" + run + "/" + i + "/" + rank).getBytes(StandardCharsets.UTF_8);
        }

        void step(int rank) {
            Jedis jedis = clients[rank];
            long i = round[rank]++;
            jedis.set(key(i, rank), mine[rank]);
            for (int r = 0; r < PEERS; r++) {
                if (r == rank) {
                    continue;
                }
                byte[] other;
                while ((other = jedis.get(key(i, r))) == null) {
                    Thread.onSpinWait();
                }
                DoubleBuffer view = ByteBuffer.wrap(other).asDoubleBuffer();
                for (int k = 0; k < DOUBLES; k++) {
                    sum[rank][k] += view.get(k);
                }
            }
            if (i >= 2) {
                jedis.del(key(i - 2, rank));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            ByteBuffer.wrap(mine[0]).putDouble(0, Double.NaN);
            step(0);
            for (Future<?> f : partners) {
                f.get(2, TimeUnit.MINUTES);
            }
            threads.shutdown();
            for (Jedis c : clients) {
                c.close();
            }
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                jedis.flushAll();
            }
        }
    }

    @Benchmark
    public double[] rawAllreduce(RawAllreduce s) {
        s.step(0);
        return s.sum[0];
    }
}
