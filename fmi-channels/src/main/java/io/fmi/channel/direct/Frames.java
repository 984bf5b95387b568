package io.fmi.channel.direct;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.zip.CRC32C;

/**
 * The data frame: {@code version u8 | flags u8 | reserved u16 | tag i32 | length i32 | payload
 * [| crc32c i32 when flags & 1]}, big-endian; and writing frames to a non-blocking socket.
 */
final class Frames {
    static final byte VERSION = 1;
    static final int HEADER = 12;
    static final int FLAG_CRC = 1;
    /**
     * The most of a heap buffer handed to one socket read or write. The JDK copies a heap buffer
     * through a temporary direct buffer of the size it is given (and caches it per thread), so a
     * 1 GiB message in one call would need 1 GiB of native memory.
     */
    static final int CHUNK = 256 * 1024;

    private Frames() {
    }

    /** Header, a view of {@code data}'s remaining bytes, and the CRC32C trailer if asked for. */
    static ByteBuffer[] encode(int tag, ByteBuffer data, boolean checksum) {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        header.put(VERSION).put((byte) (checksum ? FLAG_CRC : 0)).putShort((short) 0).putInt(tag).putInt(data.remaining())
                .flip();
        if (!checksum) {
            return new ByteBuffer[] {header, data.duplicate()};
        }
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return new ByteBuffer[] {header, data.duplicate(), ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip()};
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
        for (ByteBuffer b : frame) {
            if (b.hasRemaining()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes as much of {@code frame} as the socket takes without blocking, with gathering writes
     * (header and payload in one system call), heap buffers at most {@link #CHUNK} at a time.
     *
     * @return whether the whole frame is written
     */
    static boolean writeSome(SocketChannel socket, ByteBuffer[] frame) throws IOException {
        ByteBuffer[] views = new ByteBuffer[frame.length];
        int[] origin = new int[frame.length];
        while (true) {
            int count = 0;
            for (int i = 0; i < frame.length; i++) {
                ByteBuffer b = frame[i];
                if (!b.hasRemaining()) {
                    continue;
                }
                ByteBuffer view = b.duplicate();
                boolean chunked = !b.isDirect() && b.remaining() > CHUNK;
                if (chunked) {
                    view.limit(view.position() + CHUNK);
                }
                views[count] = view;
                origin[count++] = i;
                if (chunked) {
                    break;
                }
            }
            if (count == 0) {
                return true;
            }
            long n = socket.write(views, 0, count);
            for (int k = 0; k < count; k++) {
                frame[origin[k]].position(views[k].position());
            }
            if (n == 0) {
                return false;
            }
        }
    }
}
