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

    /**
     * A range of the user's buffer copied into the same range of a direct one and back: only those
     * bytes move, little-endian, for every element type and a heap window whose position is not 0.
     */
    @Test
    void rangesMoveOnlyTheirBytes() {
        int n = 40;
        Object[] arrays = {new byte[n], new int[n], new long[n], new float[n], new double[n]};
        for (Object array : arrays) {
            for (int i = 0; i < n; i++) {
                java.lang.reflect.Array.set(array, i, convert(array, i + 1));
            }
        }
        ByteBuffer window = ByteBuffer.wrap(new byte[n + 9], 2, n).slice().position(3);
        for (int i = 0; i < window.capacity(); i++) {
            window.put(i, (byte) (i + 100));
        }
        Buf[] bufs = {Buf.of((byte[]) arrays[0]), Buf.of((int[]) arrays[1]), Buf.of((long[]) arrays[2]),
                Buf.of((float[]) arrays[3]), Buf.of((double[]) arrays[4]), Buf.of(window)};
        for (Buf buf : bufs) {
            int size = buf.type.size();
            int offset = 5 * size;
            int length = 7 * size;
            ByteBuffer work = ByteBuffer.allocateDirect((int) buf.byteLength());
            buf.readRange(work, offset, length);
            ByteBuffer all = ByteBuffer.allocate((int) buf.byteLength());
            buf.readInto(all);
            for (int i = 0; i < work.capacity(); i++) {
                byte expected = i >= offset && i < offset + length ? all.get(i) : 0;
                assertEquals(expected, work.get(i), buf.describe() + " byte " + i + " read");
            }
            // store a changed range back: the rest of the user's buffer stays
            for (int i = offset; i < offset + length; i++) {
                work.put(i, (byte) (work.get(i) ^ 0x5a));
            }
            buf.storeRange(work, offset, length);
            ByteBuffer after = ByteBuffer.allocate((int) buf.byteLength());
            buf.readInto(after);
            for (int i = 0; i < after.capacity(); i++) {
                byte expected = i >= offset && i < offset + length ? work.get(i) : all.get(i);
                assertEquals(expected, after.get(i), buf.describe() + " byte " + i + " stored");
            }
        }
        assertEquals(3, window.position(), "the window's position moved");
        for (int i = 0; i < 3; i++) {
            assertEquals((byte) (i + 100), window.get(i), "byte " + i + ", before the window's position");
        }
    }

    private static Object convert(Object array, int v) {
        if (array instanceof byte[]) {
            return (byte) v;
        } else if (array instanceof int[]) {
            return v * 1_000_003;
        } else if (array instanceof long[]) {
            return v * 1_000_000_007L;
        } else if (array instanceof float[]) {
            return v * 1.25f;
        }
        return v * -2.5;
    }
}
