package io.fmi.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reused direct buffers for the working copies of large peer-to-peer reductions: a socket reads
 * into and writes from a direct buffer without the JDK's copy through a temporary one, which for a
 * heap array costs a copy of every byte in each direction. Same contract as {@link Scratch}
 * (pooled by exact capacity, stale content, given back only when unreferenced); at most
 * {@link #MAX_POOLED} bytes are pooled, and a buffer over that is allocated and left to the GC.
 * Buffers are little-endian, the wire order. When direct memory runs out, {@link #take} returns a
 * heap buffer instead (the collectives work on either; a heap one only costs the copies again), and
 * so it does once these buffers hold {@link #MAX_HELD}, a quarter of the JVM's direct memory.
 */
public final class DirectScratch {
    static final long MAX_POOLED = 64L << 20;

    private static final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<ByteBuffer>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong POOLED = new AtomicLong();
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DirectScratch.class);

    /**
     * The direct memory the JVM allows ({@code -XX:MaxDirectMemorySize}, else the heap's maximum,
     * as the JDK has it).
     */
    static final long MAX_DIRECT = maxDirectMemory(
            java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(), Runtime.getRuntime().maxMemory());
    /**
     * At most this much direct memory is held by these buffers (taken or pooled); beyond, {@link #take}
     * gives heap buffers: the rest is the sockets' (their staging buffers and outboxes, the JDK's
     * temporary buffers), which fail a connection when they find none left — 256 ranks as threads of
     * one JVM, each with a 1 MiB bcast buffer, would otherwise take all of 256 MiB.
     */
    static final long MAX_HELD = MAX_DIRECT / 4;
    private static final AtomicLong HELD = new AtomicLong();

    private DirectScratch() {
    }

    /** {@code -XX:MaxDirectMemorySize} among the JVM's {@code arguments} (the last one counts), else {@code otherwise}. */
    static long maxDirectMemory(java.util.List<String> arguments, long otherwise) {
        long max = otherwise;
        String flag = "-XX:MaxDirectMemorySize=";
        for (String argument : arguments) {
            if (argument.startsWith(flag)) {
                String value = argument.substring(flag.length()).trim().toLowerCase(java.util.Locale.ROOT);
                int shift = switch (value.isEmpty() ? ' ' : value.charAt(value.length() - 1)) {
                    case 'k' -> 10;
                    case 'm' -> 20;
                    case 'g' -> 30;
                    case 't' -> 40;
                    default -> 0;
                };
                try {
                    long number = Long.parseLong(shift == 0 ? value : value.substring(0, value.length() - 1));
                    // 0 means the JDK's default
                    max = number > 0 ? number << shift : otherwise;
                } catch (NumberFormatException e) {
                    // the JVM would not have started with it; keep the default
                }
            }
        }
        return max;
    }

    /** A direct, little-endian buffer of exactly {@code capacity} bytes, position 0, limit = capacity. */
    public static ByteBuffer take(int capacity) {
        ConcurrentLinkedDeque<ByteBuffer> free = FREE.get(capacity);
        ByteBuffer b = free == null ? null : free.pollFirst();
        if (b != null) {
            POOLED.addAndGet(-capacity);
            return b.clear();
        }
        if (HELD.addAndGet(capacity) > MAX_HELD) {
            HELD.addAndGet(-capacity);
            return onHeap(capacity, "collective buffers already hold a quarter of the JVM's " + MAX_DIRECT
                    + " bytes of direct memory");
        }
        try {
            return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        } catch (OutOfMemoryError e) {
            // -XX:MaxDirectMemorySize is reached: the heap serves, at the cost of the JDK's copies
            HELD.addAndGet(-capacity);
            return onHeap(capacity, e.getMessage());
        }
    }

    private static ByteBuffer onHeap(int capacity, String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("no direct memory left for a {}-byte collective buffer ({}); large collectives use heap"
                    + " buffers while it lasts: raise -XX:MaxDirectMemorySize for their faster path", capacity, why);
        }
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns a buffer from {@link #take} for reuse (heap ones, taken when direct memory ran out, are not pooled). */
    public static void give(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            return;
        }
        int capacity = buffer.capacity();
        if (POOLED.addAndGet(capacity) > MAX_POOLED) {
            // left to the GC, which frees its memory
            POOLED.addAndGet(-capacity);
            HELD.addAndGet(-capacity);
            return;
        }
        FREE.computeIfAbsent(capacity, k -> new ConcurrentLinkedDeque<>()).addFirst(buffer);
    }
}
