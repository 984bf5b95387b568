package io.fmi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Where a direct buffer's bytes lie, so that the engine can tell two buffers over the same memory
 * apart from two buffers of their own: an alltoall or allgather sends from its send buffer while
 * blocks arrive in its receive buffer, so where they share bytes the send side is copied first.
 * Java 17 has no public way to ask: on JDK 22 and later this asks {@code java.lang.foreign}
 * ({@code MemorySegment.ofBuffer(b).address()}), before that {@code sun.misc.Unsafe} reads the
 * buffer's {@code address} field (JDK 24 and later warn about that, so they never take this path).
 * Everything is reached through method handles, so this compiles for Java 17. Where neither works
 * the address is unknown and no overlap is reported.
 */
final class DirectMemory {
    /** {@code (ByteBuffer) -> long}: the address of the buffer's byte at its position, or null. */
    private static final MethodHandle AT_POSITION;
    /** {@code (ByteBuffer) -> long}: the address of the buffer's byte at index 0, or null. */
    private static final MethodHandle AT_ZERO;

    static {
        MethodHandle atPosition = null;
        MethodHandle atZero = null;
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            if (Runtime.version().feature() >= 22) {
                MethodHandle ofBuffer = lookup.findStatic(segment, "ofBuffer", MethodType.methodType(segment, Buffer.class));
                MethodHandle address = lookup.findVirtual(segment, "address", MethodType.methodType(long.class));
                atPosition = MethodHandles.filterReturnValue(ofBuffer, address)
                        .asType(MethodType.methodType(long.class, ByteBuffer.class));
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            atPosition = null;
        }
        if (atPosition == null && Runtime.version().feature() < 24) {
            try {
                Class<?> unsafeType = Class.forName("sun.misc.Unsafe");
                Field the = unsafeType.getDeclaredField("theUnsafe");
                the.setAccessible(true);
                Object unsafe = the.get(null);
                long offset = (long) unsafeType.getMethod("objectFieldOffset", Field.class)
                        .invoke(unsafe, Buffer.class.getDeclaredField("address"));
                MethodHandle getLong = lookup.findVirtual(unsafeType, "getLong",
                        MethodType.methodType(long.class, Object.class, long.class)).bindTo(unsafe);
                atZero = MethodHandles.insertArguments(getLong, 1, offset)
                        .asType(MethodType.methodType(long.class, ByteBuffer.class));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                atZero = null;
            }
        }
        AT_POSITION = atPosition;
        AT_ZERO = atZero;
    }

    private DirectMemory() {
    }

    /** The address of direct buffer {@code b}'s byte at its position; -1 where this JVM does not tell. */
    static long address(ByteBuffer b) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        try {
            if (AT_POSITION != null) {
                return (long) AT_POSITION.invokeExact(b);
            }
            if (AT_ZERO != null) {
                return (long) AT_ZERO.invokeExact(b) + b.position();
            }
        } catch (Throwable e) {
            if (e instanceof Error err) {
                throw err;
            }
        }
        return -1;
    }

    /** Whether direct buffers {@code a} and {@code b} share a byte between their positions and limits; false where unknown. */
    static boolean overlap(ByteBuffer a, ByteBuffer b) {
        long x = address(a);
        long y = address(b);
        if (x < 0 || y < 0 || !a.hasRemaining() || !b.hasRemaining()) {
            return false;
        }
        return x < y + b.remaining() && y < x + a.remaining();
    }
}
