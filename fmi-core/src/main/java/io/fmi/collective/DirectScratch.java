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
 * Buffers are little-endian, the wire order.
 */
public final class DirectScratch {
    static final long MAX_POOLED = 64L << 20;

    private static final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<ByteBuffer>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong POOLED = new AtomicLong();

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
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns a buffer from {@link #take} for reuse. */
    public static void give(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (POOLED.addAndGet(capacity) > MAX_POOLED) {
            POOLED.addAndGet(-capacity);
            return;
        }
        FREE.computeIfAbsent(capacity, k -> new ConcurrentLinkedDeque<>()).addFirst(buffer);
    }
}
