package io.fmi.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.Communicator;
import io.fmi.Op;
import io.fmi.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

class FmiTestTest {
    private static final Set<Integer> RANKS_SEEN = ConcurrentHashMap.newKeySet();

    @FmiTest(peers = 4)
    void everyPeerRunsTheBodyWithItsOwnCommunicator(Communicator comm) {
        RANKS_SEEN.add(comm.rank());
        assertEquals(4, comm.size());
        long[] sum = new long[1];
        comm.allreduce(new long[] {comm.rank()}, sum, Op.SUM);
        assertEquals(6, sum[0]);
    }

    @AfterAll
    static void allRanksRan() {
        assertEquals(Set.of(0, 1, 2, 3), RANKS_SEEN);
    }

    @FmiTest(peers = 3, channel = FmiTest.Channel.REDIS)
    void peersTalkThroughARealRedis(Communicator comm) {
        assertEquals(java.util.List.of("Redis"), comm.channels());
        int right = (comm.rank() + 1) % comm.size();
        comm.send(new int[] {comm.rank()}, right, 0);
        int[] got = new int[1];
        Status st = comm.recv(got, Communicator.ANY_SOURCE, 0);
        assertEquals((comm.rank() + 2) % 3, got[0]);
        assertEquals(got[0], st.source());
    }

    /** A body that fails on one peer fails the test (and does not hang the others). */
    static class Failing {
        @FmiTest(peers = 3, timeoutSeconds = 5)
        void rankTwoFails(Communicator comm) {
            if (comm.rank() == 2) {
                throw new IllegalStateException("rank 2 disagrees");
            }
            comm.barrier();
        }
    }

    @Test
    void aFailingPeerFailsTheTestFast() {
        long start = System.nanoTime();
        var results = EngineTestKit.engine("junit-jupiter").selectors(
                org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(Failing.class)).execute();
        results.testEvents().assertStatistics(s -> s.failed(1).succeeded(0));
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertTrue(String.valueOf(failure.getMessage()).contains("rank 2 disagrees")
                || String.valueOf(failure.getCause()).contains("rank 2 disagrees"), String.valueOf(failure));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "the other peers waited for their deadline");
    }
}
