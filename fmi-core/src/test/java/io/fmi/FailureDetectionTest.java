package io.fmi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import io.fmi.local.LocalPeers;
import io.fmi.local.LocalStoreChannel;
import io.fmi.spi.ChannelContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Failure detection on a storage channel (heartbeat marks, over the in-memory store) and
 * {@link Communicator#abort}: waits end with an error naming the gone peer or the abort's reason
 * long before the operation's deadline (60 s here).
 */
class FailureDetectionTest {
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static Communicator store(LocalHub hub, String name, int rank, int size) {
        return Communicator.builder().rank(rank).size(size).name(name).timeout(DEADLINE)
                .channel(new LocalStoreChannel(hub, Integer.MAX_VALUE - 8).heartbeat(HEARTBEAT)).build();
    }

    /**
     * A peer that wrote its mark once and then stopped (as a killed function would): the bare
     * channel of rank 1, opened, one mark written, never again.
     */
    private static LocalStoreChannel deadPeer(LocalHub hub, String name) {
        LocalStoreChannel dead = new LocalStoreChannel(hub, Integer.MAX_VALUE - 8);
        dead.open(new ChannelContext(1, 2, name, "fmi"));
        dead.putMark("!hb/1", ByteBuffer.allocate(16).putLong(1).putLong(System.currentTimeMillis()).array(),
                Duration.ofSeconds(1));
        // something it wrote that nobody will read: the survivors sweep it
        dead.put("c0/bcast-99/1-all", ByteBuffer.wrap(new byte[100]), 1, io.fmi.spi.Deadline.after(DEADLINE));
        return dead;
    }

    private static void failsNamingRank1(String what, Consumer<Communicator> wait) {
        LocalHub hub = new LocalHub();
        String name = "gone-" + UUID.randomUUID();
        deadPeer(hub, name);
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        FmiEventListener listener = new FmiEventListener() {
            @Override
            public void peerGone(String channel, int rank, int peer, String why) {
                events.add(channel + " " + rank + " " + peer);
            }
        };
        try (Communicator comm = Communicator.builder().rank(0).size(2).name(name).timeout(DEADLINE).eventListener(listener)
                .channel(new LocalStoreChannel(hub, Integer.MAX_VALUE - 8).heartbeat(HEARTBEAT)).build()) {
            long start = System.nanoTime();
            ChannelException e = assertThrows(ChannelException.class, () -> wait.accept(comm), what);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains("rank 1") && e.getMessage().contains("is gone"), e.getMessage());
            assertTrue(ms < DEADLINE.toMillis() / 3, what + " failed only after " + ms + " ms");
        }
        assertEquals(List.of("LocalStore 0 1"), events, "the listener hears of the gone peer once");
        assertEquals(0, hub.marks("fmi/" + name + "/"), "marks left after the survivor closed");
        assertEquals(0, hub.storedKeys("fmi/" + name + "/"), "values left after the survivor closed");
    }

    @Test
    void aReceiveFromAPeerWhoseHeartbeatStoppedFailsNamingIt() {
        failsNamingRank1("recv", comm -> comm.recv(new byte[8], 1, 0));
    }

    @Test
    void aWildcardReceiveWhoseOnlyOtherPeerIsGoneFails() {
        failsNamingRank1("recv(ANY_SOURCE)", comm -> comm.recv(new byte[8], Communicator.ANY_SOURCE, 0));
    }

    @Test
    void aCollectiveWaitingForAGonePeerFails() {
        failsNamingRank1("bcast from 1", comm -> comm.bcast(new double[4], 1));
        failsNamingRank1("allreduce", comm -> comm.allreduce(new double[4], new double[4], Op.SUM));
    }

    @Test
    void aMessageSentBeforeThePeerWentIsStillReceived() throws Exception {
        LocalHub hub = new LocalHub();
        String name = "sent-then-gone-" + UUID.randomUUID();
        Communicator sender = store(hub, name, 1, 2);
        try (Communicator receiver = store(hub, name, 0, 2)) {
            sender.send(new int[] {5, 6}, 0, 3);
            int[] first = new int[2];
            receiver.recv(first, 1, 3); // rank 0 has seen rank 1's mark
            assertEquals(List.of(5, 6), List.of(first[0], first[1]));
            sender.send(new int[] {7, 8}, 0, 3);
            // close() deletes the mark and then waits for the message to be read
            Thread closing = new Thread(sender::close);
            closing.start();
            while (hub.marks("fmi/" + name + "/!hb/1") > 0) {
                Thread.onSpinWait();
            }
            int[] got = new int[2];
            receiver.recv(got, 1, 3);
            assertEquals(List.of(7, 8), List.of(got[0], got[1]));
            closing.join();
            ChannelException e = assertThrows(ChannelException.class, () -> receiver.recv(new int[2], 1, 3),
                    "nothing more will come");
            assertTrue(e.getMessage().contains("rank 1"), e.getMessage());
        }
    }

    @Test
    void aPeerThatNeverStartedIsLeftToTheDeadline() {
        LocalHub hub = new LocalHub();
        String name = "never-" + UUID.randomUUID();
        try (Communicator comm = Communicator.builder().rank(0).size(2).name(name).timeout(Duration.ofMillis(800))
                .channel(new LocalStoreChannel(hub, Integer.MAX_VALUE - 8).heartbeat(HEARTBEAT)).build()) {
            assertThrows(FmiTimeoutException.class, () -> comm.recv(new byte[1], 1, 0));
        }
    }

    private static void abortReachesEveryWaitingPeer(java.util.function.IntFunction<Communicator> factory) {
        List<String> results = LocalPeers.call(3, factory, comm -> {
            if (comm.rank() == 2) {
                comm.abort("input file is corrupt");
                return "aborted";
            }
            long start = System.nanoTime();
            try {
                if (comm.rank() == 0) {
                    comm.recv(new byte[4], 2, 0);
                } else {
                    comm.allreduce(new double[8], new double[8], Op.SUM);
                }
                return "completed";
            } catch (FmiAbortedException e) {
                long ms = (System.nanoTime() - start) / 1_000_000;
                return e.abortingRank() + ":" + e.reason() + (ms < DEADLINE.toMillis() / 3 ? "" : " late " + ms);
            }
        }, Duration.ofMinutes(1));
        assertEquals(List.of("2:input file is corrupt", "2:input file is corrupt", "aborted"), results);
    }

    @Test
    void abortFailsEveryWaitingPeerWithTheReasonOnAStore() {
        LocalHub hub = new LocalHub();
        String name = "abort-store-" + UUID.randomUUID();
        abortReachesEveryWaitingPeer(rank -> store(hub, name, rank, 3));
    }

    @Test
    void abortFailsEveryWaitingPeerWithTheReasonOnLocal() {
        LocalHub hub = new LocalHub();
        String name = "abort-local-" + UUID.randomUUID();
        abortReachesEveryWaitingPeer(rank -> Communicator.builder().rank(rank).size(3).name(name).timeout(DEADLINE)
                .channel(new LocalChannel(hub)).build());
    }

    @Test
    void afterAbortEveryOperationOfThePeerFails() {
        LocalHub hub = new LocalHub();
        Communicator comm = store(hub, "abort-self-" + UUID.randomUUID(), 0, 1);
        comm.abort("stop");
        FmiException e = assertThrows(FmiException.class, () -> comm.barrier());
        assertTrue(e.getMessage().contains("closed") || e instanceof FmiAbortedException, e.getMessage());
        comm.close();
    }

    @Test
    void abortOnFailureTellsThePeersWhatFailed() {
        LocalHub hub = new LocalHub();
        String name = "abort-on-failure-" + UUID.randomUUID();
        List<String> results = LocalPeers.call(2, rank -> Communicator.builder().rank(rank).size(2).name(name)
                .timeout(rank == 0 ? Duration.ofMillis(300) : DEADLINE).abortOnFailure(true)
                .channel(new LocalStoreChannel(hub, Integer.MAX_VALUE - 8).heartbeat(HEARTBEAT)).build(), comm -> {
                    try {
                        // both receive and nobody sends: rank 0's deadline passes first and aborts the job
                        comm.recv(new byte[1], 1 - comm.rank(), 5);
                        return "completed";
                    } catch (FmiException e) {
                        return e.getClass().getSimpleName();
                    }
                }, Duration.ofMinutes(1));
        assertEquals(List.of("FmiTimeoutException", "FmiAbortedException"), results);
    }
}
