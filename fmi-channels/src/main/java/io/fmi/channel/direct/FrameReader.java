package io.fmi.channel.direct;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * Decodes the frames ({@link Frames}) of one connection as their bytes arrive on a non-blocking
 * socket. Headers and small payloads come through a 32 KiB staging buffer (one system call for
 * many small frames); the rest of a large payload is read straight into its destination. Each
 * payload is copied once: into the receive posted for it ({@link Inbox#claim}), or into an array of
 * exactly its length that is queued. A frame with another version, a negative length or a wrong
 * checksum is a {@link CorruptFrameException}.
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

    private final Inbox inbox;
    /** Read mode: bytes received but not yet decoded between position and limit. */
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING).flip();
    private int tag;
    private int length;
    private boolean crc;
    /** Where the current frame's payload goes; null between frames. */
    private ByteBuffer target;
    private Inbox.Posted claimed;
    private byte[] array;

    FrameReader(Inbox inbox) {
        this.inbox = inbox;
    }

    /**
     * Decodes what has arrived, reading the socket until it has nothing more or {@code enough} holds
     * (a waiting receive is complete: return to it at once, at the next frame boundary). Bytes left
     * in staging are decoded by the next call, which a receive on this peer always makes first.
     *
     * @return false when the peer closed the connection
     */
    boolean read(SocketChannel socket, BooleanSupplier enough) throws IOException {
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
            } else if (target.hasRemaining()) {
                int staged = Math.min(staging.remaining(), target.remaining());
                if (staged > 0) {
                    ByteBuffer from = staging.duplicate();
                    from.limit(from.position() + staged);
                    target.put(from);
                    staging.position(staging.position() + staged);
                    continue;
                }
                n = enough.getAsBoolean() ? 0 : target.remaining() >= STAGING ? readInto(socket, target) : fill(socket);
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

    /** Bytes of a frame being received that no receive waits for (they will be queued). */
    long unclaimedBytes() {
        return array != null ? target.position() : 0;
    }

    private int fill(SocketChannel socket) throws IOException {
        staging.compact();
        try {
            return socket.read(staging);
        } finally {
            staging.flip();
        }
    }

    private static int readInto(SocketChannel socket, ByteBuffer target) throws IOException {
        if (target.isDirect() || target.remaining() <= Frames.CHUNK) {
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
        tag = staging.getInt();
        length = staging.getInt();
        if (version != Frames.VERSION) {
            throw new CorruptFrameException("frame version " + version + ", expected " + Frames.VERSION);
        }
        if (length < 0) {
            throw new CorruptFrameException("negative frame length " + length);
        }
        crc = (flags & Frames.FLAG_CRC) != 0;
        claimed = inbox.claim(tag, length);
        if (claimed != null) {
            target = claimed.into.duplicate();
        } else {
            array = new byte[length];
            target = ByteBuffer.wrap(array);
        }
    }

    private void finishFrame() throws CorruptFrameException {
        if (crc) {
            CRC32C c = new CRC32C();
            c.update(claimed != null ? claimed.into.duplicate() : ByteBuffer.wrap(array));
            if ((int) c.getValue() != staging.getInt()) {
                throw new CorruptFrameException("CRC32C mismatch in a frame of " + length + " bytes (tag " + tag + ")");
            }
        }
        if (claimed != null) {
            claimed.done = true;
        } else {
            inbox.deliver(tag, array);
        }
        target = null;
        claimed = null;
        array = null;
    }
}
