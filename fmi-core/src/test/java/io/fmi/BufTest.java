package io.fmi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fmi.collective.Scratch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The wire copies of user buffers: pooled where they are copies, never where they are the user's own array. */
class BufTest {
    /** Lengths no other test uses, of 64 KiB and more (so the pool's bound for small arrays does not apply). */
    private static final int DOUBLES = 8219;
    private static final int BYTES = DOUBLES * Double.BYTES;

    @Test
    void aTypedBuffersWireCopyComesFromThePoolAndGoesBackToIt() {
        double[] values = new double[DOUBLES];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5 - 7;
        }
        Buf buf = Buf.of(values);
        byte[] wire = buf.readPooled();
        assertEquals(BYTES, wire.length);
        double[] decoded = new double[DOUBLES];
        ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(decoded);
        assertArrayEquals(values, decoded);
        buf.release(wire);
        // the next wire copy of that length is the same array
        byte[] again = Buf.of(new double[DOUBLES]).writablePooled();
        assertSame(wire, again);
        // and a send's buffer of a typed array is one of those too, given back by release(ByteBuffer)
        Buf.of(new double[DOUBLES]).release(ByteBuffer.wrap(again));
        ByteBuffer send = buf.readBuffer();
        assertSame(again, send.array());
        buf.release(send);
        assertSame(again, Scratch.take(BYTES));
    }

    @Test
    void theUsersOwnArrayAndByteBufferAreNeverPooled() {
        byte[] user = new byte[BYTES + 8];
        Buf bytes = Buf.of(user);
        assertSame(user, bytes.readPooled());
        assertSame(user, bytes.writablePooled());
        bytes.release(user);
        bytes.release(bytes.readBuffer());
        assertNotSame(user, Scratch.take(user.length));

        byte[] backing = new byte[BYTES + 16];
        Buf heap = Buf.of(ByteBuffer.wrap(backing));
        heap.release(heap.readBuffer());
        heap.release(heap.receiveBuffer());
        assertNotSame(backing, Scratch.take(backing.length));
        // its wire copy (for a collective) is a pooled array, not its backing array
        byte[] copy = heap.readPooled();
        assertNotSame(backing, copy);
        heap.release(copy);
        assertSame(copy, Scratch.take(backing.length));
    }
}
