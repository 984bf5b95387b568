package io.fmi;

import io.fmi.collective.ElementType;
import io.fmi.collective.Scratch;
import java.nio.ByteBuffer;

/**
 * A user buffer seen as little-endian bytes: the one typed-buffer abstraction behind every
 * overload of {@link Communicator}. {@code byte[]} buffers are used in place; other arrays and
 * {@code ByteBuffer}s are encoded into, and decoded from, a byte array.
 */
final class Buf {
    /** Bytes staged by {@link #readPooled} and {@link #writablePooled} (see {@link #bytesStaged}). */
    private static final java.util.concurrent.atomic.LongAdder STAGED = new java.util.concurrent.atomic.LongAdder();
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

    /**
     * The bytes between position and limit of {@code b} as little-endian elements of the primitive
     * class {@code elements} (byte, int, long, float or double); {@code what} names the buffer in
     * messages (e.g. "allreduce: the send buffer"). Its order must be little-endian (unless it holds
     * bytes) and its length whole elements.
     */
    static Buf of(ByteBuffer b, Class<?> elements, String what) {
        if (elements == null) {
            throw new FmiException(what + "'s element type is null; give byte.class, int.class, long.class,"
                    + " float.class or double.class");
        }
        ElementType type = ElementType.of(elements);
        if (type == null) {
            throw new FmiException(what + " cannot hold elements of " + elements.getName() + "; give byte.class,"
                    + " int.class, long.class, float.class or double.class");
        }
        if (b == null) {
            return null;
        }
        String name = elements.getName();
        if (type != ElementType.BYTE && b.order() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new FmiException(what + " is in " + b.order() + " order, but its " + name + " elements are read"
                    + " little-endian (the wire's order): call order(ByteOrder.LITTLE_ENDIAN) on it before writing"
                    + " them");
        }
        if (b.remaining() % type.size() != 0) {
            throw new FmiException(what + " holds " + b.remaining() + " bytes between position and limit, not a"
                    + " whole number of " + type.size() + "-byte " + name + " elements");
        }
        return new Buf(b, type, b.remaining() / type.size());
    }

    long byteLength() {
        return (long) elements * type.size();
    }

    String describe() {
        if (target instanceof ByteBuffer) {
            return type == ElementType.BYTE ? "ByteBuffer" : "ByteBuffer of " + type.javaName().replace("[]", "");
        }
        return type.javaName();
    }

    /** The content as bytes, for reading only: the array itself when it is a {@code byte[]}. */
    byte[] read() {
        if (target instanceof byte[]) {
            return (byte[]) target;
        }
        return readInto(new byte[Math.toIntExact(byteLength())]);
    }

    /**
     * {@link #read()} into a pooled array ({@link Scratch}) where a copy is needed: the caller gives
     * it back with {@link #release} once the operation returned normally. Where ranks share cores,
     * a process's CPU per call follows the fresh memory it touches (a reduce of 1 KiB of doubles
     * allocated one wire copy per rank and call, two on the root).
     */
    byte[] readPooled() {
        if (target instanceof byte[]) {
            return (byte[]) target;
        }
        STAGED.add(byteLength());
        return readInto(Scratch.take(Math.toIntExact(byteLength())));
    }

    /** {@link #writable()} from the pool where it is not the user's array (see {@link #readPooled()}). */
    byte[] writablePooled() {
        if (target instanceof byte[]) {
            return (byte[]) target;
        }
        STAGED.add(byteLength());
        return Scratch.take(Math.toIntExact(byteLength()));
    }

    /** Bytes of user buffers staged in pooled arrays so far in this JVM (tests check which path an operation took). */
    static long bytesStaged() {
        return STAGED.sum();
    }

    /** Gives back an array from {@link #readPooled()} or {@link #writablePooled()}; the user's own array stays theirs. */
    void release(byte[] bytes) {
        if (bytes != null && bytes != target) {
            Scratch.give(bytes);
        }
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

    /**
     * Copies bytes {@code [offset, offset + length)} of the content (little-endian) into the same
     * range of {@code into} (absolute: its position does not matter). The range is whole elements.
     */
    void readRange(ByteBuffer into, int offset, int length) {
        if (target instanceof ByteBuffer) {
            ByteBuffer b = (ByteBuffer) target;
            into.put(offset, b, b.position() + offset, length);
        } else {
            type.encode(target, offset / type.size(), length / type.size(), into.duplicate().position(offset));
        }
    }

    /** Copies bytes {@code [offset, offset + length)} of {@code from} (absolute) into the same range of the user's buffer. */
    void storeRange(ByteBuffer from, int offset, int length) {
        if (target instanceof ByteBuffer) {
            ByteBuffer b = (ByteBuffer) target;
            b.put(b.position() + offset, from, offset, length);
        } else {
            type.decodeInto(from.duplicate().position(offset), target, offset / type.size(), length / type.size());
        }
    }

    /** A byte array to receive into: the array itself when it is a {@code byte[]}, else a new one. */
    byte[] writable() {
        if (target instanceof byte[]) {
            return (byte[]) target;
        }
        return new byte[Math.toIntExact(byteLength())];
    }

    /**
     * The content as a byte buffer to send (a view of a {@code byte[]} or {@code ByteBuffer}, else an
     * encoded copy in a pooled array, which {@link #release(ByteBuffer)} gives back; a non-blocking
     * send that never gives it back leaves it to the garbage collector).
     */
    ByteBuffer readBuffer() {
        if (target instanceof ByteBuffer) {
            return ((ByteBuffer) target).duplicate();
        }
        return ByteBuffer.wrap(readPooled());
    }

    /** A byte buffer to receive into: a view of a {@code byte[]} or {@code ByteBuffer}, else a pooled array (as {@link #readBuffer()}). */
    ByteBuffer receiveBuffer() {
        if (target instanceof ByteBuffer) {
            return ((ByteBuffer) target).duplicate();
        }
        return ByteBuffer.wrap(writablePooled());
    }

    /** Gives back the pooled array behind a {@link #readBuffer()} or {@link #receiveBuffer()}; a view of the user's buffer stays theirs. */
    void release(ByteBuffer wire) {
        if (!(target instanceof ByteBuffer) && wire.hasArray()) {
            release(wire.array());
        }
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
