package io.fmi;

import io.fmi.collective.ElementType;
import java.nio.ByteBuffer;

/**
 * A user buffer seen as little-endian bytes: the one typed-buffer abstraction behind every
 * overload of {@link Communicator}. {@code byte[]} buffers are used in place; other arrays and
 * {@code ByteBuffer}s are encoded into, and decoded from, a byte array.
 */
final class Buf {
    final Object target;
    final ElementType type;
    final int elements;

    private Buf(Object target, ElementType type, int elements) {
        this.target = target;
        this.type = type;
        this.elements = elements;
    }

    static Buf of(byte[] a) {
        return a == null ? null : new Buf(a, ElementType.BYTE, a.length);
    }

    static Buf of(int[] a) {
        return a == null ? null : new Buf(a, ElementType.INT, a.length);
    }

    static Buf of(long[] a) {
        return a == null ? null : new Buf(a, ElementType.LONG, a.length);
    }

    static Buf of(float[] a) {
        return a == null ? null : new Buf(a, ElementType.FLOAT, a.length);
    }

    static Buf of(double[] a) {
        return a == null ? null : new Buf(a, ElementType.DOUBLE, a.length);
    }

    /** The bytes between position and limit; the position is never moved. */
    static Buf of(ByteBuffer b) {
        return b == null ? null : new Buf(b, ElementType.BYTE, b.remaining());
    }

    long byteLength() {
        return (long) elements * type.size();
    }

    String describe() {
        return target instanceof ByteBuffer ? "ByteBuffer" : type.javaName();
    }

    /** The content as bytes, for reading only: the array itself when it is a {@code byte[]}. */
    byte[] read() {
        if (target instanceof byte[]) {
            return (byte[]) target;
        }
        return readInto(new byte[Math.toIntExact(byteLength())]);
    }

    /** Copies the content into {@code bytes} (of {@link #byteLength()} bytes) and returns it. */
    byte[] readInto(byte[] bytes) {
        readInto(ByteBuffer.wrap(bytes));
        return bytes;
    }

    /** Copies the content into {@code into} from its position (little-endian), leaving its position; returns it. */
    ByteBuffer readInto(ByteBuffer into) {
        if (target instanceof ByteBuffer) {
            into.duplicate().put(((ByteBuffer) target).duplicate());
        } else {
            type.encode(target, into);
        }
        return into;
    }

    /** Copies the bytes from {@code from}'s position (little-endian, {@link #byteLength()} of them) into the user's buffer. */
    void store(ByteBuffer from) {
        if (target instanceof ByteBuffer) {
            ((ByteBuffer) target).duplicate().put(from.duplicate().limit(from.position() + Math.toIntExact(byteLength())));
        } else {
            type.decodeInto(from, target, elements);
        }
    }

    /** A byte array to receive into: the array itself when it is a {@code byte[]}, else a new one. */
    byte[] writable() {
        if (target instanceof byte[]) {
            return (byte[]) target;
        }
        return new byte[Math.toIntExact(byteLength())];
    }

    /** The content as a byte buffer to send (a view of a {@code byte[]} or {@code ByteBuffer}, else an encoded copy). */
    ByteBuffer readBuffer() {
        if (target instanceof ByteBuffer) {
            return ((ByteBuffer) target).duplicate();
        }
        return ByteBuffer.wrap(read());
    }

    /** A byte buffer to receive into: a view of a {@code byte[]} or {@code ByteBuffer}, else a new array. */
    ByteBuffer receiveBuffer() {
        if (target instanceof ByteBuffer) {
            return ((ByteBuffer) target).duplicate();
        }
        return ByteBuffer.wrap(writable());
    }

    /** Stores the first {@code length} bytes received into {@link #receiveBuffer()} in the user's buffer. */
    void storeReceived(ByteBuffer into, int length) {
        if (target instanceof ByteBuffer || target instanceof byte[]) {
            return;
        }
        type.decodeInto(into.array(), 0, target, length / type.size());
    }

    /** Stores {@code bytes} into the start of the user's buffer (which may be longer). */
    void storePrefix(byte[] bytes) {
        if (target instanceof ByteBuffer) {
            ((ByteBuffer) target).duplicate().put(bytes);
        } else if (target instanceof byte[]) {
            System.arraycopy(bytes, 0, (byte[]) target, 0, bytes.length);
        } else {
            type.decodeInto(bytes, 0, target, bytes.length / type.size());
        }
    }

    /** Copies received bytes (from {@link #writable()}) back into the user's buffer. */
    void store(byte[] bytes) {
        if (bytes != target) {
            store(ByteBuffer.wrap(bytes));
        }
    }
}
