package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.ChannelException;
import io.fmi.Communicator;
import io.fmi.FmiEventListener;
import io.fmi.Op;
import io.fmi.config.FmiConfig;
import io.fmi.local.LocalPeers;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The Direct channel beyond the conformance suite: failures, scale, checksums. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DirectChannelTest {
    private final RendezvousServer server = RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0),
            RendezvousServer.Options.defaults());

    @AfterAll
    void stop() {
        server.close();
    }

    private FmiConfig config(String extra) {
        return FmiConfig.parse("{\"backends\": {\"Direct\": {\"host\": \"127.0.0.1\", \"port\": " + server.port()
                + (extra.isEmpty() ? "" : ", " + extra) + "}}}");
    }

    private <T> List<T> run(int size, FmiConfig config, LocalPeers.Peer<T> body) {
        String name = "direct-" + UUID.randomUUID();
        return LocalPeers.call(size, rank -> Communicator.builder().rank(rank).size(size).name(name).config(config)
                .timeout(Duration.ofSeconds(60)).build(), body, Duration.ofMinutes(2));
    }

    @Test
    void eachPairingIsReportedToTheEventListenerAndCountedInTheSummary() {
        String name = "pairing-events-" + UUID.randomUUID();
        FmiConfig config = config("");
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> summaries = new java.util.concurrent.CopyOnWriteArrayList<>();
        FmiEventListener summary = FmiEventListener.summary(summaries::add);
        LocalPeers.call(3, rank -> Communicator.builder().rank(rank).size(3).name(name).config(config)
                .eventListener(new FmiEventListener() {
                    @Override
                    public void paired(String channel, int me, int peer, Duration took) {
                        events.add(channel + " " + me + "-" + peer);
                        summary.paired(channel, me, peer, took);
                    }

                }).build(), comm -> {
                    // everyone talks to everyone: three pairings, each seen from both ends
                    for (int other = 0; other < 3; other++) {
                        if (other != comm.rank()) {
                            comm.sendrecv(new int[] {comm.rank()}, other, 1, new int[1], other, 1);
                        }
                    }
                    return null;
                }, Duration.ofMinutes(2));
        assertEquals(java.util.Set.of("Direct 0-1", "Direct 0-2", "Direct 1-0", "Direct 1-2", "Direct 2-0", "Direct 2-1"),
                new java.util.TreeSet<>(events));
        assertEquals(6, events.size(), events.toString());
        summary.closed(name, 0, true);
        assertTrue(summaries.size() == 1 && summaries.get(0).contains("6 pairings in"), summaries.toString());
    }

    @Test
    void aPeerThatExitsFailsTheOthersAtOnceInsteadOfAtTheDeadline() {
        run(2, config(""), comm -> {
            comm.barrier();
            if (comm.rank() == 1) {
                return null;
            }
            long start = System.nanoTime();
            ChannelException e = assertThrows(ChannelException.class, () -> comm.recv(new int[1], 1, 5));
            assertTrue(e.getMessage().contains("rank 1") && e.getMessage().contains("closed"), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "noticed only at the deadline");
            return null;
        });
    }

    @Test
    void closeReportsSendsThatWereAcceptedButNeverDeliveredBecausePairingFailed() {
        // rank 1 never starts: rank 0's send is queued (it returns), the pairing then fails, and
        // close() must say that those bytes never reached rank 1 instead of dropping them silently
        Communicator alone = Communicator.builder().rank(0).size(2).name("direct-lost-" + UUID.randomUUID())
                .config(config("\"pairing_timeout\": 1000, \"close_grace\": 5000")).timeout(Duration.ofSeconds(1))
                .build();
        alone.send(new int[1000], 1, 5);
        long start = System.nanoTime();
        ChannelException e = assertThrows(ChannelException.class, alone::close);
        // 4000 bytes of data in one 16-byte-header frame, and why they were dropped: the pairing failed
        assertTrue(e.getMessage().contains("4016 bytes (with frame headers) to rank 1 (") && e.getMessage().contains("never reached"),
                e.getMessage());
        assertTrue(!e.getMessage().contains("close_grace"), "the pairing failed within the grace: " + e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "close took too long");
    }

    /** Polls {@code condition} until it holds or {@code seconds} pass. */
    private static boolean within(int seconds, java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    @Test
    void closeCancelsAPairingThatStillWaitsForItsPeer() {
        // rank 1 never comes: rank 0's receive starts a pairing that waits at the rendezvous server;
        // close() must end it at once, not leave it (a thread and two sockets) until its deadline
        Communicator alone = Communicator.builder().rank(0).size(2).name("direct-cancel-" + UUID.randomUUID())
                .config(config("")).timeout(Duration.ofSeconds(60)).build();
        io.fmi.Request pending = alone.irecv(new int[1], 1, 0);
        assertTrue(within(10, () -> server.pendingPairings() == 1), "the pairing never reached the server");
        alone.close();
        assertTrue(within(5, () -> server.pendingPairings() == 0),
                "the pairing still waits at the rendezvous server after close()");
        assertThrows(RuntimeException.class, pending::waitFor);
    }

    @Test
    void pairingsWaitingForTheirPeersHoldSocketsNotThreads() throws Exception {
        // a receive from any source pairs with every other rank; none of them has started yet, so
        // all 299 pairings wait at the rendezvous server. They used to take a thread each from an
        // unbounded pool; now one loop thread in the JVM drives every pairing.
        int size = 300;
        String name = "direct-wide-" + UUID.randomUUID();
        Communicator first = Communicator.builder().rank(0).size(size).name(name)
                .config(config("")).timeout(Duration.ofSeconds(60)).build();
        try {
            io.fmi.Request any = first.irecv(new int[1], io.fmi.Communicator.ANY_SOURCE, 7);
            assertTrue(within(30, () -> server.pendingPairings() == size - 1),
                    "not every pairing reached the server: " + server.pendingPairings());
            long pairingThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(PairingLoop.THREAD_NAME)).count();
            assertEquals(1, pairingThreads, "threads driving " + (size - 1) + " waiting pairings");
            // the pairings still work: rank 299 comes and sends
            Communicator last = Communicator.builder().rank(size - 1).size(size).name(name)
                    .config(config("")).timeout(Duration.ofSeconds(60)).build();
            try {
                last.send(new int[] {299}, 0, 7);
                io.fmi.Status status = any.waitFor();
                assertEquals(size - 1, status.source());
            } finally {
                last.close();
            }
        } finally {
            first.close();
        }
        assertTrue(within(10, () -> server.pendingPairings() == 0), "pairings left at the server after close()");
    }

    /**
     * Threads of their own for the bare peers and the waiting receive: the common pool has one
     * thread on two cores (and on newer JDKs CompletableFuture then runs its tasks one by one).
     */
    private static final java.util.concurrent.ExecutorService THREADS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "direct-test");
        t.setDaemon(true);
        return t;
    });

    /** Joins {@code name} as {@code rank} from the outside (a bare socket, as a peer would). */
    private java.nio.channels.SocketChannel impersonate(String name, int rank) {
        return HolePuncher.connect(new InetSocketAddress("127.0.0.1", server.port()), name + "/0-" + rank, 1, null,
                io.fmi.spi.Deadline.after(Duration.ofSeconds(20)));
    }

    /** A frame header announcing {@code length} bytes and only {@code sent} of them: a sender that stalls half-way. */
    private static void stallHalfWay(java.nio.channels.SocketChannel socket, int comm, int tag, int length, int sent)
            throws java.io.IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(Frames.HEADER + sent);
        b.put(Frames.VERSION).put((byte) 0).putShort((short) 0).putInt(comm).putInt(tag).putInt(length);
        b.put(new byte[sent]).flip();
        while (b.hasRemaining()) {
            socket.write(b);
        }
    }

    @Test
    void aWildcardReceiveWhoseSenderStallsHalfWayFailsInsteadOfHanging() throws Exception {
        // rank 0 is real; ranks 1 and 2 are bare sockets: 1 sends 10 of 1000 announced bytes and
        // stops, 2 says nothing. The receive from any source must end, naming rank 1.
        String name = "direct-stall-" + UUID.randomUUID();
        Communicator rank0 = Communicator.builder().rank(0).size(3).name(name).config(config(""))
                .timeout(Duration.ofSeconds(2)).build();
        java.util.concurrent.CompletableFuture<java.nio.channels.SocketChannel> one =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> impersonate(name, 1), THREADS);
        java.util.concurrent.CompletableFuture<java.nio.channels.SocketChannel> two =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> impersonate(name, 2), THREADS);
        java.util.concurrent.CompletableFuture<ChannelException> failed =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> assertThrows(ChannelException.class,
                        () -> rank0.recv(new byte[1000], Communicator.ANY_SOURCE, 5)), THREADS);
        try (java.nio.channels.SocketChannel stalling = one.get(20, TimeUnit.SECONDS);
             java.nio.channels.SocketChannel silent = two.get(20, TimeUnit.SECONDS)) {
            stallHalfWay(stalling, rank0.id(), 5, 1000, 10);
            long start = System.nanoTime();
            ChannelException e = failed.get(20, TimeUnit.SECONDS);
            assertTrue(e.getMessage().contains("rank 1") && e.getMessage().contains("stalled"), e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10, "noticed late");
        } finally {
            try {
                rank0.close();
            } catch (ChannelException ignored) {
                // nothing was sent; close has nothing to report, but the bare peers are gone
            }
        }
    }

    @Test
    void aReceiveFromOneSenderThatStallsHalfWayFailsInsteadOfHanging() throws Exception {
        String name = "direct-stall1-" + UUID.randomUUID();
        Communicator rank0 = Communicator.builder().rank(0).size(2).name(name).config(config(""))
                .timeout(Duration.ofSeconds(2)).build();
        java.util.concurrent.CompletableFuture<java.nio.channels.SocketChannel> one =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> impersonate(name, 1), THREADS);
        java.util.concurrent.CompletableFuture<ChannelException> failed =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> assertThrows(ChannelException.class,
                        () -> rank0.recv(new byte[1000], 1, 5)), THREADS);
        try (java.nio.channels.SocketChannel stalling = one.get(20, TimeUnit.SECONDS)) {
            stallHalfWay(stalling, rank0.id(), 5, 1000, 10);
            ChannelException e = failed.get(20, TimeUnit.SECONDS);
            assertTrue(e.getMessage().contains("rank 1") && e.getMessage().contains("stalled"), e.getMessage());
        } finally {
            rank0.close();
        }
    }

    @Test
    void closeAfterAFailedOperationDoesNotWaitTheGrace() {
        // the barrier's message to the missing rank 1 stays queued; the barrier times out, so the
        // job has failed: close() must not wait close_grace (10 s) for rank 1 to read it
        Communicator alone = Communicator.builder().rank(0).size(2).name("direct-failed-" + UUID.randomUUID())
                .config(config("")).timeout(Duration.ofMillis(300)).build();
        assertThrows(io.fmi.FmiTimeoutException.class, alone::barrier);
        long start = System.nanoTime();
        ChannelException lost = assertThrows(ChannelException.class, alone::close);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 3000, "close after a failure took " + tookMs + " ms (close_grace is 10 s)");
        assertTrue(lost.getMessage().contains("to rank 1"), lost.getMessage());
    }

    @Test
    void closeAfterEverythingWasDeliveredIsQuiet() {
        run(2, config(""), comm -> {
            comm.send(new long[] {comm.rank()}, 1 - comm.rank(), 1);
            long[] got = new long[1];
            comm.recv(got, 1 - comm.rank(), 1);
            assertEquals(1 - comm.rank(), got[0]);
            return null;
        });
    }

    @Test
    void sixtyFourPeersInOneJvm() {
        int size = 64;
        List<long[]> sums = run(size, config(""), comm -> {
            comm.barrier();
            long[] sum = new long[2];
            comm.allreduce(new long[] {comm.rank(), 1}, sum, Op.SUM);
            long[] root = {comm.rank() == 0 ? 99 : 0};
            comm.bcast(root, 0);
            assertEquals(99, root[0]);
            return sum;
        });
        for (long[] s : sums) {
            assertArrayEquals(new long[] {size * (size - 1) / 2, size}, s);
        }
    }

    /**
     * Alltoalls of large blocks on a count of ranks that is not a power of two, back to back with
     * different data, from byte arrays and from int arrays (encoded into direct buffers). Every block
     * arrives in its place and no call's blocks land in another's. Ranks as threads of one JVM send
     * all blocks at once; one at a time, with a rank per process, is {@code FmiRunLocalTest}'s.
     */
    @Test
    void alltoallsOfLargeBlocksDeliverEveryBlockInPlace() {
        int size = 5;
        int block = 200_003;
        int ints = 40_000;
        List<String> failures = run(size, config(""), comm -> {
            StringBuilder wrong = new StringBuilder();
            for (int call = 0; call < 3; call++) {
                byte[] out = new byte[size * block];
                int[] outInts = new int[size * ints];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) (call * 13 + comm.rank() * 31 + i / block * 7 + i);
                }
                for (int i = 0; i < outInts.length; i++) {
                    outInts[i] = call * 1_000_000_007 + comm.rank() * 65_537 + i;
                }
                byte[] in = new byte[size * block];
                int[] inInts = new int[size * ints];
                comm.alltoall(out, in);
                comm.alltoall(outInts, inInts);
                for (int from = 0; from < size; from++) {
                    for (int k = 0; k < block; k++) {
                        int sent = comm.rank() * block + k;
                        if (in[from * block + k] != (byte) (call * 13 + from * 31 + sent / block * 7 + sent)) {
                            wrong.append("call ").append(call).append(": byte ").append(k).append(" from ").append(from);
                            break;
                        }
                    }
                    for (int k = 0; k < ints; k++) {
                        if (inInts[from * ints + k] != call * 1_000_000_007 + from * 65_537 + comm.rank() * ints + k) {
                            wrong.append("call ").append(call).append(": int ").append(k).append(" from ").append(from);
                            break;
                        }
                    }
                }
            }
            return wrong.toString();
        });
        everyRankRight(failures);
    }

    /**
     * Bcasts and allgathers of large blocks from byte arrays and heap {@code ByteBuffer}s, and an
     * alltoall from a heap {@code ByteBuffer}, arrive whole, twice with different data. Where this JVM
     * writes arrays to sockets in place (JDK 22 and later with the flags: CI's second pass), the
     * engine hands Direct the user's arrays, so their blocks are written in place rather than from
     * staged direct copies; a read-only buffer, whose array is not accessible, is staged, and so is a
     * send buffer over the receive buffer's array. Elsewhere nothing is written in place.
     */
    @Test
    void collectivesOfLargeHeapBlocksGoInPlaceWhereTheJvmAllows() {
        int size = 5;
        int block = 200_003;
        long before = HeapSocketIo.bytesWritten();
        List<String> failures = run(size, config(""), comm -> {
            StringBuilder wrong = new StringBuilder();
            for (int call = 0; call < 2; call++) {
                byte[] own = new byte[block];
                for (int i = 0; i < block; i++) {
                    own[i] = (byte) (call * 17 + comm.rank() * 29 + i);
                }
                byte[] all = new byte[size * block];
                comm.allgather(own, all);
                ByteBuffer allBuffer = ByteBuffer.allocate(size * block);
                comm.allgather(ByteBuffer.wrap(own), allBuffer);
                ByteBuffer allReadOnly = ByteBuffer.allocate(size * block);
                comm.allgather(ByteBuffer.wrap(own).asReadOnlyBuffer(), allReadOnly);
                byte[] bcast = new byte[block];
                if (comm.rank() == 2) {
                    for (int i = 0; i < block; i++) {
                        bcast[i] = (byte) (call * 19 + i * 3);
                    }
                }
                comm.bcast(bcast, 2);
                ByteBuffer toAll = ByteBuffer.allocate(size * block);
                for (int i = 0; i < toAll.capacity(); i++) {
                    toAll.put(i, (byte) (call * 13 + comm.rank() * 31 + i / block * 7 + i));
                }
                ByteBuffer fromAll = ByteBuffer.allocate(size * block);
                comm.alltoall(toAll, fromAll);
                // the same send data, and the receive buffer a block further on in the same array:
                // sending from that array in place would send blocks already overwritten
                byte[] shared = new byte[(size + 1) * block];
                toAll.get(0, shared, 0, size * block);
                ByteBuffer overlapping = ByteBuffer.wrap(shared, block, size * block).slice();
                comm.alltoall(ByteBuffer.wrap(shared, 0, size * block).slice(), overlapping);
                for (int from = 0; from < size; from++) {
                    for (int k = 0; k < block; k++) {
                        byte expected = (byte) (call * 17 + from * 29 + k);
                        int at = from * block + k;
                        if (all[at] != expected || allBuffer.get(at) != expected || allReadOnly.get(at) != expected) {
                            wrong.append("call ").append(call).append(": allgather byte ").append(k).append(" from ").append(from);
                            break;
                        }
                    }
                    for (int k = 0; k < block; k++) {
                        int sent = comm.rank() * block + k;
                        byte expected = (byte) (call * 13 + from * 31 + sent / block * 7 + sent);
                        if (fromAll.get(from * block + k) != expected || overlapping.get(from * block + k) != expected) {
                            wrong.append("call ").append(call).append(": alltoall byte ").append(k).append(" from ").append(from);
                            break;
                        }
                    }
                }
                for (int k = 0; k < block; k++) {
                    if (bcast[k] != (byte) (call * 19 + k * 3)) {
                        wrong.append("call ").append(call).append(": bcast byte ").append(k);
                        break;
                    }
                }
            }
            return wrong.toString();
        });
        everyRankRight(failures);
        long written = HeapSocketIo.bytesWritten() - before;
        if (HeapSocketIo.unavailable() == null) {
            // per call: two allgathers and an alltoall of size (size - 1) blocks, a bcast of size - 1 sends
            long atLeast = 2L * (3L * size * (size - 1) + (size - 1)) * block;
            assertTrue(written >= atLeast, written + " bytes written in place, expected at least " + atLeast);
        } else {
            assertEquals(0, written, "written in place though " + HeapSocketIo.unavailable());
        }
    }

    /**
     * An alltoall and an allgather between two direct buffers over the same memory (the receive
     * buffer a block further on) deliver what was sent: the engine notices the shared bytes by
     * address and copies the send side first, as it does for heap buffers over one array. Sent in
     * place, blocks were overwritten before they went out (4 of 5 ranks received a wrong one).
     */
    @Test
    void directBuffersOverTheSameMemoryAreCopiedBeforeSending() {
        int size = 5;
        int block = 200_003;
        List<String> failures = run(size, config(""), comm -> {
            StringBuilder wrong = new StringBuilder();
            ByteBuffer shared = ByteBuffer.allocateDirect((size + 1) * block);
            for (int i = 0; i < size * block; i++) {
                shared.put(i, (byte) (comm.rank() * 31 + i / block * 7 + i));
            }
            ByteBuffer in = shared.slice(block, size * block);
            comm.alltoall(shared.slice(0, size * block), in);
            for (int from = 0; from < size; from++) {
                for (int k = 0; k < block; k++) {
                    int sent = comm.rank() * block + k;
                    if (in.get(from * block + k) != (byte) (from * 31 + sent / block * 7 + sent)) {
                        wrong.append("alltoall byte ").append(k).append(" from ").append(from).append("; ");
                        break;
                    }
                }
            }
            // an allgather whose send block overlaps the receive buffer's next block
            ByteBuffer gathered = ByteBuffer.allocateDirect((size + 1) * block);
            int at = comm.rank() * block + block / 2;
            for (int i = 0; i < block; i++) {
                gathered.put(at + i, (byte) (comm.rank() * 29 + i));
            }
            ByteBuffer all = gathered.slice(0, size * block);
            comm.allgather(gathered.slice(at, block), all);
            for (int from = 0; from < size; from++) {
                for (int k = 0; k < block; k++) {
                    if (all.get(from * block + k) != (byte) (from * 29 + k)) {
                        wrong.append("allgather byte ").append(k).append(" from ").append(from).append("; ");
                        break;
                    }
                }
            }
            return wrong.toString();
        });
        everyRankRight(failures);
    }

    /**
     * Heap messages of an outbox or more move in place exactly where this JVM writes arrays to sockets
     * in place and {@code in_place} is on; smaller ones never (the engine stages those once, rather
     * than Direct copying them into an outbox per destination).
     */
    @Test
    void heapMessagesMoveInPlaceOnlyWhereArraysAreWrittenInPlace() {
        boolean inPlace = HeapSocketIo.unavailable() == null;
        DirectChannel on = new DirectChannel(new DirectSettings(config("").backends().get(DirectChannel.NAME)));
        assertEquals(inPlace, on.movesHeapInPlace(FrameWriter.OUTBOX));
        assertEquals(inPlace, on.movesHeapInPlace(64L << 20));
        assertFalse(on.movesHeapInPlace(FrameWriter.OUTBOX - 1));
        DirectChannel off = new DirectChannel(new DirectSettings(config("\"in_place\": false").backends().get(DirectChannel.NAME)));
        assertFalse(off.movesHeapInPlace(64L << 20));
    }

    /** Each rank's report of what arrived wrong (in rank order) is empty. */
    private static void everyRankRight(List<String> failures) {
        for (int r = 0; r < failures.size(); r++) {
            assertEquals("", failures.get(r), "rank " + r);
        }
    }

    /** One large block at a time only where a JVM has a single Direct channel (a rank per process). */
    @Test
    void largeBlocksGoOneAtATimeOnlyWithOneChannelInTheJvm() throws Exception {
        String name = "one-at-a-time-" + UUID.randomUUID();
        io.fmi.config.BackendConfig settings = config("").backends().get(DirectChannel.NAME);
        DirectChannel[] channels = open(settings, 2, name);
        try {
            assertFalse(channels[0].largeBlocksOneAtATime(), "two Direct channels open in this JVM");
            int open = DirectChannel.openInThisJvm();
            channels[1].close();
            assertEquals(open - 1, DirectChannel.openInThisJvm());
            // alone unless another test left a channel open
            assertEquals(open == 2, channels[0].largeBlocksOneAtATime());
        } finally {
            for (DirectChannel c : channels) {
                c.close();
            }
        }
    }

    @Test
    void checksummedFramesArriveIntact() {
        byte[] payload = new byte[3 * 1024 * 1024 + 5];
        new java.util.Random(9).nextBytes(payload);
        run(3, config("\"checksum\": true"), comm -> {
            byte[] buf = comm.rank() == 2 ? payload.clone() : new byte[payload.length];
            comm.bcast(buf, 2);
            assertArrayEquals(payload, buf);
            return null;
        });
    }

    @Test
    void receivesThatPollBeforeBlockingDeliverTheSame() {
        List<long[]> sums = run(3, config("\"spin_us\": 50"), comm -> {
            long[] sum = new long[1];
            for (int i = 0; i < 20; i++) {
                comm.allreduce(new long[] {comm.rank() + i}, sum, Op.SUM);
                assertEquals(3 + 3L * i, sum[0]);
            }
            byte[] big = new byte[2 << 20];
            if (comm.rank() == 0) {
                big[big.length - 1] = 7;
            }
            comm.bcast(big, 0);
            assertEquals(7, big[big.length - 1]);
            return sum;
        });
        assertEquals(3, sums.size());
    }

    @Test
    void sendsBeforeTheConnectionExistsAreDeliveredInOrder() {
        run(2, config(""), comm -> {
            if (comm.rank() == 0) {
                for (int i = 0; i < 50; i++) {
                    comm.send(new int[] {i}, 1, 3);
                }
            } else {
                Thread.sleep(300);
                for (int i = 0; i < 50; i++) {
                    int[] got = new int[1];
                    comm.recv(got, 0, 3);
                    assertEquals(i, got[0]);
                }
            }
            return null;
        });
    }

    /**
     * 1 GiB + 1 byte, once into a posted receive and once arriving before the receive (queued): the
     * bytes arrive intact, and the native memory the transfer uses stays far below the message size
     * (it is streamed in chunks, never staged whole in direct buffers).
     */
    @Test
    void aOneGibMessageStreamsThroughInBothDirections() {
        int size = (1 << 30) + 1;
        run(2, config(""), comm -> {
            long directBefore = directMemoryUsed();
            for (int round = 0; round < 2; round++) {
                boolean receiverFirst = round == 0;
                comm.barrier();
                if (comm.rank() == 0) {
                    byte[] big = new byte[size];
                    big[0] = 1;
                    big[size / 2] = 2;
                    big[size - 1] = 3;
                    if (receiverFirst) {
                        Thread.sleep(300);
                    }
                    comm.send(big, 1, round);
                } else {
                    if (!receiverFirst) {
                        Thread.sleep(1500);
                    }
                    byte[] big = new byte[size];
                    comm.recv(big, 0, round);
                    assertEquals(1, big[0]);
                    assertEquals(2, big[size / 2]);
                    assertEquals(3, big[size - 1]);
                    assertEquals(0, big[size / 2 + 1]);
                }
                comm.barrier();
            }
            long grown = directMemoryUsed() - directBefore;
            assertTrue(grown < 64L << 20, "direct memory grew by " + grown + " bytes for a 1 GiB message");
            return null;
        });
    }

    private static long directMemoryUsed() {
        return java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)
                .stream().filter(p -> p.getName().equals("direct")).mapToLong(
                        java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
    }

    /**
     * Backpressure: with {@code max_queued_mb} 1, a receiver that is busy elsewhere stops reading a
     * sender that runs ahead, so the sender blocks after the limit plus what the sockets buffer
     * (a few MiB on loopback) instead of delivering all 64 MiB into the receiver's memory.
     */
    @Test
    void aSenderThatRunsAheadIsHeldBackByTheBusyReceiver() {
        int messages = 64;
        java.util.concurrent.atomic.AtomicBoolean receiving = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger sentBefore = new java.util.concurrent.atomic.AtomicInteger();
        run(2, config("\"max_queued_mb\": 1"), comm -> {
            byte[] buf = new byte[1 << 20];
            comm.barrier();
            if (comm.rank() == 0) {
                for (int i = 0; i < messages; i++) {
                    buf[0] = (byte) i;
                    comm.send(buf, 1, 4);
                    if (!receiving.get()) {
                        sentBefore.incrementAndGet();
                    }
                }
            } else {
                Thread.sleep(2000);
                receiving.set(true);
                for (int i = 0; i < messages; i++) {
                    comm.recv(buf, 0, 4);
                    assertEquals((byte) i, buf[0]);
                }
            }
            return null;
        });
        assertTrue(sentBefore.get() < messages / 2, sentBefore.get() + " of " + messages
                + " MiB were sent before the receiver read anything");
    }

    /**
     * {@code sendAll} (an allgather's or alltoall's sends): rank 1 receives nothing until rank 2 has
     * its message, and a 2 MiB message it holds unread stops it reading (1 MiB of backpressure), so
     * rank 0's 96 MiB to rank 1 stall in the connection; the message to rank 2 must still go through.
     * Sent one after the other, rank 2's would wait until rank 1 reads, which waits for rank 2: neither
     * would arrive before the deadline.
     */
    @Test
    void sendAllDoesNotHoldUpOneDestinationBehindAnotherThatIsNotReading() throws Exception {
        String name = "send-all-" + UUID.randomUUID();
        io.fmi.config.BackendConfig settings = config("\"max_queued_mb\": 1").backends().get(DirectChannel.NAME);
        int size = 3;
        // more than loopback's socket buffers take (they grow to 32 MiB here)
        int stalled = 96 << 20;
        int bytes = 1 << 20;
        DirectChannel[] channels = open(settings, size, name);
        io.fmi.spi.Deadline deadline = io.fmi.spi.Deadline.after(Duration.ofSeconds(30));
        java.util.concurrent.CountDownLatch rank2Received = new java.util.concurrent.CountDownLatch(1);
        try {
            var sender = THREADS.submit(() -> {
                // both connections exist (else the sends are queued as copies and nothing stalls)
                for (int r = 1; r < size; r++) {
                    receiveFrom(channels[0], r, 5, 1, deadline);
                }
                // rank 1 queues this one unread, which stops it reading from rank 0 (backpressure)
                channels[0].send(1, 0, 6, filled(2 << 20, 6), deadline);
                channels[0].sendAll(new int[] {1, 2}, 0, 7, new java.nio.ByteBuffer[] {filled(stalled, 1), filled(bytes, 2)},
                        deadline);
                return null;
            });
            var second = THREADS.submit(() -> {
                channels[2].send(0, 0, 5, filled(1, 5), deadline);
                java.nio.ByteBuffer got = receive(channels[2], 7, bytes, deadline);
                rank2Received.countDown();
                return got;
            });
            var first = THREADS.submit(() -> {
                channels[1].send(0, 0, 5, filled(1, 5), deadline);
                assertTrue(rank2Received.await(30, TimeUnit.SECONDS),
                        "rank 2 did not get its message while rank 1 was not reading");
                assertAll(6, receive(channels[1], 6, 2 << 20, deadline).array());
                return receive(channels[1], 7, stalled, deadline);
            });
            assertAll(2, second.get(60, TimeUnit.SECONDS).array());
            assertAll(1, first.get(60, TimeUnit.SECONDS).array());
            sender.get(60, TimeUnit.SECONDS);
            for (DirectChannel c : channels) {
                c.close();
            }
        } finally {
            for (DirectChannel c : channels) {
                try {
                    c.abandon();
                } catch (ChannelException e) {
                    // the test failed already; this says what was left undelivered
                    e.printStackTrace();
                }
            }
        }
    }

    /**
     * An exchange with every other rank (alltoall, allgather) of small blocks: each block is copied
     * into an outbox and written at once, so one outbox serves all the destinations in turn. (When
     * every block was copied in before any was written, each call held one outbox per destination
     * and allocated the ones beyond the few kept: 8 ranks, 3 new 128 KiB direct buffers a call.)
     */
    @Test
    void anExchangeWithEveryRankReusesItsOutboxes() throws Exception {
        String name = "outboxes-" + UUID.randomUUID();
        io.fmi.config.BackendConfig settings = config("").backends().get(DirectChannel.NAME);
        int size = 8;
        int calls = 100;
        DirectChannel[] channels = open(settings, size, name);
        io.fmi.spi.Deadline deadline = io.fmi.spi.Deadline.after(Duration.ofSeconds(60));
        try {
            List<java.util.concurrent.Future<Void>> ranks = new java.util.ArrayList<>();
            for (int r = 0; r < size; r++) {
                int me = r;
                ranks.add(THREADS.submit(() -> {
                    int[] others = java.util.stream.IntStream.range(0, size).filter(x -> x != me).toArray();
                    for (int call = 0; call < calls; call++) {
                        java.nio.ByteBuffer[] blocks = new java.nio.ByteBuffer[others.length];
                        for (int i = 0; i < others.length; i++) {
                            blocks[i] = filled(8, me * 16 + others[i]);
                        }
                        channels[me].sendAll(others, 0, call, blocks, deadline);
                        for (int from : others) {
                            assertAll(from * 16 + me, receiveFrom(channels[me], from, call, 8, deadline).array());
                        }
                    }
                    return null;
                }));
            }
            for (var rank : ranks) {
                rank.get(60, TimeUnit.SECONDS);
            }
            for (int r = 0; r < size; r++) {
                int made = channels[r].outboxesMade();
                assertTrue(made <= FrameWriter.Outboxes.KEPT,
                        "rank " + r + " allocated " + made + " outboxes in " + calls + " exchanges with " + (size - 1) + " ranks");
            }
            for (DirectChannel c : channels) {
                c.close();
            }
        } finally {
            abandon(channels);
        }
    }

    /**
     * {@code receive_buffer_kb} sets each connection's receive buffer (Linux reports twice what was
     * asked for: the kernel's bookkeeping), and a message larger than it still arrives whole.
     */
    @Test
    void aConnectionTakesTheReceiveBufferItIsGiven() throws Exception {
        String name = "rcvbuf-" + UUID.randomUUID();
        int kb = 256;
        io.fmi.config.BackendConfig settings = config("\"receive_buffer_kb\": " + kb).backends().get(DirectChannel.NAME);
        DirectChannel[] channels = open(settings, 2, name);
        try {
            sendsEightMebibytes(channels);
            for (int r = 0; r < 2; r++) {
                int got = channels[r].receiveBufferOf(1 - r);
                assertTrue(got >= kb * 1024 && got <= 2 * kb * 1024, "rank " + r + "'s receive buffer is " + got + " bytes");
            }
            for (DirectChannel c : channels) {
                c.close();
            }
        } finally {
            abandon(channels);
        }
    }

    /** {@code receive_buffer_kb} is off (the kernel's autotuning) unless set, and never negative. */
    @Test
    void theReceiveBufferIsAutotunedUnlessSet() {
        assertEquals(0, new DirectSettings(config("").backends().get(DirectChannel.NAME)).receiveBuffer);
        assertEquals(4 << 20, new DirectSettings(config("\"receive_buffer_kb\": 4096").backends().get(DirectChannel.NAME)).receiveBuffer);
        assertThrows(io.fmi.FmiConfigException.class,
                () -> new DirectSettings(config("\"receive_buffer_kb\": -1").backends().get(DirectChannel.NAME)));
    }

    /**
     * {@code in_place} (default true) off: large arrays go through the JDK's copies, as they always
     * do on a JVM that cannot read and write them in place, and arrive whole.
     */
    @Test
    void withInPlaceOffLargeArraysArriveWholeThroughTheJdk() throws Exception {
        assertTrue(new DirectSettings(config("").backends().get(DirectChannel.NAME)).inPlace);
        io.fmi.config.BackendConfig settings = config("\"in_place\": false").backends().get(DirectChannel.NAME);
        assertFalse(new DirectSettings(settings).inPlace);
        DirectChannel[] channels = open(settings, 2, "jdk-io-" + UUID.randomUUID());
        try {
            sendsEightMebibytes(channels);
            for (DirectChannel c : channels) {
                c.close();
            }
        } finally {
            abandon(channels);
        }
    }

    /** Rank 0 of {@code channels} sends 8 MiB from an array to rank 1, which checks every byte. */
    private static void sendsEightMebibytes(DirectChannel[] channels) throws Exception {
        io.fmi.spi.Deadline deadline = io.fmi.spi.Deadline.after(Duration.ofSeconds(30));
        int bytes = 8 << 20;
        var sent = THREADS.submit(() -> {
            channels[0].send(1, 0, 3, filled(bytes, 9), deadline);
            return null;
        });
        assertAll(9, receive(channels[1], 3, bytes, deadline).array());
        sent.get(30, TimeUnit.SECONDS);
    }

    /** Ranks 0 to {@code size - 1} of job {@code name}, each a Direct channel opened with {@code settings}. */
    private static DirectChannel[] open(io.fmi.config.BackendConfig settings, int size, String name) {
        DirectChannel[] channels = new DirectChannel[size];
        for (int r = 0; r < size; r++) {
            channels[r] = new DirectChannel(new DirectSettings(settings));
            channels[r].open(new io.fmi.spi.ChannelContext(r, size, name, "fmi"));
        }
        return channels;
    }

    private static void abandon(DirectChannel[] channels) {
        for (DirectChannel c : channels) {
            c.abandon();
        }
    }

    private static java.nio.ByteBuffer filled(int bytes, int value) {
        byte[] b = new byte[bytes];
        java.util.Arrays.fill(b, (byte) value);
        return java.nio.ByteBuffer.wrap(b);
    }

    private static void assertAll(int value, byte[] got) {
        for (int i = 0; i < got.length; i++) {
            if (got[i] != (byte) value) {
                throw new AssertionError("byte " + i + " of the message for rank " + value + " is " + got[i]);
            }
        }
    }

    /** Rank 0's message with {@code tag} on communicator 0, received by {@code channel}. */
    private static java.nio.ByteBuffer receive(DirectChannel channel, int tag, int bytes, io.fmi.spi.Deadline deadline) {
        return receiveFrom(channel, 0, tag, bytes, deadline);
    }

    private static java.nio.ByteBuffer receiveFrom(DirectChannel channel, int source, int tag, int bytes,
                                                   io.fmi.spi.Deadline deadline) {
        java.nio.ByteBuffer into = java.nio.ByteBuffer.allocate(bytes);
        channel.await(channel.mailbox().post(0, source, tag, into, true, new int[] {source}), deadline);
        return into;
    }

    @Test
    void subCommunicatorsReuseTheConnectionsAndPairNothingNew() {
        int size = 4;
        List<Long> pairings = run(size, config(""), comm -> {
            // every pair talks once, so every connection exists before counting
            comm.alltoall(new int[size], new int[size]);
            long[] sum = new long[1];
            comm.barrier();
            long before = server.completedPairings();
            comm.barrier();
            try (Communicator dup = comm.dup(); Communicator half = comm.split(comm.rank() % 2, 0)) {
                for (int round = 0; round < 3; round++) {
                    dup.allreduce(new long[] {1}, sum, io.fmi.Op.SUM);
                    assertEquals(size, sum[0]);
                    half.allreduce(new long[] {1}, sum, io.fmi.Op.SUM);
                    assertEquals(size / 2, sum[0]);
                    dup.sendrecvReplace(new int[1], (dup.rank() + 1) % size, 0, Communicator.ANY_SOURCE, 0);
                }
            }
            comm.barrier();
            return server.completedPairings() - before;
        });
        for (long added : pairings) {
            assertEquals(0, added, "sub-communicators paired through the rendezvous server again");
        }
    }
}
