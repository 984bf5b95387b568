package io.fmi.channel.direct;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The data frame: {@code version u8 | flags u8 | reserved u16 | communicator i32 | tag i32 |
 * length i32 | payload [| crc32c i32 when flags & 1]}, big-endian. The communicator id keeps the
 * traffic of communicators that share a connection ({@code split}, {@code dup}) apart.
 */
final class Frames {
    static final byte VERSION = 2;
    static final int HEADER = 16;
    static final int FLAG_CRC = 1;
    /**
     * The most of a heap buffer handed to one socket read. The JDK reads into a heap buffer through a
     * temporary direct buffer of the size it is given (cached per thread), so reading a 1 GiB message
     * in one call would need 1 GiB of native memory.
     */
    static final int CHUNK = 256 * 1024;
    /**
     * The communicator id of an abort frame: its payload is the reason (UTF-8, at most
     * {@link #MAX_ABORT_BYTES}); the receiving peer fails every receive with it.
     */
    static final int ABORT_COMM = Integer.MIN_VALUE;
    static final int MAX_ABORT_BYTES = 4096;

    private Frames() {
    }

    /** Header, a view of {@code data}'s remaining bytes, and the CRC32C trailer if asked for. */
    static ByteBuffer[] encode(int comm, int tag, ByteBuffer data, boolean checksum) {
        ByteBuffer header = putHeader(ByteBuffer.allocate(HEADER), comm, tag, data.remaining(), checksum).flip();
        if (!checksum) {
            return new ByteBuffer[] {header, data.duplicate()};
        }
        return new ByteBuffer[] {header, data.duplicate(), ByteBuffer.allocate(4).putInt(crc(data)).flip()};
    }

    /** Puts a frame header for a payload of {@code length} bytes into {@code to}. */
    static ByteBuffer putHeader(ByteBuffer to, int comm, int tag, int length, boolean checksum) {
        return to.put(VERSION).put((byte) (checksum ? FLAG_CRC : 0)).putShort((short) 0).putInt(comm).putInt(tag)
                .putInt(length);
    }

    /** The CRC32C of {@code data}'s remaining bytes (its position is not moved). */
    static int crc(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }

    /** A copy of {@code frame} that no longer refers to the caller's buffer. */
    static ByteBuffer[] copy(ByteBuffer[] frame) {
        ByteBuffer[] copy = new ByteBuffer[frame.length];
        for (int i = 0; i < frame.length; i++) {
            copy[i] = ByteBuffer.allocate(frame[i].remaining()).put(frame[i].duplicate()).flip();
        }
        return copy;
    }

    static boolean written(ByteBuffer[] frame) {
        return firstUnwritten(frame) == null;
    }

    /** The first buffer of {@code frame} with bytes left to write, or null when it is all written. */
    static ByteBuffer firstUnwritten(ByteBuffer[] frame) {
        for (ByteBuffer b : frame) {
            if (b.hasRemaining()) {
                return b;
            }
        }
        return null;
    }
}
