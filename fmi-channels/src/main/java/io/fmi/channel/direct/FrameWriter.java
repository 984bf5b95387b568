package io.fmi.channel.direct;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * The frames waiting to be written to one connection, in order, and the writing itself on a
 * non-blocking socket.
 *
 * <p>Heap bytes are copied once into a direct buffer of the connection's own and written from
 * there; what the socket does not take stays there for the next attempt. (Handing a heap buffer to
 * the socket directly makes the JDK copy all of it into a temporary direct buffer on every attempt,
 * however little the socket then takes — with a full socket buffer that copied most bytes many
 * times over.) Several small frames share one write; a large direct buffer is written without a
 * copy, in one gathering write with the bytes staged before it (its frame's header). A large heap
 * buffer is written without a copy too where {@link HeapSocketIo} can write the socket from the
 * heap in place, in writes of its own after its header. A send whose
 * connection has nothing else waiting is copied in whole, header and all, with no buffers made
 * for its frame ({@link #copyIn}): the common case of a small message allocates nothing here.
 */
final class FrameWriter {
    /** Bytes of an outbox; heap buffers this large or larger are written in place where {@link HeapSocketIo} can. */
    static final int OUTBOX = 128 * 1024;

    /**
     * Outboxes shared by the connections of one channel (used under its progress lock): a
     * connection holds one only while it has copied bytes its socket has not taken, so a peer
     * connected to many holds a few outboxes, not one per connection.
     */
    static final class Outboxes {
        static final int KEPT = 4;
        private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
        /** Outboxes allocated so far (each one beyond those kept is direct memory that only a GC frees). */
        private int made;

        ByteBuffer take() {
            ByteBuffer b = free.pollFirst();
            if (b == null) {
                made++;
                b = ByteBuffer.allocateDirect(OUTBOX);
            }
            return b;
        }

        int made() {
            return made;
        }

        void give(ByteBuffer b) {
            if (free.size() < KEPT) {
                free.addFirst(b);
            }
        }
    }

    private final ArrayDeque<ByteBuffer[]> pending = new ArrayDeque<>();
    private final Outboxes outboxes;
    /** Read mode: copied bytes not yet taken by the socket; taken from {@link #outboxes} while needed. */
    private ByteBuffer out;
    /** Whether large heap buffers may be written in place ({@link HeapSocketIo}) where the socket allows it. */
    private final boolean inPlace;
    /** During a flush: the socket, where large heap buffers are written to it in place; else null. */
    private java.nio.channels.SocketChannel heapTo;

    /** A writer with outboxes of its own. */
    FrameWriter() {
        this(new Outboxes(), true);
    }

    /**
     * A writer that borrows its outbox from {@code outboxes} while it needs one, writing large heap
     * buffers in place if {@code inPlace} and {@link HeapSocketIo} can.
     */
    FrameWriter(Outboxes outboxes, boolean inPlace) {
        this.outboxes = outboxes;
        this.inPlace = inPlace;
    }

    /**
     * Copies a whole frame of {@code data} (header, payload, trailer) into the outbox when nothing
     * else waits to be written and it fits: the send is then done — its buffer may be reused, as
     * once a queued frame is staged — without a frame's buffers made for it. Returns false, having
     * copied nothing, otherwise.
     */
    boolean copyIn(int comm, int tag, ByteBuffer data, boolean checksum) {
        int length = data.remaining();
        if (!pending.isEmpty() || length > OUTBOX - Frames.HEADER - 4) {
            return false;
        }
        if (out == null) {
            out = outboxes.take();
            out.clear().flip();
        }
        int size = Frames.HEADER + length + (checksum ? 4 : 0);
        if (out.capacity() - out.remaining() < size) {
            return false;
        }
        out.compact();
        Frames.putHeader(out, comm, tag, length, checksum);
        out.put(out.position(), data, data.position(), length);
        out.position(out.position() + length);
        if (checksum) {
            out.putInt(Frames.crc(data));
        }
        out.flip();
        return true;
    }

    /** Queues {@code frame}; its buffers are read as it is written (see {@link Frames#written}). */
    void add(ByteBuffer[] frame) {
        pending.addLast(frame);
    }

    /** Drops everything not yet written (the connection is gone). */
    void clear() {
        pending.clear();
        release();
    }

    private void release() {
        if (out != null) {
            out.clear();
            outboxes.give(out);
            out = null;
        }
    }

    /** Bytes added but not yet written to the socket. */
    long unwrittenBytes() {
        long n = out == null ? 0 : out.remaining();
        for (ByteBuffer[] frame : pending) {
            for (ByteBuffer b : frame) {
                n += b.remaining();
            }
        }
        return n;
    }

    /** Whether every byte added has been written to the socket. */
    boolean idle() {
        return pending.isEmpty() && (out == null || !out.hasRemaining());
    }

    /**
     * Writes what the socket (any non-blocking channel: tests give it one that takes a few bytes
     * at a time) takes without blocking.
     *
     * @return whether everything is written
     */
    boolean flush(WritableByteChannel socket) throws IOException {
        heapTo = inPlace ? HeapSocketIo.usable(socket) : null;
        while (true) {
            if (out != null && out.hasRemaining()) {
                ByteBuffer large = nextLarge();
                long n = large != null && socket instanceof GatheringByteChannel gathering
                        ? gathering.write(new ByteBuffer[] {out, large}) : socket.write(out);
                if (n == 0) {
                    return false;
                }
                continue;
            }
            ByteBuffer[] frame = pending.peekFirst();
            if (frame == null) {
                release();
                return true;
            }
            ByteBuffer next = Frames.firstUnwritten(frame);
            if (next == null) {
                pending.removeFirst();
            } else if (large(next)) {
                if ((next.isDirect() ? socket.write(next) : HeapSocketIo.write(heapTo, next)) == 0) {
                    return false;
                }
            } else {
                stage();
            }
        }
    }

    /**
     * The large direct buffer that follows the outbox's bytes, if one does (a frame's payload after
     * its header): written with them in one call, so the header does not go out as a segment of its
     * own. (A heap one cannot be: a gathering write takes no array in place.)
     */
    private ByteBuffer nextLarge() {
        ByteBuffer[] frame = pending.peekFirst();
        ByteBuffer next = frame == null ? null : Frames.firstUnwritten(frame);
        return next != null && next.isDirect() && large(next) ? next : null;
    }

    /**
     * A buffer of at least an outbox that is written to the socket as it is, never copied: a direct
     * one, or a heap one while {@link #heapTo} is set.
     */
    private boolean large(ByteBuffer b) {
        return b.remaining() >= OUTBOX && (b.isDirect() || (heapTo != null && b.hasArray()));
    }

    /** Copies the next bytes of the pending frames into the (empty) outbox. */
    private void stage() {
        if (out == null) {
            out = outboxes.take();
        }
        out.clear();
        while (out.hasRemaining() && !pending.isEmpty()) {
            ByteBuffer next = Frames.firstUnwritten(pending.peekFirst());
            if (next == null) {
                pending.removeFirst();
                continue;
            }
            if (large(next) && out.position() > 0) {
                break;
            }
            int n = Math.min(next.remaining(), out.remaining());
            ByteBuffer part = next.duplicate();
            part.limit(part.position() + n);
            out.put(part);
            next.position(next.position() + n);
        }
        out.flip();
    }
}
