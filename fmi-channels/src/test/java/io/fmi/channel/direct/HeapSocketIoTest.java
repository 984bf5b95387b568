package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.spi.Mailbox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Reading and writing heap arrays in place ({@link HeapSocketIo}) over real loopback connections.
 * The contract tests go through whichever path this JVM takes for a heap buffer — in place where
 * available, else the JDK's — and hold it to {@link SocketChannel}'s contract, which the frame
 * codec relies on either way. {@code .ci/run} runs this class again on a JDK of release 22 or later
 * with the flags that enable the in-place path and {@code -Dfmi.test.inPlaceExpected=true}, so there
 * it must be the in-place path that passes.
 */
class HeapSocketIoTest {
    private static final Random RANDOM = new Random(20261129);
    private static final long DEADLINE_NANOS = 30_000_000_000L;

    /** A connected pair of non-blocking loopback sockets. */
    private record Pair(SocketChannel a, SocketChannel b) implements AutoCloseable {
        static Pair open() throws IOException {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel a = SocketChannel.open(server.getLocalAddress());
                SocketChannel b = server.accept();
                a.configureBlocking(false);
                b.configureBlocking(false);
                return new Pair(a, b);
            }
        }

        @Override
        public void close() throws IOException {
            a.close();
            b.close();
        }
    }

    private static int write(SocketChannel s, ByteBuffer heap) throws IOException {
        SocketChannel inPlace = HeapSocketIo.usable(s);
        return inPlace != null ? HeapSocketIo.write(inPlace, heap) : s.write(heap);
    }

    private static int read(SocketChannel s, ByteBuffer heap) throws IOException {
        SocketChannel inPlace = HeapSocketIo.usable(s);
        return inPlace != null ? HeapSocketIo.read(inPlace, heap) : s.read(heap);
    }

    /** Waits (up to 10 s) until {@code s} is ready for {@code ops}; false if it never was. */
    private static boolean await(SocketChannel s, int ops) throws IOException {
        try (Selector selector = Selector.open()) {
            s.register(selector, ops);
            return selector.select(10_000) > 0;
        }
    }

    @Test
    void inPlaceIsOnExactlyWhereTheJvmAllowsIt() throws Exception {
        String why = HeapSocketIo.unavailable();
        int release = Runtime.version().feature();
        if (Boolean.getBoolean("fmi.test.inPlaceExpected")) {
            assertNull(why, "in-place heap I/O was expected on this JVM");
        } else if (release < 22) {
            assertTrue(why != null && why.contains("22"), "on release " + release + ": " + why);
        } else {
            Module self = HeapSocketIo.class.getModule();
            boolean nativeAccess = (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(self);
            boolean open = Object.class.getModule().isOpen("sun.nio.ch", self);
            assertEquals(nativeAccess && open, why == null, "native access " + nativeAccess + ", sun.nio.ch open "
                    + open + ": " + why);
        }
    }

    @Test
    void onlyOpenNonBlockingSocketsAreUsable() throws Exception {
        try (Pair pair = Pair.open()) {
            assertEquals(HeapSocketIo.unavailable() == null, HeapSocketIo.usable(pair.a()) != null);
            pair.b().configureBlocking(true);
            assertNull(HeapSocketIo.usable(pair.b()), "a blocking socket would hold the JVM in a critical call");
            pair.a().close();
            assertNull(HeapSocketIo.usable(pair.a()), "a closed socket's descriptor may belong to another file by now");
            assertNull(HeapSocketIo.usable(new Object()));
        }
    }

    @Test
    void megabytesCrossFromAnArrayOffsetIntoAnotherIntact() throws Exception {
        byte[] sent = new byte[8 << 20];
        RANDOM.nextBytes(sent);
        byte[] from = new byte[sent.length + 3];
        System.arraycopy(sent, 0, from, 3, sent.length);
        byte[] into = new byte[sent.length + 5];
        ByteBuffer out = ByteBuffer.wrap(from, 3, sent.length).slice();
        ByteBuffer in = ByteBuffer.wrap(into, 5, sent.length).slice();
        assertEquals(3, out.arrayOffset());
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        int fullSocket = 0;
        try (Pair pair = Pair.open()) {
            while (in.hasRemaining()) {
                assertTrue(System.nanoTime() < deadline, "8 MiB did not cross in 30 s; " + in.position() + " did");
                // the writer fills the socket; the reader takes at most 300 000 bytes before it writes again
                int n;
                do {
                    int before = out.position();
                    n = write(pair.a(), out);
                    assertEquals(before + n, out.position(), "a write's count and its position's advance");
                } while (n > 0);
                fullSocket += out.hasRemaining() ? 1 : 0;
                ByteBuffer window = in.duplicate();
                window.limit(Math.min(in.limit(), in.position() + 300_000));
                int m = read(pair.b(), window);
                assertTrue(m >= 0, "the stream ended early");
                assertEquals(in.position() + m, window.position(), "a read's count and its position's advance");
                in.position(window.position());
            }
        }
        assertTrue(fullSocket > 0, "the socket was never full: partial writes were not exercised");
        assertArrayEquals(sent, java.util.Arrays.copyOfRange(into, 5, into.length));
        assertEquals(0, into[0] | into[4], "bytes before the buffer's offset were written");
    }

    @Test
    void aFullSocketTakesNothingAndAnEmptyOneGivesNothing() throws Exception {
        try (Pair pair = Pair.open()) {
            ByteBuffer nothing = ByteBuffer.allocate(4096);
            assertEquals(0, read(pair.b(), nothing));
            assertEquals(0, nothing.position());
            ByteBuffer block = ByteBuffer.allocate(1 << 20);
            long written = 0;
            for (int i = 0; i < 10_000 && write(pair.a(), block.clear()) > 0; i++) {
                written += block.position();
            }
            assertTrue(written > 0);
            block.clear();
            assertEquals(0, write(pair.a(), block), "a full socket took bytes");
            assertEquals(0, block.position());
        }
    }

    @Test
    void theEndOfTheStreamIsMinusOneAfterTheLastBytes() throws Exception {
        try (Pair pair = Pair.open()) {
            write(pair.a(), ByteBuffer.wrap(new byte[] {7, 8, 9}));
            pair.a().shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(64);
            int n;
            while ((n = read(pair.b(), in)) >= 0) {
                if (n == 0) {
                    assertTrue(await(pair.b(), SelectionKey.OP_READ), "neither the bytes nor the end arrived");
                }
            }
            assertEquals(3, in.position());
            assertEquals(9, in.get(2));
        }
    }

    @Test
    void aResetConnectionIsAnExceptionNotASignal() throws Exception {
        try (Pair pair = Pair.open()) {
            // closed with a linger of 0, a socket resets its connection
            pair.b().configureBlocking(true);
            pair.b().setOption(StandardSocketOptions.SO_LINGER, 0);
            pair.b().close();
            ByteBuffer block = ByteBuffer.allocate(256 * 1024);
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    if (write(pair.a(), block.clear()) == 0) {
                        await(pair.a(), SelectionKey.OP_WRITE);
                    }
                }
            }, "writing to a reset connection");
            assertTrue(pair.a().isOpen(), "the writer's own socket is still open: " + e);
            assertEquals(-1, read(pair.a(), ByteBuffer.allocate(64)), "reading a reset connection, once it reported the reset");
        }
    }

    /**
     * The frame codec over a real connection: large heap payloads (written and read in place where
     * available) among small ones and direct ones, into posted receives and queued as unexpected,
     * arrive whole and in order.
     */
    @Test
    void framesOfHeapArraysCrossARealConnection() throws Exception {
        int[] sizes = {5, 128 * 1024, 1 << 20, 300_000, 0, 3 << 20, 40_000};
        List<byte[]> sent = new ArrayList<>();
        FrameWriter writer = new FrameWriter(new FrameWriter.Outboxes(), true);
        for (int i = 0; i < sizes.length * 3; i++) {
            byte[] payload = new byte[sizes[i % sizes.length]];
            RANDOM.nextBytes(payload);
            sent.add(payload);
            ByteBuffer data = i % 5 == 4 ? ByteBuffer.allocateDirect(payload.length).put(payload).flip() : ByteBuffer.wrap(payload);
            writer.add(Frames.encode(0, i, data, i % 3 == 0));
        }
        Mailbox mailbox = new Mailbox(2);
        FrameReader reader = new FrameReader(mailbox, 1, true);
        List<Mailbox.Receive> posted = new ArrayList<>();
        List<ByteBuffer> targets = new ArrayList<>();
        for (int i = 0; i < sent.size(); i += 2) {
            // every other message has its receive posted ahead; the rest arrive unexpected
            ByteBuffer into = ByteBuffer.allocate(sent.get(i).length);
            targets.add(into);
            posted.add(mailbox.post(0, 1, i, into, true, new int[] {1}));
        }
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        long writtenBefore = HeapSocketIo.bytesWritten();
        long readBefore = HeapSocketIo.bytesRead();
        try (Pair pair = Pair.open()) {
            boolean flushed = false;
            // until the end of the stream, which the writer sends once everything is written
            while (reader.read(pair.b(), () -> false)) {
                assertTrue(System.nanoTime() < deadline, "the frames did not cross in 30 s");
                if (!flushed && writer.flush(pair.a())) {
                    flushed = true;
                    pair.a().shutdownOutput();
                }
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            ByteBuffer into;
            if (i % 2 == 0) {
                Mailbox.Receive r = posted.get(i / 2);
                assertTrue(r.done(), "message " + i + " was not received");
                into = targets.get(i / 2);
            } else {
                into = ByteBuffer.allocate(sent.get(i).length);
                assertTrue(mailbox.post(0, 1, i, into, true, new int[] {1}).done(), "message " + i + " was not queued");
            }
            assertArrayEquals(sent.get(i), into.array(), "payload of message " + i);
        }
        // the large heap payloads took the in-place path where there is one, and only there (the
        // counters are the JVM's: other test classes may run at the same time, so only "more" is certain)
        long inPlaceWritten = HeapSocketIo.bytesWritten() - writtenBefore;
        long inPlaceRead = HeapSocketIo.bytesRead() - readBefore;
        if (HeapSocketIo.unavailable() == null) {
            assertTrue(inPlaceWritten >= 3 * (1 << 20), "written in place: " + inPlaceWritten);
            assertTrue(inPlaceRead >= 3 * (1 << 20), "read in place: " + inPlaceRead);
        } else {
            assertEquals(0, inPlaceWritten + inPlaceRead);
        }
    }
}
