package io.fmi.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.ChannelException;
import io.fmi.Communicator;
import io.fmi.Hint;
import io.fmi.Op;
import io.fmi.Operation;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.ObjectStoreChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The policy drives every operation, from estimates every peer computes alike. */
@Timeout(60)
class ChannelPolicyTest {

    /** Local (peer-to-peer) is cheap and slow here; LocalStore is fast and expensive. */
    private static final FmiConfig FORCED = FmiConfig.parse("{\"backends\": {\"Local\": {}, \"LocalStore\": {}},"
            + " \"model\": {\"FaaS\": {\"gib_second_price\": 0.0},"
            + "   \"Local\": {\"overhead\": 50, \"bandwidth\": 1, \"transfer_price\": 0},"
            + "   \"LocalStore\": {\"overhead\": 0.01, \"bandwidth\": 10000, \"upload_price\": 0.01, \"download_price\": 0.01}}}");

    @Test
    void fastPicksThePredictedFastestAndCheapPicksThePredictedCheapest() {
        try (Communicator comm = Communicator.builder().rank(0).size(4).name("p-" + UUID.randomUUID())
                .config(FORCED).hint(Hint.FAST).build()) {
            Explanation fast = comm.explain(Operation.ALLREDUCE, 1000);
            assertEquals("LocalStore", fast.chosen(), fast.toString());
            assertEquals("fastest predicted", fast.reason());
            assertEquals(2, fast.estimates().size());
            assertTrue(fast.estimates().get(1).seconds() < fast.estimates().get(0).seconds(), fast.toString());
            comm.hint(Hint.CHEAP);
            Explanation cheap = comm.explain(Operation.ALLREDUCE, 1000);
            assertEquals("Local", cheap.chosen(), cheap.toString());
            assertEquals("cheapest predicted", cheap.reason());
            assertTrue(cheap.estimates().get(0).totalDollars() < cheap.estimates().get(1).totalDollars());
        }
    }

    @Test
    void theFunctionsTimeCountsInCheap() {
        FmiConfig pricyFunctions = FmiConfig.parse("{\"backends\": {\"Local\": {}, \"LocalStore\": {}},"
                + " \"model\": {\"FaaS\": {\"gib_second_price\": 1000.0},"
                + "   \"Local\": {\"overhead\": 50, \"bandwidth\": 1},"
                + "   \"LocalStore\": {\"overhead\": 0.01, \"bandwidth\": 10000, \"upload_price\": 0.01, \"download_price\": 0.01}}}");
        try (Communicator comm = Communicator.builder().rank(0).size(4).name("f-" + UUID.randomUUID())
                .config(pricyFunctions).memoryMiB(2048).hint(Hint.CHEAP).build()) {
            Explanation e = comm.explain(Operation.BCAST, 1000);
            assertEquals("LocalStore", e.chosen(), e.toString());
            Estimate local = e.estimates().get(0);
            assertEquals(local.seconds() * 2.0 * 1000.0 * 4, local.faasDollars(), 1e-9);
        }
    }

    @Test
    void pinsAndCustomPoliciesOverrideTheModel() {
        try (Communicator comm = Communicator.builder().rank(0).size(2).name("pin-" + UUID.randomUUID()).config(FORCED)
                .hint(Hint.FAST).pin(Operation.BCAST, "Local").policy((op, bytes, hint, estimates) -> "Local").build()) {
            assertEquals("pinned", comm.explain(Operation.BCAST, 10).reason());
            assertEquals("Local", comm.explain(Operation.BCAST, 10).chosen());
            assertEquals("Local", comm.explain(Operation.GATHER, 10).chosen());
        }
    }

    /** A store that fails every request, naming itself: shows which channel an operation really used. */
    private static final class Broken implements ObjectStoreChannel {
        @Override
        public String name() {
            return "Broken";
        }

        @Override
        public void open(ChannelContext context) {
        }

        @Override
        public void put(String key, ByteBuffer value, int readers, Deadline deadline) {
            throw new ChannelException("Broken channel used for " + key);
        }

        @Override
        public byte[] get(String key, Deadline deadline) {
            throw new ChannelException("Broken channel used for " + key);
        }

        @Override
        public byte[] tryGet(String key) {
            throw new ChannelException("Broken channel used for " + key);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void operationsReallyRunOnTheChosenChannel() {
        String name = "route-" + UUID.randomUUID();
        List<Object> results = LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name)
                .channel(new io.fmi.local.LocalChannel()).channel(new Broken())
                .policy((op, bytes, hint, estimates) -> bytes > 100 ? "Broken" : "Local").build(), comm -> {
            int[] small = new int[4];
            comm.allreduce(new int[] {1, 2, 3, 4}, small, Op.SUM);
            assertEquals(2, small[0]);
            ChannelException e = assertThrows(ChannelException.class,
                    () -> comm.bcast(new byte[1000], 0));
            assertTrue(e.getMessage().contains("Broken"), e.getMessage());
            return null;
        }, java.time.Duration.ofSeconds(30));
        assertEquals(2, results.size());
    }

    @Test
    void everyPeerChoosesTheSameChannelForTheSameOperation() {
        FmiConfig mixed = FmiConfig.parse("{\"backends\": {\"Local\": {}, \"LocalStore\": {}},"
                + " \"model\": {\"Local\": {\"overhead\": 2, \"bandwidth\": 50}, \"LocalStore\": {\"overhead\": 0.5,"
                + " \"bandwidth\": 20, \"upload_price\": 0.000005, \"download_price\": 0.0000004}}}");
        String name = "same-" + UUID.randomUUID();
        List<List<String>> choices = LocalPeers.call(6, rank -> Communicator.builder().rank(rank).size(6).name(name)
                .config(mixed).memoryMiB(1769).build(), comm -> {
            List<String> mine = new ArrayList<>();
            for (Hint hint : Hint.values()) {
                comm.hint(hint);
                for (Operation op : Operation.values()) {
                    for (long bytes : new long[] {0, 8, 1000, 100_000, 10_000_000}) {
                        mine.add(op + "/" + bytes + "/" + hint + "=" + comm.explain(op, bytes).chosen());
                    }
                }
            }
            return mine;
        }, java.time.Duration.ofSeconds(30));
        for (int r = 1; r < choices.size(); r++) {
            assertEquals(choices.get(0), choices.get(r), "rank " + r + " chose differently");
        }
        assertTrue(choices.get(0).stream().anyMatch(c -> c.endsWith("=Local"))
                && choices.get(0).stream().anyMatch(c -> c.endsWith("=LocalStore")),
                "the parameters should make each channel win somewhere: " + choices.get(0));
    }
}
