package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.MessageSizeException;
import io.fmi.spi.Mailbox;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The frame decoder over a real loopback connection, without the channel around it: what a
 * corrupt or hostile length does, and what a frame too long for its receive costs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameReaderTest {
    private SocketChannel writer;
    private SocketChannel reader;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            writer = SocketChannel.open(server.getLocalAddress());
            reader = server.accept();
        }
        reader.configureBlocking(false);
    }

    @AfterEach
    void close() throws IOException {
        writer.close();
        reader.close();
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Writes a frame in a background thread (the reader drains the socket meanwhile). */
    private CompletableFuture<Void> send(int comm, int tag, ByteBuffer data, boolean crc) {
        return CompletableFuture.runAsync(() -> {
            try {
                ByteBuffer[] frame = Frames.encode(comm, tag, data, crc);
                while (!Frames.written(frame)) {
                    writer.write(frame);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Reads until {@code done} holds. */
    private static void readUntil(FrameReader frames, SocketChannel socket, java.util.function.BooleanSupplier done)
            throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean()) {
            assertTrue(frames.read(socket, () -> false), "the connection closed");
            assertTrue(System.nanoTime() < end, "no progress");
            Thread.onSpinWait();
        }
    }

    @Test
    void aHeaderAnnouncingMoreThanTheQueueMayTakeIsACorruptFrameNotAnAllocation() throws Exception {
        Mailbox mailbox = new Mailbox(2);
        FrameReader frames = new FrameReader(mailbox, 1, 1 << 20, true);
        // a header alone: version, flags, reserved, comm, tag, and a length of 1.5 GiB
        ByteBuffer header = ByteBuffer.allocate(Frames.HEADER);
        header.put(Frames.VERSION).put((byte) 0).putShort((short) 0).putInt(0).putInt(7).putInt(3 << 29).flip();
        while (header.hasRemaining()) {
            writer.write(header);
        }
        long before = allocatedByThisThread();
        FrameReader.CorruptFrameException e = assertThrows(FrameReader.CorruptFrameException.class, () -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                frames.read(reader, () -> false);
            }
        });
        assertTrue(allocatedByThisThread() - before < (1 << 20), "the reader allocated for the announced length");
        assertTrue(e.getMessage().contains("1610612736 bytes") && e.getMessage().contains("tag 7"), e.getMessage());
        assertTrue(e.getMessage().contains("no receive waits for"), e.getMessage());
    }

    @Test
    void aMessageLongerThanItsReceiveIsDroppedThroughASmallBufferAndTheStreamGoesOn() throws Exception {
        Mailbox mailbox = new Mailbox(2);
        FrameReader frames = new FrameReader(mailbox, 1, true);
        ByteBuffer small = ByteBuffer.allocate(8);
        Mailbox.Receive tooSmall = mailbox.post(0, 1, 5, small, false, new int[] {1});
        byte[] next = {1, 2, 3, 4, 5};
        ByteBuffer after = ByteBuffer.allocate(5);
        Mailbox.Receive second = mailbox.post(0, 1, 6, after, false, new int[] {1});
        // 32 MiB for an 8-byte receive, with a checksum, then a small frame that must still decode
        CompletableFuture<Void> sent = send(0, 5, ByteBuffer.allocate(32 << 20), true)
                .thenCompose(v -> send(0, 6, ByteBuffer.wrap(next), true));
        long before = allocatedByThisThread();
        readUntil(frames, reader, second::done);
        long allocated = allocatedByThisThread() - before;
        sent.get(30, TimeUnit.SECONDS);
        assertTrue(allocated < (4 << 20), "dropping 32 MiB allocated " + allocated + " bytes");
        assertTrue(tooSmall.done());
        MessageSizeException e = assertThrows(MessageSizeException.class, tooSmall::envelope);
        assertTrue(e.getMessage().contains("33554432"), e.getMessage());
        assertEquals(new Mailbox.Envelope(1, 6, 5), second.envelope());
        assertArrayEquals(next, after.array());
        assertArrayEquals(new byte[8], small.array(), "the receive that was too small got nothing");
    }

    @Test
    void aMessageThatFitsItsQueueIsQueuedWhole() throws Exception {
        Mailbox mailbox = new Mailbox(2);
        FrameReader frames = new FrameReader(mailbox, 1, 1 << 20, true);
        byte[] data = new byte[100_000];
        java.util.Arrays.fill(data, (byte) 9);
        CompletableFuture<Void> sent = send(0, 3, ByteBuffer.wrap(data), false);
        readUntil(frames, reader, () -> mailbox.peek(0, 1, 3) != null && !frames.staged());
        sent.get(30, TimeUnit.SECONDS);
        ByteBuffer into = ByteBuffer.allocate(data.length);
        Mailbox.Receive r = mailbox.post(0, 1, 3, into, true, new int[] {1});
        assertTrue(r.done());
        assertArrayEquals(data, into.array());
    }
}
