package io.fmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.config.FmiConfig;
import io.fmi.local.LocalChannel;
import io.fmi.local.LocalHub;
import io.fmi.local.LocalPeers;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Builder validation and argument checks: each mistake is a specific, explained exception. */
@Timeout(60)
class CommunicatorArgumentsTest {

    private static Communicator single(String name) {
        return Communicator.builder().rank(0).size(1).name(name).config(FmiConfig.local()).build();
    }

    @Test
    void theBuilderNamesEachMissingOrInvalidSetting() {
        assertConfigError("size", () -> Communicator.builder().rank(0).name("x").config(FmiConfig.local()).build());
        assertConfigError("rank", () -> Communicator.builder().size(2).name("x").config(FmiConfig.local()).build());
        assertConfigError("rank is 2", () -> Communicator.builder().rank(2).size(2).name("x").config(FmiConfig.local()).build());
        assertConfigError("name", () -> Communicator.builder().rank(0).size(1).config(FmiConfig.local()).build());
        assertConfigError("name", () -> Communicator.builder().rank(0).size(1).name("a b").config(FmiConfig.local()).build());
        assertConfigError("memoryMiB", () -> Communicator.builder().rank(0).size(1).name("x").memoryMiB(0)
                .config(FmiConfig.local()).build());
        assertConfigError("no config", () -> Communicator.builder().rank(0).size(1).name("x").build());
        assertConfigError("no channel is enabled", () -> Communicator.builder().rank(0).size(1).name("x")
                .config(FmiConfig.parse("{\"backends\": {\"Local\": {\"enabled\": false}}}")).build());
        assertConfigError("Nope", () -> Communicator.builder().rank(0).size(1).name("x")
                .config(FmiConfig.parse("{\"backends\": {\"Nope\": {}}}")).build());
        assertConfigError("pin", () -> Communicator.builder().rank(0).size(1).name("x").config(FmiConfig.local())
                .pin(Operation.BCAST, "Redis").build());
        assertConfigError("backends.Local.colour", () -> Communicator.builder().rank(0).size(1).name("x")
                .config(FmiConfig.parse("{\"backends\": {\"Local\": {\"colour\": 1}}}")).build());
    }

    @Test
    void aChannelThatFailsToOpenClosesTheChannelsOpenedBeforeIt() {
        AtomicBoolean firstClosed = new AtomicBoolean();
        LocalChannel local = new LocalChannel(new LocalHub());
        Channel first = new io.fmi.spi.PeerToPeerChannel() {
            @Override
            public String name() {
                return "First";
            }

            @Override
            public void open(ChannelContext context) {
                local.open(context);
            }

            @Override
            public io.fmi.spi.Mailbox mailbox() {
                return local.mailbox();
            }

            @Override
            public void send(int dest, int comm, int tag, ByteBuffer data, io.fmi.spi.Deadline deadline) {
                local.send(dest, comm, tag, data, deadline);
            }

            @Override
            public io.fmi.spi.Mailbox.Envelope await(io.fmi.spi.Mailbox.Receive r, io.fmi.spi.Deadline deadline) {
                return local.await(r, deadline);
            }

            @Override
            public void close() {
                firstClosed.set(true);
                local.close();
            }
        };
        Channel failing = new io.fmi.spi.ObjectStoreChannel() {
            @Override
            public String name() {
                return "Failing";
            }

            @Override
            public void open(ChannelContext context) {
                throw new ChannelException("Failing: cannot reach 127.0.0.1:1");
            }

            @Override
            public void put(String key, ByteBuffer value, int readers, io.fmi.spi.Deadline deadline) {
                throw new AssertionError("never opened");
            }

            @Override
            public byte[] get(String key, io.fmi.spi.Deadline deadline) {
                throw new AssertionError("never opened");
            }

            @Override
            public byte[] tryGet(String key) {
                throw new AssertionError("never opened");
            }

            @Override
            public void close() {
            }
        };
        ChannelException e = assertThrows(ChannelException.class,
                () -> Communicator.builder().rank(0).size(1).name("x").channel(first).channel(failing).build());
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
        assertTrue(firstClosed.get(), "the channel opened before the failure was not closed");
    }

    @Test
    void aChannelOfNeitherKindIsRejected() {
        Channel neither = new Channel() {
            @Override
            public String name() {
                return "Neither";
            }

            @Override
            public void open(ChannelContext context) {
            }

            @Override
            public void close() {
            }
        };
        assertConfigError("neither", () -> Communicator.builder().rank(0).size(1).name("y").channel(neither).build());
    }

    @Test
    void badArgumentsNameTheOperationAndWhatToDo() {
        try (Communicator comm = single("args")) {
            assertError("root 3", () -> comm.bcast(new int[1], 3));
            assertError("root -1", () -> comm.reduce(new int[1], new int[1], Op.SUM, -1));
            assertError("send buffer is null", () -> comm.allreduce((double[]) null, new double[1], Op.SUM));
            assertError("receive buffer is null", () -> comm.allreduce(new double[1], (double[]) null, Op.SUM));
            assertError("operator is null", () -> comm.allreduce(new double[1], new double[1], null));
            assertError("must be 2 elements", () -> comm.allreduce(new double[2], new double[3], Op.SUM));
            assertError("must be 4 elements", () -> comm.gather(new int[4], new int[3], 0));
            assertError("tag -1", () -> comm.send(new int[1], 0, -1));
            assertError("destination 1", () -> comm.send(new int[1], 1));
            assertError("BAND is not defined for double[]", () -> comm.allreduce(new double[1], new double[1], Op.BAND));
            assertError("custom int[] op is not defined for long[]", () -> comm.allreduce(new long[1], new long[1],
                    Op.custom((int[] l, int[] r) -> { }, true, true)));
            assertError("read-only", () -> comm.allreduce(ByteBuffer.allocate(4), ByteBuffer.allocate(4).asReadOnlyBuffer(),
                    Op.BXOR));
            comm.bcast(ByteBuffer.allocate(4).asReadOnlyBuffer(), 0);
            assertError("sent itself no such message", () -> comm.recv(new int[1], 0, 4));
        }
    }

    @Test
    void sendingToOneselfIsQueuedAndSizeChecked() {
        try (Communicator comm = single("self")) {
            comm.send(new long[] {4, 5}, 0, 2);
            comm.send(new long[] {6}, 0, 2);
            long[] two = new long[2];
            comm.recv(two, 0, 2);
            assertArrayEquals(new long[] {4, 5}, two);
            comm.send(new long[] {7, 8}, 0, 2);
            MessageSizeException e = assertThrows(MessageSizeException.class, () -> comm.recvExact(new long[3], 0, 2));
            assertEquals(8, e.actualBytes());
            assertEquals(24, e.expectedBytes());
            long[] three = {-1, -1, -1};
            io.fmi.Status status = comm.recv(three, 0, 2);
            assertArrayEquals(new long[] {7, 8, -1}, three, "a shorter message fills the start of the buffer only");
            assertEquals(2, status.count());
            assertEquals(16, status.bytes());
            comm.send(new long[] {9, 10, 11}, 0, 2);
            MessageSizeException longer = assertThrows(MessageSizeException.class, () -> comm.recv(new long[2], 0, 2));
            assertEquals(24, longer.actualBytes());
            assertEquals(16, longer.expectedBytes());
        }
    }

    @Test
    void theDocumentedNonAssociativeExampleGivesFive() {
        Op threeAPlusB = Op.custom((double[] l, double[] r) -> { l[0] = 3 * l[0] + r[0]; }, false, false);
        List<double[]> results = LocalPeers.call(3, comm -> {
            double[] out = new double[1];
            comm.allreduce(new double[] {comm.rank()}, out, threeAPlusB);
            return out;
        });
        for (double[] r : results) {
            assertEquals(5.0, r[0]);
        }
    }

    @Test
    void aFailingPeerAbortsTheOthersInsteadOfLettingThemWaitForTheDeadline() {
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalPeers.call(4, comm -> {
            if (comm.rank() == 2) {
                throw new IllegalStateException("rank 2 gives up");
            }
            comm.barrier();
            return null;
        }));
        assertEquals("rank 2 gives up", e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 20, "the others waited for their deadline");
    }

    private static void assertConfigError(String fragment, Executable call) {
        FmiException e = assertThrows(FmiException.class, call);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    private static void assertError(String fragment, Executable call) {
        FmiException e = assertThrows(FmiException.class, call);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
