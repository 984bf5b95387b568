package io.fmi.channel.direct;

import java.io.IOException;
import java.nio.ByteBuffer;
import io.fmi.spi.Mailbox;
import java.nio.channels.ReadableByteChannel;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * Decodes the frames ({@link Frames}) of one connection as their bytes arrive on a non-blocking
 * socket. Headers and small payloads come through a 32 KiB staging buffer (one system call for
 * many small frames); the rest of a large payload is read straight into its destination (a heap
 * array in place where {@link HeapSocketIo} can, else through the JDK's copy in chunks). Each
 * payload is copied once: into the buffer the {@link Mailbox} gives for it (a posted receive's, or
 * an array of exactly its length that is queued). A frame with another version, a negative length or a wrong
 * checksum is a {@link CorruptFrameException}, and so is one that no receive waits for and that is
 * longer than the queue may take (half the heap by default): a corrupt or hostile length must not
 * allocate gigabytes. A frame too long for the receive it matches is read through a small buffer and
 * dropped (the receive fails), whatever length it announces.
 */
final class FrameReader {
    private static final int STAGING = 32 * 1024;

    /** The peer sent something that is not a valid frame. */
    static final class CorruptFrameException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptFrameException(String message) {
            super(message);
        }
    }

    private final Mailbox mailbox;
    private final int source;
    private final long maxQueued;
    /** Whether heap destinations may be read into in place ({@link HeapSocketIo}) where the socket allows it. */
    private final boolean inPlace;
    /**
     * Read mode: bytes received but not yet decoded between position and limit. Allocated at the
     * first read: a channel has a reader per rank, most of which never connect (256 peers would
     * otherwise hold 256 × 256 of these).
     */
    private ByteBuffer staging = ByteBuffer.allocate(0);
    private int comm;
    private int tag;
    private int length;
    /** Payload bytes of the current frame not read yet. */
    private int left;
    private boolean crc;
    /** Where the current frame's payload goes; null between frames. */
    private ByteBuffer target;
    private Mailbox.Landing landing;

    /**
     * Decodes the frames sent by channel rank {@code source} into {@code mailbox}, reading into heap
     * arrays in place if {@code inPlace} and {@link HeapSocketIo} can.
     */
    FrameReader(Mailbox mailbox, int source, boolean inPlace) {
        this(mailbox, source, Runtime.getRuntime().maxMemory() / 2, inPlace);
    }

    /** ... queuing no message longer than {@code maxQueued} bytes that no receive waits for. */
    FrameReader(Mailbox mailbox, int source, long maxQueued, boolean inPlace) {
        this.mailbox = mailbox;
        this.source = source;
        this.maxQueued = maxQueued;
        this.inPlace = inPlace;
    }

    /**
     * Decodes what has arrived, reading the socket until it has nothing more or {@code enough} holds
     * (a waiting receive is complete: return to it at once, at the next frame boundary). Bytes left
     * in staging are decoded by the next call, which a receive on this peer always makes first.
     *
     * @return false when the peer closed the connection
     */
    boolean read(ReadableByteChannel socket, BooleanSupplier enough) throws IOException {
        while (true) {
            int n;
            if (target == null) {
                if (enough.getAsBoolean()) {
                    // the next frame waits in staging: decoded now, before its receive is posted, it
                    // would be queued and copied twice
                    return true;
                }
                if (staging.remaining() >= Frames.HEADER) {
                    startFrame();
                    continue;
                }
                n = fill(socket);
            } else if (left > 0) {
                if (!target.hasRemaining()) {
                    // a dropped frame: its bytes go through the same small buffer again and again
                    target.clear();
                    target.limit(Math.min(left, target.capacity()));
                }
                int staged = Math.min(staging.remaining(), target.remaining());
                if (staged > 0) {
                    ByteBuffer from = staging.duplicate();
                    from.limit(from.position() + staged);
                    target.put(from);
                    staging.position(staging.position() + staged);
                    left -= staged;
                    continue;
                }
                if (enough.getAsBoolean()) {
                    n = 0;
                } else if (target.remaining() >= STAGING) {
                    n = readInto(socket, target);
                    left -= Math.max(n, 0);
                } else {
                    n = fill(socket);
                }
            } else if (crc && staging.remaining() < 4) {
                n = enough.getAsBoolean() ? 0 : fill(socket);
            } else {
                finishFrame();
                continue;
            }
            if (n <= 0) {
                return n == 0;
            }
        }
    }

    /** Whether bytes were received that are not decoded yet (the last read stopped at a frame boundary). */
    boolean staged() {
        return staging.hasRemaining() || target != null;
    }

    /** Whether a frame is being written into {@code r} (it has started and not finished). */
    boolean writing(Mailbox.Receive r) {
        return landing != null && landing.isFor(r);
    }

    /** Bytes of the current frame still to come. */
    int left() {
        return left;
    }

    /** Bytes of a frame being received that no receive waits for (they will be queued). */
    long unclaimedBytes() {
        return landing != null && landing.unexpected() ? target.position() : 0;
    }

    private int fill(ReadableByteChannel socket) throws IOException {
        if (staging.capacity() == 0) {
            staging = ByteBuffer.allocateDirect(STAGING).flip();
        }
        staging.compact();
        try {
            return socket.read(staging);
        } finally {
            staging.flip();
        }
    }

    private int readInto(ReadableByteChannel socket, ByteBuffer target) throws IOException {
        if (target.isDirect()) {
            return socket.read(target);
        }
        java.nio.channels.SocketChannel inPlaceFrom = inPlace && target.hasArray() ? HeapSocketIo.usable(socket) : null;
        if (inPlaceFrom != null) {
            return HeapSocketIo.read(inPlaceFrom, target);
        }
        if (target.remaining() <= Frames.CHUNK) {
            return socket.read(target);
        }
        ByteBuffer view = target.duplicate();
        view.limit(view.position() + Frames.CHUNK);
        int n = socket.read(view);
        target.position(view.position());
        return n;
    }

    private void startFrame() throws CorruptFrameException {
        byte version = staging.get();
        int flags = staging.get();
        staging.getShort();
        comm = staging.getInt();
        tag = staging.getInt();
        length = staging.getInt();
        if (version != Frames.VERSION) {
            throw new CorruptFrameException("frame version " + version + ", expected " + Frames.VERSION);
        }
        if (length < 0) {
            throw new CorruptFrameException("negative frame length " + length);
        }
        crc = (flags & Frames.FLAG_CRC) != 0;
        if (comm == Frames.ABORT_COMM) {
            if (length > Frames.MAX_ABORT_BYTES) {
                throw new CorruptFrameException("abort frame of " + length + " bytes, more than "
                        + Frames.MAX_ABORT_BYTES);
            }
            landing = null;
            target = ByteBuffer.allocate(length);
            left = length;
            return;
        }
        try {
            landing = mailbox.arrive(source, comm, tag, length, maxQueued);
        } catch (io.fmi.MessageSizeException e) {
            throw new CorruptFrameException(e.getMessage());
        }
        target = landing.target();
        left = length;
    }

    private void finishFrame() throws CorruptFrameException {
        if (landing == null) {
            // an abort frame: every receive of this peer fails with the sender's reason
            if (crc) {
                staging.getInt();
            }
            target.flip();
            String reason = java.nio.charset.StandardCharsets.UTF_8.decode(target).toString();
            target = null;
            mailbox.fail(new io.fmi.FmiAbortedException(source, reason));
            return;
        }
        if (crc && landing.discard()) {
            staging.getInt();
        } else if (crc) {
            CRC32C c = new CRC32C();
            ByteBuffer payload = target.duplicate();
            payload.flip();
            c.update(payload);
            if ((int) c.getValue() != staging.getInt()) {
                throw new CorruptFrameException("CRC32C mismatch in a frame of " + length + " bytes (tag " + tag + ")");
            }
        }
        Mailbox.Landing done = landing;
        target = null;
        landing = null;
        done.complete();
    }
}
