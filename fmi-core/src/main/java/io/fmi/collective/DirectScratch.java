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
 * heap buffer instead (the collectives work on either; a heap one only costs the copies again).
 */
public final class DirectScratch {
    static final long MAX_POOLED = 64L << 20;

    private static final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<ByteBuffer>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong POOLED = new AtomicLong();
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DirectScratch.class);

    private DirectScratch() {
    }

    /** A direct, little-endian buffer of exactly {@code capacity} bytes, position 0, limit = capacity. */
    public static ByteBuffer take(int capacity) {
        ConcurrentLinkedDeque<ByteBuffer> free = FREE.get(capacity);
        ByteBuffer b = free == null ? null : free.pollFirst();
        if (b != null) {
            POOLED.addAndGet(-capacity);
            return b.clear();
        }
        try {
            return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        } catch (OutOfMemoryError e) {
            // -XX:MaxDirectMemorySize is reached: the heap serves, at the cost of the JDK's copies
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("no direct memory left for a {}-byte collective buffer ({}); large collectives use heap"
                        + " buffers while it lasts: raise -XX:MaxDirectMemorySize for their faster path", capacity,
                        e.getMessage());
            }
            return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** Returns a buffer from {@link #take} for reuse (heap ones, taken when direct memory ran out, are not pooled). */
    public static void give(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            return;
        }
        int capacity = buffer.capacity();
        if (POOLED.addAndGet(capacity) > MAX_POOLED) {
            POOLED.addAndGet(-capacity);
            return;
        }
        FREE.computeIfAbsent(capacity, k -> new ConcurrentLinkedDeque<>()).addFirst(buffer);
    }
}
