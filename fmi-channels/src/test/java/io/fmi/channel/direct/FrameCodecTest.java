package io.fmi.channel.direct;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.FmiAbortedException;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frame codec without sockets: {@link FrameWriter} writes frames of every size class into a
 * channel that takes a few random bytes at a time (and sometimes none, as a full socket does);
 * {@link FrameReader} decodes the bytes, handed over in random pieces, into a {@link Mailbox}. Every
 * payload arrives whole, in order, under its communicator and tag; an abort frame fails the
 * receives with its reason.
 */
class FrameCodecTest {
    private static final Random RANDOM = new Random(20261126);

    /** What both test channels share: always open, nothing to close. */
    private abstract static class InMemory {
        public boolean isOpen() {
            return true;
        }

        public void close() {
        }
    }

    /**
     * A non-blocking channel that takes at most a random few bytes per write, sometimes none; also
     * through gathering writes (as a socket does), which it counts.
     */
    private static final class Trickle extends InMemory implements GatheringByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final int most;
        int gatheringWrites;

        Trickle(int most) {
            this.most = most;
        }

        @Override
        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1, false);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            return write(srcs, offset, length, true);
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        private long write(ByteBuffer[] srcs, int offset, int length, boolean gathering) {
            gatheringWrites += gathering ? 1 : 0;
            int n = RANDOM.nextInt(4) == 0 ? 0 : 1 + RANDOM.nextInt(most);
            long taken = 0;
            for (int i = offset; i < offset + length && taken < n; i++) {
                while (srcs[i].hasRemaining() && taken < n) {
                    bytes.write(srcs[i].get());
                    taken++;
                }
            }
            return taken;
        }
    }

    /** {@code socket} as a channel without gathering writes. */
    private static final class Plain extends InMemory implements WritableByteChannel {
        private final Trickle socket;

        Plain(Trickle socket) {
            this.socket = socket;
        }

        @Override
        public int write(ByteBuffer src) {
            return socket.write(src);
        }
    }

    /** Hands out {@code data} in random pieces, then end of stream. */
    /** A channel that hands out bytes, for {@link #pieces}. */
    private abstract static class Source extends InMemory implements ReadableByteChannel {
    }

    private static ReadableByteChannel pieces(byte[] data, int most) {
        return new Source() {
            int at;

            @Override
            public int read(ByteBuffer dst) {
                if (at == data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(dst.remaining(), data.length - at), 1 + RANDOM.nextInt(most));
                dst.put(data, at, n);
                at += n;
                return n;
            }
        };
    }

    private record Message(int comm, int tag, byte[] payload) {
    }

    private static ByteBuffer buffer(byte[] payload, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(payload.length) : ByteBuffer.allocate(payload.length);
        return b.put(payload).flip();
    }

    @ParameterizedTest(name = "gathering writes: {0}")
    @ValueSource(booleans = {false, true})
    void framesOfEverySizeSurviveAWriterAndAReaderThatMoveAFewBytesAtATime(boolean gathering) throws Exception {
        int[] sizes = {0, 1, 17, 1000, 128 * 1024 - 3, 128 * 1024, 128 * 1024 + 1, 300_000, 1 << 20};
        List<Message> messages = new ArrayList<>();
        FrameWriter writer = new FrameWriter();
        long total = 0;
        for (int i = 0; i < sizes.length * 2; i++) {
            byte[] payload = new byte[sizes[i % sizes.length]];
            RANDOM.nextBytes(payload);
            Message m = new Message(i % 3, 100 + i, payload);
            messages.add(m);
            ByteBuffer[] frame = Frames.encode(m.comm(), m.tag(), buffer(payload, i % 2 == 1), i % 4 == 0);
            for (ByteBuffer b : frame) {
                total += b.remaining();
            }
            writer.add(frame);
        }
        assertEquals(total, writer.unwrittenBytes());
        Trickle socket = new Trickle(70_000);
        WritableByteChannel channel = gathering ? socket : new Plain(socket);
        int fullSocket = 0;
        while (!writer.flush(channel)) {
            fullSocket++;
            assertEquals(total - socket.bytes.size(), writer.unwrittenBytes(), "unwritten bytes while the socket is full");
        }
        assertTrue(writer.idle());
        assertTrue(fullSocket > 0, "the socket was never full: the test did not exercise partial writes");
        assertEquals(total, socket.bytes.size());
        // a large direct payload goes out with its header in one call where the socket can gather
        assertEquals(gathering, socket.gatheringWrites > 0, "gathering writes: " + socket.gatheringWrites);

        Mailbox mailbox = new Mailbox(2);
        FrameReader reader = new FrameReader(mailbox, 1, true);
        ReadableByteChannel in = pieces(socket.bytes.toByteArray(), 50_000);
        while (reader.read(in, () -> false)) {
            // decode until the end of the stream
        }
        for (Message m : messages) {
            ByteBuffer into = ByteBuffer.allocate(m.payload().length);
            Mailbox.Receive r = mailbox.post(m.comm(), 1, m.tag(), into, true, new int[] {1});
            assertTrue(r.done(), "message " + m.tag() + " was not decoded");
            assertEquals(m.payload().length, r.envelope().length());
            assertArrayEquals(m.payload(), into.array(), "payload of tag " + m.tag());
        }
    }

    /**
     * A send's frame copied straight into the outbox (no frame buffers made) goes out whole and in
     * its place among the frames queued as buffers; the caller may overwrite its buffer at once.
     * Copying declines while queued frames wait (they would be overtaken) or the outbox lacks room.
     */
    @Test
    void framesCopiedIntoTheOutboxKeepTheirBytesAndTheirPlaceInOrder() throws Exception {
        FrameWriter writer = new FrameWriter();
        Trickle socket = new Trickle(4000);
        List<byte[]> sent = new ArrayList<>();
        int copied = 0;
        int queued = 0;
        for (int i = 0; i < 400; i++) {
            byte[] payload = new byte[i % 40 == 39 ? 150_000 + RANDOM.nextInt(50_000) : RANDOM.nextInt(2000)];
            RANDOM.nextBytes(payload);
            sent.add(payload);
            ByteBuffer data = buffer(payload, i % 2 == 1);
            boolean crc = i % 5 == 0;
            if (writer.copyIn(0, 7, data, crc)) {
                copied++;
                assertEquals(payload.length, data.remaining(), "copying moved the caller's buffer");
                data.duplicate().put(new byte[payload.length]);
            } else {
                queued++;
                writer.add(Frames.encode(0, 7, data, crc));
            }
            writer.flush(socket);
        }
        while (!writer.flush(socket)) {
            // the socket takes a few bytes at a time
        }
        assertTrue(copied > 0 && queued > 0, "copied " + copied + ", queued " + queued + ": both paths must run");

        Mailbox mailbox = new Mailbox(2);
        FrameReader reader = new FrameReader(mailbox, 1, true);
        ReadableByteChannel in = pieces(socket.bytes.toByteArray(), 5000);
        while (reader.read(in, () -> false)) {
            // decode until the end of the stream
        }
        for (int i = 0; i < sent.size(); i++) {
            ByteBuffer into = ByteBuffer.allocate(sent.get(i).length);
            Mailbox.Receive r = mailbox.post(0, 1, 7, into, true, new int[] {1});
            assertTrue(r.done(), "message " + i + " was not decoded");
            assertEquals(sent.get(i).length, r.envelope().length(), "message " + i + " arrived out of order");
            assertArrayEquals(sent.get(i), into.array(), "payload of message " + i);
        }
    }

    @Test
    void anAbortFrameFailsTheReceivesWithTheSendersReason() throws Exception {
        FrameWriter writer = new FrameWriter();
        writer.add(Frames.encode(0, 5, ByteBuffer.wrap(new byte[] {1, 2, 3}), false));
        writer.add(Frames.encode(Frames.ABORT_COMM, 0,
                ByteBuffer.wrap("input is corrupt".getBytes(StandardCharsets.UTF_8)), true));
        Trickle socket = new Trickle(7);
        while (!writer.flush(socket)) {
            // the socket takes a few bytes at a time
        }
        Mailbox mailbox = new Mailbox(2);
        Mailbox.Receive waiting = mailbox.post(0, 1, 9, ByteBuffer.allocate(4), false, new int[] {1});
        FrameReader reader = new FrameReader(mailbox, 1, true);
        ReadableByteChannel in = pieces(socket.bytes.toByteArray(), 5);
        while (reader.read(in, () -> false)) {
            // decode until the end of the stream
        }
        FmiAbortedException e = assertThrows(FmiAbortedException.class, waiting::envelope);
        assertEquals(1, e.abortingRank());
        assertEquals("input is corrupt", e.reason());
        Mailbox.Receive later = mailbox.post(0, 1, 9, ByteBuffer.allocate(4), false, new int[] {1});
        assertThrows(FmiAbortedException.class, () -> mailbox.await(later, Deadline.after(Duration.ofSeconds(5)), "later"));
    }

    @Test
    void anAbortFrameLongerThanAReasonMayBeIsCorrupt() {
        ByteBuffer header = ByteBuffer.allocate(Frames.HEADER).put(Frames.VERSION).put((byte) 0).putShort((short) 0)
                .putInt(Frames.ABORT_COMM).putInt(0).putInt(Frames.MAX_ABORT_BYTES + 1).flip();
        FrameReader reader = new FrameReader(new Mailbox(2), 1, true);
        assertThrows(FrameReader.CorruptFrameException.class,
                () -> reader.read(pieces(header.array(), 16), () -> false));
    }
}
