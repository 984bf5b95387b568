package io.fmi.channel.dynamodb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.ChannelException;
import io.fmi.Communicator;
import io.fmi.FmiConfigException;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviour of the DynamoDB channel beyond the conformance suite, against a real DynamoDB-compatible server. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DynamoDbChannelTest {
    private static final String TABLE = "fmi-channel-test";
    private final DynaliteFixture dynamo = DynaliteFixture.shared();

    private List<Map<String, Map<String, Long>>> run(int size, String name, FmiConfig config, LocalPeers.Peer<Void> body) {
        return LocalPeers.call(size, rank -> Communicator.builder().rank(rank).size(size).name(name).config(config)
                .timeout(Duration.ofSeconds(60)).build(), comm -> {
            body.run(comm);
            return comm.requestCounts();
        }, Duration.ofMinutes(2));
    }

    @Test
    void closeAfterAFailedOperationDeletesAtOnceInsteadOfWaitingForReaders() {
        String name = "abandon-" + UUID.randomUUID();
        Communicator alone = Communicator.builder().rank(0).size(2).name(name)
                .config(FmiConfig.parse(dynamo.backend(TABLE, ""))).timeout(Duration.ofSeconds(1)).build();
        alone.send(new byte[100], 1, 3);
        assertTrue(!dynamo.keys(TABLE, "fmi/" + name + "/").isEmpty(), "the message is stored");
        assertThrows(io.fmi.FmiTimeoutException.class, () -> alone.recv(new byte[1], 1, 4));
        long start = System.nanoTime();
        alone.close();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 4000, "close after a failure took " + tookMs + " ms (close_grace is 10 s)");
        assertEquals(List.of(), dynamo.keys(TABLE, "fmi/" + name + "/"), "what rank 0 stored is deleted");
    }

    @Test
    void aFiveMiBMessageIsChunkedAcrossItemsAndReassembledExactly() {
        FmiConfig config = FmiConfig.parse(dynamo.backend(TABLE, ""));
        String name = "chunk-" + UUID.randomUUID();
        byte[] payload = new byte[5 * 1024 * 1024];
        new java.util.Random(7).nextBytes(payload);
        List<Map<String, Map<String, Long>>> counts = run(2, name, config, comm -> {
            if (comm.rank() == 0) {
                comm.send(payload, 1, 9);
            } else {
                byte[] in = new byte[payload.length];
                comm.recv(in, 0, 9);
                assertArrayEquals(payload, in);
            }
            return null;
        });
        long items = counts.get(0).get("DynamoDB").get("put");
        assertTrue(items >= 14, "5 MiB in items of at most 380000 bytes needs at least 14 puts, made " + items);
        assertEquals(List.of(), dynamo.keys(TABLE, "fmi/" + name + "/"));
    }

    @Test
    void aValueForSeveralReadersIsDeletedByTheLastOfThem() {
        FmiConfig config = FmiConfig.parse(dynamo.backend(TABLE, "\"close_grace\": 0"));
        String name = "readers-" + UUID.randomUUID();
        java.util.concurrent.CyclicBarrier read = new java.util.concurrent.CyclicBarrier(5);
        run(5, name, config, comm -> {
            long[] value = {comm.rank() == 2 ? 77 : 0};
            comm.bcast(value, 2);
            assertEquals(77, value[0]);
            read.await(30, TimeUnit.SECONDS);
            long until = System.nanoTime() + 10_000_000_000L;
            // the communicators are still open: their liveness marks are there, the value must not be
            String values = "fmi/" + name + "/c";
            while (!dynamo.keys(TABLE, values).isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(List.of(), dynamo.keys(TABLE, values), "the broadcast item outlived its readers");
            return null;
        });
    }

    @Test
    void aMissingTableFailsAtBuildNamingTheSchemaToCreate() {
        FmiConfig config = FmiConfig.parse(dynamo.backend("fmi-no-such-table", "\"create_table\": false")
                .replace("\"create_table\": true, ", ""));
        ChannelException e = assertThrows(ChannelException.class, () -> Communicator.builder().rank(0).size(1)
                .name("notable").config(config).build());
        assertTrue(e.getMessage().contains("fmi-no-such-table") && e.getMessage().contains("create_table")
                && e.getMessage().contains("partition key"), e.getMessage());
    }

    @Test
    void configurationMistakesNameTheField() {
        FmiConfigException shortName = assertThrows(FmiConfigException.class, () -> Communicator.builder().rank(0)
                .size(1).name("cfg").config(FmiConfig.parse("{\"backends\": {\"DynamoDB\": {\"table\": \"ab\"}}}")).build());
        assertTrue(shortName.getMessage().contains("backends.DynamoDB.table"), shortName.getMessage());
        FmiConfigException tooBig = assertThrows(FmiConfigException.class, () -> Communicator.builder().rank(0)
                .size(1).name("cfg").config(FmiConfig.parse(
                        "{\"backends\": {\"DynamoDB\": {\"table\": \"abc\", \"max_value_bytes\": 500000}}}")).build());
        assertTrue(tooBig.getMessage().contains("backends.DynamoDB.max_value_bytes"), tooBig.getMessage());
    }
}
