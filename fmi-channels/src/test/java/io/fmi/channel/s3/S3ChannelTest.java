package io.fmi.channel.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.ChannelException;
import io.fmi.Communicator;
import io.fmi.FmiConfigException;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviour of the S3 channel beyond the conformance suite, against a real S3-compatible server. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class S3ChannelTest {
    private final S3ServerFixture s3 = S3ServerFixture.shared();

    @Test
    void closeAfterAFailedOperationDeletesAtOnceInsteadOfWaitingForReaders() {
        String name = "abandon-" + UUID.randomUUID();
        Communicator alone = Communicator.builder().rank(0).size(2).name(name)
                .config(FmiConfig.parse(s3.backend(""))).timeout(Duration.ofSeconds(1)).build();
        alone.send(new byte[100], 1, 3);
        assertTrue(!s3.keys("fmi/" + name + "/").isEmpty(), "the message is stored");
        assertThrows(io.fmi.FmiTimeoutException.class, () -> alone.recv(new byte[1], 1, 4));
        long start = System.nanoTime();
        alone.close();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 4000, "close after a failure took " + tookMs + " ms (close_grace is 10 s)");
        assertEquals(List.of(), s3.keys("fmi/" + name + "/"), "what rank 0 stored is deleted");
    }

    @Test
    void aMissingBucketFailsAtBuildNamingTheSettingAndTheFix() {
        String json = s3.backend("").replace("\"bucket_name\": \"" + S3ServerFixture.BUCKET + "\"", "\"bucket_name\": \"no-such-bucket\"");
        ChannelException e = assertThrows(ChannelException.class, () -> Communicator.builder().rank(0).size(1)
                .name("nobucket").config(FmiConfig.parse(json)).build());
        assertTrue(e.getMessage().contains("no-such-bucket") && e.getMessage().contains("backends.S3.bucket_name"),
                e.getMessage());
    }

    @Test
    void anUnreachableEndpointFailsAtBuildNamingIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String json = s3.backend("\"connect_timeout\": 300").replace(s3.endpoint().toString(), "http://127.0.0.1:" + port);
        long start = System.nanoTime();
        ChannelException e = assertThrows(ChannelException.class, () -> Communicator.builder().rank(0).size(1)
                .name("unreachable").config(FmiConfig.parse(json)).build());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "took too long to fail");
    }

    @Test
    void configurationMistakesNameTheField() {
        FmiConfigException missing = assertThrows(FmiConfigException.class, () -> Communicator.builder().rank(0)
                .size(1).name("cfg").config(FmiConfig.parse("{\"backends\": {\"S3\": {\"s3_region\": \"x\"}}}")).build());
        assertTrue(missing.getMessage().contains("backends.S3.bucket_name"), missing.getMessage());
        FmiConfigException half = assertThrows(FmiConfigException.class, () -> Communicator.builder().rank(0)
                .size(1).name("cfg").config(FmiConfig.parse(
                        "{\"backends\": {\"S3\": {\"bucket_name\": \"b\", \"access_key_id\": \"a\"}}}")).build());
        assertTrue(half.getMessage().contains("secret_access_key"), half.getMessage());
    }

    @Test
    void theEventListenerSeesEachOperationsRequestsAndTheSummaryPricesThem() {
        FmiConfig config = FmiConfig.parse(s3.backend(""));
        String name = "events-" + UUID.randomUUID();
        List<String> summaries = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Map<String, Long>> allreduceRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.fmi.FmiEventListener summary = io.fmi.FmiEventListener.summary(summaries::add);
        io.fmi.FmiEventListener both = new io.fmi.FmiEventListener() {
            @Override
            public void operationEnd(io.fmi.OperationEvent e, Duration took, Map<String, Long> requests) {
                if (e.operation().equals("allreduce")) {
                    allreduceRequests.add(requests);
                }
                summary.operationEnd(e, took, requests);
            }

            @Override
            public void closed(String communicator, int rank, boolean root) {
                summary.closed(communicator, rank, root);
            }
        };
        LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name).config(config)
                .eventListener(rank == 0 ? both : io.fmi.FmiEventListener.NONE).build(), comm -> {
                    comm.allreduce(new long[] {comm.rank()}, new long[1], io.fmi.Op.SUM);
                    return null;
                }, Duration.ofMinutes(1));
        assertEquals(1, allreduceRequests.size(), allreduceRequests.toString());
        Map<String, Long> made = allreduceRequests.get(0);
        assertTrue(made.getOrDefault("put", 0L) >= 1 && made.getOrDefault("get", 0L) >= 1, made.toString());
        assertEquals(1, summaries.size());
        String s = summaries.get(0);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("S3\\s+1 operations \\(0 failed\\).*requests \\{(.*)\\}, \\$([0-9.]+)").matcher(s);
        assertTrue(m.find(), s);
        assertTrue(m.group(1).contains("put=") && m.group(1).contains("get="), s);
        assertTrue(Double.parseDouble(m.group(2)) > 0, "the S3 requests have a price: " + s);
    }

    @Test
    void largeMessagesGoUpInPartsAndComeDownByParallelRangedGets() {
        FmiConfig config = FmiConfig.parse(s3.backend("\"part_size\": 5242880, \"parallelism\": 3"));
        String name = "parts-" + UUID.randomUUID();
        byte[] payload = new byte[20 * 1024 * 1024 + 3];
        new java.util.Random(11).nextBytes(payload);
        List<Map<String, Map<String, Long>>> counts = LocalPeers.call(2, rank -> Communicator.builder().rank(rank)
                .size(2).name(name).config(config).build(), comm -> {
            if (comm.rank() == 0) {
                comm.send(payload, 1, 1);
            } else {
                byte[] in = new byte[payload.length];
                comm.recv(in, 0, 1);
                assertArrayEquals(payload, in);
            }
            return comm.requestCounts();
        }, Duration.ofMinutes(1));
        assertEquals(5L, counts.get(0).get("S3").get("multipart_part"), counts.toString());
        assertEquals(1L, counts.get(0).get("S3").get("multipart_complete"), counts.toString());
        assertEquals(4L, counts.get(1).get("S3").get("get_range"), counts.toString());
        assertEquals(List.of(), s3.keys("fmi/" + name + "/"));
    }

    @Test
    void valuesAboveMaxValueBytesAreSplitIntoObjectsAndReassembled() {
        FmiConfig config = FmiConfig.parse(s3.backend("\"close_grace\": 100, \"max_value_bytes\": 100000"));
        String name = "split-" + UUID.randomUUID();
        byte[] payload = new byte[300_001];
        new java.util.Random(12).nextBytes(payload);
        CountDownLatch read = new CountDownLatch(1);
        LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name).config(config).build(), comm -> {
            if (comm.rank() == 0) {
                comm.send(payload, 1, 1);
                awaitReader(read);
            } else {
                byte[] in = new byte[payload.length];
                comm.recv(in, 0, 1);
                read.countDown();
                assertArrayEquals(payload, in);
            }
            return null;
        }, Duration.ofMinutes(1));
        assertEquals(List.of(), s3.keys("fmi/" + name + "/"));
    }

    @Test
    void requestsAreCountedAndConsumedObjectsAreDeletedByTheirReader() {
        FmiConfig config = FmiConfig.parse(s3.backend("\"close_grace\": 100"));
        String name = "count-" + UUID.randomUUID();
        byte[] payload = new byte[1000];
        new java.util.Random(3).nextBytes(payload);
        CountDownLatch read = new CountDownLatch(1);
        List<Map<String, Map<String, Long>>> counts = LocalPeers.call(2, rank -> Communicator.builder().rank(rank)
                .size(2).name(name).config(config).build(), comm -> {
            if (comm.rank() == 0) {
                comm.send(payload, 1, 2);
                awaitReader(read);
            } else {
                byte[] in = new byte[payload.length];
                comm.recv(in, 0, 2);
                read.countDown();
                assertArrayEquals(payload, in);
                long until = System.nanoTime() + 10_000_000_000L;
                // the communicators are open: their liveness marks are there, the value must not be
                while (!s3.keys("fmi/" + name + "/c").isEmpty() && System.nanoTime() < until) {
                    Thread.sleep(20);
                }
                assertEquals(List.of(), s3.keys("fmi/" + name + "/c"), "the reader did not delete the object it consumed");
            }
            return comm.requestCounts();
        }, Duration.ofMinutes(1));
        assertEquals(1L, counts.get(0).get("S3").get("put"));
        assertTrue(counts.get(1).get("S3").get("get") >= 1, counts.toString());
        assertEquals(1L, counts.get(1).get("S3").get("delete"));
    }

    /**
     * Rank 0 stays open until rank 1 has read: with a {@code close_grace} (100 ms) shorter than the
     * readers' poll interval (up to 200 ms), a writer that closes at once deletes a value its reader
     * has not polled for yet, and the reader then waits out its deadline.
     */
    private static void awaitReader(CountDownLatch read) throws InterruptedException {
        assertTrue(read.await(1, TimeUnit.MINUTES), "rank 1 did not read within a minute");
    }
}
