package io.fmi.channel.direct;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * Reads and writes a non-blocking socket straight from and into a heap {@code byte[]}: the C
 * library's {@code recv} and {@code send}, called through {@code java.lang.foreign} with
 * {@code Linker.Option.critical(true)}, which lets a native function read and write a Java array in
 * place. The JDK's own {@link SocketChannel#read}/{@link SocketChannel#write} of a heap buffer copy
 * it through a temporary direct buffer; for a large message that copy is a memory pass of its own
 * (a quarter of a 1 MiB alltoall's time on 8 processes).
 *
 * <p>Used only where all of this holds, else every call goes through the JDK as before:
 * <ul>
 *   <li>Linux on a 64-bit JVM of release 22 or later (the option first exists in 22);
 *   <li>native access is enabled for this code ({@code --enable-native-access=ALL-UNNAMED}, or this
 *       module's name on the module path), so that no warning is printed and no future JDK refuses;
 *   <li>{@code java.base} opens {@code sun.nio.ch} to it ({@code --add-opens
 *       java.base/sun.nio.ch=ALL-UNNAMED}): the socket's file descriptor is not public API.
 * </ul>
 * {@code fmirun} passes both flags to its ranks when their JVM has the API. {@link #unavailable()}
 * says which condition failed.
 *
 * <p>A call whose native function returns {@code -1} (the socket is full or empty, or an error) is
 * made again through the JDK on one byte, which tells those apart as the JDK always does: 0 for
 * "would block", an {@link IOException} for an error. {@code send} is called with
 * {@code MSG_NOSIGNAL}, so a peer that reset the connection is an exception, never a signal.
 *
 * <p>The caller must be the only thread doing I/O on the socket and must not close it concurrently
 * (Direct does both under its progress lock): the descriptor is a number the kernel reuses once closed.
 * A critical function holds off the garbage collector while it runs; on a non-blocking socket it
 * returns after one copy of at most the socket buffer's free space.
 *
 * <p>Everything is reached through method handles, so this compiles for Java 17.
 */
final class HeapSocketIo {
    /** Linux's {@code MSG_NOSIGNAL}. */
    private static final int MSG_NOSIGNAL = 0x4000;
    /** {@code (int fd, byte[] array, long offset, long length) -> long}, or null when unavailable. */
    private static final MethodHandle SEND;
    private static final MethodHandle RECV;
    /** {@code (Object socketChannel) -> int}: its file descriptor. */
    private static final MethodHandle FD;
    /** The JDK's socket channel class, whose descriptor {@link #FD} reads. */
    private static final Class<?> SOCKETS;
    private static final String UNAVAILABLE;
    /** Bytes written and read in place so far, in this JVM (what tests check the codec's path by). */
    private static final java.util.concurrent.atomic.LongAdder WRITTEN = new java.util.concurrent.atomic.LongAdder();
    private static final java.util.concurrent.atomic.LongAdder READ = new java.util.concurrent.atomic.LongAdder();

    static {
        MethodHandle send = null;
        MethodHandle recv = null;
        MethodHandle fd = null;
        Class<?> sockets = null;
        String why;
        try {
            why = precondition();
            if (why == null) {
                sockets = Class.forName("sun.nio.ch.SocketChannelImpl");
                fd = descriptorHandle(sockets);
                why = fd == null ? "java.base does not open sun.nio.ch to it (--add-opens java.base/sun.nio.ch=ALL-UNNAMED)" : null;
            }
            if (why == null) {
                send = downcall("send");
                recv = downcall("recv");
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            why = "java.lang.foreign could not be linked: " + e;
            send = null;
            recv = null;
        }
        SEND = send;
        RECV = recv;
        FD = fd;
        SOCKETS = sockets;
        UNAVAILABLE = why;
    }

    private HeapSocketIo() {
    }

    /** Null when sockets are read and written from heap arrays in place; else why they are not. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * {@code channel} as a socket this class can read and write in place: a non-blocking, open
     * {@link SocketChannel} of the JDK's own provider; null when it is not one, or when this class is
     * unavailable.
     */
    static SocketChannel usable(Object channel) {
        return UNAVAILABLE == null && SOCKETS.isInstance(channel) && channel instanceof SocketChannel s && s.isOpen()
                && !s.isBlocking() ? s : null;
    }

    /**
     * Writes what {@code socket} takes without blocking of {@code heap}'s remaining bytes, advancing
     * its position, as {@link SocketChannel#write} does: returns the count, 0 when the socket is full.
     *
     * @param socket a socket {@link #usable} returned
     * @param heap a buffer with an accessible array
     */
    static int write(SocketChannel socket, ByteBuffer heap) throws IOException {
        return transfer(socket, heap, true);
    }

    /**
     * Reads into {@code heap}'s remaining space what {@code socket} has, advancing its position, as
     * {@link SocketChannel#read} does: returns the count, 0 when nothing has arrived, -1 at the end of
     * the stream.
     */
    static int read(SocketChannel socket, ByteBuffer heap) throws IOException {
        return transfer(socket, heap, false);
    }

    private static int transfer(SocketChannel socket, ByteBuffer heap, boolean write) throws IOException {
        int length = heap.remaining();
        if (length == 0) {
            return 0;
        }
        long n;
        try {
            int fd = descriptor(socket);
            byte[] array = heap.array();
            long at = (long) heap.arrayOffset() + heap.position();
            n = write ? (long) SEND.invokeExact(fd, array, at, (long) length) : (long) RECV.invokeExact(fd, array, at, (long) length);
        } catch (Throwable e) {
            throw rethrown(e);
        }
        if (n < 0) {
            return viaJdk(socket, heap, write);
        }
        if (n == 0 && !write) {
            // recv's end of the stream
            return -1;
        }
        heap.position(heap.position() + (int) n);
        (write ? WRITTEN : READ).add(n);
        return (int) n;
    }

    /** Bytes written to sockets in place so far in this JVM. */
    static long bytesWritten() {
        return WRITTEN.sum();
    }

    /** Bytes read from sockets in place so far in this JVM. */
    static long bytesRead() {
        return READ.sum();
    }

    /** After {@code -1}: the JDK's call on one byte says whether it would block (0) or failed (throws). */
    private static int viaJdk(SocketChannel socket, ByteBuffer heap, boolean write) throws IOException {
        ByteBuffer one = heap.duplicate();
        one.limit(one.position() + 1);
        int n = write ? socket.write(one) : socket.read(one);
        heap.position(one.position());
        return n;
    }

    private static int descriptor(SocketChannel socket) throws IOException {
        if (!socket.isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        try {
            return (int) FD.invokeExact((Object) socket);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static IOException rethrown(Throwable e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IOException(e);
    }

    /** Why the runtime cannot be used (null: it can, given the descriptor). */
    private static String precondition() throws ReflectiveOperationException {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return "not Linux";
        }
        if (Runtime.version().feature() < 22) {
            return "the JVM is release " + Runtime.version().feature() + "; Linker.Option.critical needs 22 or later";
        }
        if (!"64".equals(System.getProperty("sun.arch.data.model"))) {
            return "not a 64-bit JVM";
        }
        Module module = HeapSocketIo.class.getModule();
        Method enabled = Module.class.getMethod("isNativeAccessEnabled");
        if (!(Boolean) enabled.invoke(module)) {
            return "native access is not enabled for " + (module.isNamed() ? module.getName() : "the class path")
                    + " (--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED") + ")";
        }
        return null;
    }

    /** {@code SocketChannelImpl.getFDVal()} as a handle; null when {@code sun.nio.ch} is not open to us. */
    private static MethodHandle descriptorHandle(Class<?> sockets) throws ReflectiveOperationException {
        Method getter = sockets.getMethod("getFDVal");
        if (!getter.trySetAccessible()) {
            return null;
        }
        return MethodHandles.lookup().unreflect(getter).asType(MethodType.methodType(int.class, Object.class));
    }

    /**
     * {@code ssize_t name(int fd, void *buffer, size_t length, int flags)} linked critical with heap
     * access, adapted to {@code (int fd, byte[] array, long offset, long length) -> long}.
     */
    private static MethodHandle downcall(String name) throws ReflectiveOperationException {
        Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
        Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
        Object linker = linkerType.getMethod("nativeLinker").invoke(null);
        Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
        Optional<?> address = (Optional<?>) Class.forName("java.lang.foreign.SymbolLookup").getMethod("find", String.class)
                .invoke(lookup, name);
        if (address.isEmpty()) {
            throw new NoSuchMethodException("the C library has no " + name);
        }
        Object jint = valueLayout.getField("JAVA_INT").get(null);
        Object jlong = valueLayout.getField("JAVA_LONG").get(null);
        Object pointer = valueLayout.getField("ADDRESS").get(null);
        Object arguments = Array.newInstance(layoutType, 4);
        Array.set(arguments, 0, jint);
        Array.set(arguments, 1, pointer);
        Array.set(arguments, 2, jlong);
        Array.set(arguments, 3, jint);
        Object function = descriptorType.getMethod("of", layoutType, arguments.getClass()).invoke(null, jlong, arguments);
        Object options = Array.newInstance(optionType, 1);
        Array.set(options, 0, optionType.getMethod("critical", boolean.class).invoke(null, true));
        MethodHandle linked = (MethodHandle) linkerType.getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
                .invoke(linker, address.get(), function, options);
        // (int, MemorySegment, long, int) -> long, flags fixed
        MethodHandle call = MethodHandles.insertArguments(linked, 3, name.equals("send") ? MSG_NOSIGNAL : 0);
        MethodHandles.Lookup publicLookup = MethodHandles.publicLookup();
        MethodHandle ofArray = publicLookup.findStatic(segmentType, "ofArray", MethodType.methodType(segmentType, byte[].class));
        MethodHandle slice = publicLookup.findVirtual(segmentType, "asSlice", MethodType.methodType(segmentType, long.class));
        // (byte[], long offset) -> MemorySegment
        MethodHandle at = MethodHandles.filterArguments(slice, 0, ofArray);
        // (int, byte[], long offset, long length) -> long
        return MethodHandles.collectArguments(call, 1, at)
                .asType(MethodType.methodType(long.class, int.class, byte[].class, long.class, long.class));
    }
}
