package io.fmi.channel.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.ChannelException;
import io.fmi.Communicator;
import io.fmi.FmiConfigException;
import io.fmi.Op;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/** Behaviour of the Redis channel beyond the conformance suite, against real redis-server processes. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisChannelTest {
    private final RedisServerFixture redis = RedisServerFixture.shared();

    private static List<Object> run(int size, String name, FmiConfig config, LocalPeers.Peer<Object> peer) {
        return LocalPeers.call(size, rank -> Communicator.builder().rank(rank).size(size).name(name).config(config)
                .timeout(Duration.ofSeconds(20)).build(), peer, Duration.ofMinutes(2));
    }

    @Test
    void closeAfterAFailedOperationDeletesAtOnceInsteadOfWaitingForReaders() {
        // rank 1 never comes: rank 0's message to it waits in Redis, and its receive times out, so
        // the job has failed; close() must delete at once instead of giving rank 1 close_grace (10 s)
        String name = "abandon-" + UUID.randomUUID();
        Communicator alone = Communicator.builder().rank(0).size(2).name(name)
                .config(FmiConfig.parse(redis.backend(""))).timeout(Duration.ofMillis(500)).build();
        alone.send(new byte[100], 1, 3);
        assertFalse(redis.keys("fmi/" + name + "/*").isEmpty(), "the message is stored");
        assertThrows(io.fmi.FmiTimeoutException.class, () -> alone.recv(new byte[1], 1, 4));
        long start = System.nanoTime();
        alone.close();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 3000, "close after a failure took " + tookMs + " ms (close_grace is 10 s)");
        assertEquals(List.of(), redis.keys("fmi/" + name + "/*"), "what rank 0 stored is deleted");
    }

    @Test
    void twoCommunicatorsRunningTheSameOperationsAtOnceNeverSeeEachOthersData() throws Exception {
        FmiConfig config = FmiConfig.parse(redis.backend(""));
        String a = "iso-a-" + UUID.randomUUID();
        String b = "iso-b-" + UUID.randomUUID();
        LocalPeers.Peer<Object> work = comm -> {
            long base = comm.name().startsWith("iso-a") ? 1000 : 2000;
            for (int i = 0; i < 30; i++) {
                comm.barrier();
                long[] sum = new long[1];
                comm.allreduce(new long[] {base + comm.rank()}, sum, Op.SUM);
                long n = comm.size();
                assertEquals(n * base + n * (n - 1) / 2, sum[0], comm.name() + " round " + i);
                long[] root = {comm.rank() == 0 ? base : -1};
                comm.bcast(root, 0);
                assertEquals(base, root[0]);
            }
            return null;
        };
        CompletableFuture<List<Object>> first = CompletableFuture.supplyAsync(() -> run(5, a, config, work));
        CompletableFuture<List<Object>> second = CompletableFuture.supplyAsync(() -> run(5, b, config, work));
        first.get(2, TimeUnit.MINUTES);
        second.get(2, TimeUnit.MINUTES);
        assertEquals(List.of(), redis.keys("fmi/" + a + "/*"));
        assertEquals(List.of(), redis.keys("fmi/" + b + "/*"));
    }

    @Test
    void everyStoredKeyHasAnExpiryAndUnreadValuesAreDeletedAtClose() {
        FmiConfig config = FmiConfig.parse(redis.backend("\"ttl_seconds\": 120, \"close_grace\": 200,"
                + " \"copy_limit_bytes\": 0"));
        String name = "ttl-" + UUID.randomUUID();
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch inspected = new CountDownLatch(1);
        Map<String, Long> ttls = new java.util.concurrent.ConcurrentHashMap<>();
        run(3, name, config, comm -> {
            if (comm.rank() == 0) {
                comm.send(new byte[100], 1, 1);
                comm.bcast(new byte[100], 0);
                comm.send(new byte[10], 2, 7);
                written.countDown();
                inspected.await();
            } else {
                written.await();
                if (comm.rank() == 1) {
                    try (Jedis jedis = redis.client()) {
                        for (String key : redis.keys("fmi/" + name + "/*")) {
                            ttls.put(key, jedis.pttl(key));
                        }
                    }
                    inspected.countDown();
                    comm.recv(new byte[100], 0, 1);
                } else {
                    inspected.await();
                }
                comm.bcast(new byte[100], 0);
            }
            return null;
        });
        assertTrue(ttls.keySet().stream().anyMatch(k -> k.endsWith("#v")), "bcast value stored once: " + ttls);
        assertTrue(ttls.size() >= 5, "expected the p2p lists and the bcast value, counter and tokens: " + ttls);
        ttls.forEach((key, ttl) -> assertTrue(ttl > 0 && ttl <= 120_000, key + " has TTL " + ttl));
        assertEquals(List.of(), redis.keys("fmi/" + name + "/*"), "the unread send to rank 2 was not deleted at close");
    }

    @Test
    void anUnreachableServerFailsAtBuildNamingTheEndpoint() {
        int port = RedisServerFixture.freePort();
        FmiConfig config = FmiConfig.parse("{\"backends\": {\"Redis\": {\"host\": \"127.0.0.1\", \"port\": " + port
                + ", \"connect_timeout\": 500}}}");
        long start = System.nanoTime();
        ChannelException e = assertThrows(ChannelException.class, () -> Communicator.builder().rank(0).size(2)
                .name("unreachable").config(config).build());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "took too long to fail");
    }

    @Test
    void aServerRestartMidOperationIsAChannelErrorAndTheNextOperationReconnects() throws Exception {
        try (RedisServerFixture own = RedisServerFixture.startOwn()) {
            FmiConfig config = FmiConfig.parse(own.backend(""));
            String name = "restart-" + UUID.randomUUID();
            CountDownLatch waiting = new CountDownLatch(1);
            CountDownLatch restarted = new CountDownLatch(1);
            CompletableFuture<List<Object>> peers = CompletableFuture.supplyAsync(() -> run(2, name, config, comm -> {
                if (comm.rank() == 1) {
                    waiting.countDown();
                    long start = System.nanoTime();
                    ChannelException e = assertThrows(ChannelException.class, () -> comm.recv(new int[4], 0, 3));
                    assertTrue(e.getMessage().contains("127.0.0.1:" + own.port()) && e.getMessage().contains("recv"),
                            e.getMessage());
                    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15, "noticed too late");
                }
                restarted.await();
                int[] sum = new int[1];
                comm.allreduce(new int[] {comm.rank() + 1}, sum, Op.SUM);
                assertEquals(3, sum[0]);
                return null;
            }));
            assertTrue(waiting.await(30, TimeUnit.SECONDS));
            Thread.sleep(300);
            own.stop();
            Thread.sleep(200);
            own.start();
            restarted.countDown();
            peers.get(2, TimeUnit.MINUTES);
        }
    }

    @Test
    void operationsNeverScanTheKeyspaceAndABarrierCostsLinearCommands() {
        try (RedisServerFixture own = RedisServerFixture.startOwn(); Jedis admin = own.client()) {
            FmiConfig config = FmiConfig.parse(own.backend(""));
            int size = 8;
            int barriers = 10;
            admin.configResetStat();
            run(size, "scan-" + UUID.randomUUID(), config, comm -> {
                comm.bcast(new double[1000], 0);
                comm.allreduce(new double[100], new double[100], Op.SUM);
                comm.gather(new int[3], comm.rank() == 0 ? new int[3 * size] : null, 0);
                comm.barrier();
                for (int i = 0; i < barriers; i++) {
                    comm.barrier();
                }
                return null;
            });
            Map<String, Long> calls = commandCalls(admin.info("commandstats"));
            assertTrue(!calls.containsKey("keys") && !calls.containsKey("scan"), "keyspace scanned: " + calls);
            long total = calls.values().stream().mapToLong(Long::longValue).sum();
            long perBarrierBound = 6L * size;
            assertTrue(total < (barriers + 10) * perBarrierBound, "too many commands for " + size + " peers: " + calls);
        }
    }

    @Test
    void theBookkeepingOfWrittenKeysCostsAFewChecksPerWriteEvenWhenNothingIsRead() {
        // 6000 messages to a rank that never reads them: each stays, and each is remembered for close()
        try (RedisServerFixture own = RedisServerFixture.startOwn(); Jedis admin = own.client()) {
            FmiConfig config = FmiConfig.parse(own.backend("\"close_grace\": 0"));
            int writes = 6000;
            admin.configResetStat();
            try (Communicator comm = Communicator.builder().rank(0).size(2).name("prune-" + UUID.randomUUID())
                    .config(config).build()) {
                for (int i = 0; i < writes; i++) {
                    comm.send(new byte[8], 1, 0);
                }
            }
            Map<String, Long> calls = commandCalls(admin.info("commandstats"));
            long exists = calls.getOrDefault("exists", 0L);
            assertTrue(exists <= 4L * writes, exists + " EXISTS for " + writes + " writes (a check of every key on"
                    + " every write past a threshold is quadratic)");
            assertEquals(0, own.keys("fmi/*").size(), "close() deletes what nobody read");
        }
    }

    private static Map<String, Long> commandCalls(String info) {
        return info.lines().filter(l -> l.startsWith("cmdstat_")).collect(Collectors.toMap(
                l -> l.substring("cmdstat_".length(), l.indexOf(':')),
                l -> Long.parseLong(l.replaceAll(".*calls=(\\d+).*", "$1"))));
    }

    @Test
    void valuesAboveTheConfiguredLimitAreSplitAndReassembled() {
        FmiConfig config = FmiConfig.parse(redis.backend("\"max_value_bytes\": 100000"));
        String name = "split-" + UUID.randomUUID();
        double[] big = new java.util.Random(5).doubles(300_000).toArray();
        run(3, name, config, comm -> {
            double[] buf = comm.rank() == 1 ? big.clone() : new double[big.length];
            comm.bcast(buf, 1);
            assertArrayEquals(big, buf);
            if (comm.rank() == 0) {
                comm.send(big, 2, 4);
            } else if (comm.rank() == 2) {
                double[] in = new double[big.length];
                comm.recv(in, 0, 4);
                assertArrayEquals(big, in);
            }
            return null;
        });
        assertEquals(List.of(), redis.keys("fmi/" + name + "/*"));
    }

    @Test
    void configurationMistakesNameTheField() {
        FmiConfigException unknown = assertThrows(FmiConfigException.class, () -> Communicator.builder().rank(0)
                .size(1).name("cfg").config(FmiConfig.parse(redis.backend("\"hots\": \"x\""))).build());
        assertTrue(unknown.getMessage().contains("backends.Redis.hots"), unknown.getMessage());
        FmiConfigException both = assertThrows(FmiConfigException.class, () -> Communicator.builder().rank(0)
                .size(1).name("cfg").config(FmiConfig.parse(redis.backend("\"url\": \"redis://h:1\""))).build());
        assertTrue(both.getMessage().contains("backends.Redis.url"), both.getMessage());
        FmiConfigException scheme = assertThrows(FmiConfigException.class, () -> Communicator.builder().rank(0)
                .size(1).name("cfg").config(FmiConfig.parse("{\"backends\": {\"Redis\": {\"url\": \"http://h\"}}}"))
                .build());
        assertTrue(scheme.getMessage().contains("redis://"), scheme.getMessage());
    }

    @Test
    void aUrlWithADatabaseIsHonoured() {
        FmiConfig config = FmiConfig.parse("{\"backends\": {\"Redis\": {\"url\": \"redis://" + redis.host() + ":"
                + redis.port() + "/3\", \"close_grace\": 0}}}");
        String name = "db-" + UUID.randomUUID();
        try (Communicator comm = Communicator.builder().rank(0).size(2).name(name).config(config).build();
             Jedis jedis = redis.client()) {
            comm.send(new byte[] {1, 2, 3}, 1, 0);
            jedis.select(3);
            assertEquals(1, jedis.keys("fmi/" + name + "/c*").size(), "the message is not in database 3");
            assertEquals(1, jedis.keys("fmi/" + name + "/!hb/*").size(), "the liveness mark is not in database 3");
        }
    }
}
