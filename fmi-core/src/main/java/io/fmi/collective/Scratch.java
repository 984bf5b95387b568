package io.fmi.collective;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reused byte arrays for the temporaries of collectives (the wire copy of a typed buffer, the
 * partner's half in a reduction), so that an allreduce of 1 MiB repeated in a loop does not
 * allocate 3 MiB a call: on a JVM that is several humongous allocations and, with many ranks, the
 * young collections of one rank stall all the others. Small ones are pooled too: where ranks share
 * cores, a process's CPU per operation grows with the fresh memory it touches (8 processes on 2
 * cores of a VM here: a reduce of 1 KiB and its barrier allocated 4.6 KB per rank and cost 1.5× the
 * CPU of one of 8 B). Arrays are pooled by exact length (the algorithms treat an array's length as the
 * message length), only from {@value #MIN_BYTES} bytes, and at most {@link #MAX_POOLED} bytes in
 * all (an eighth of the heap, at most 256 MiB), of which arrays under 64 KiB at most 4 MiB.
 *
 * <p>Contract: an array taken holds stale bytes, which the caller overwrites before it reads any;
 * an array is given back only when nothing can still reference it (the operation returned
 * normally: sends return once their bytes are written or copied, receives once they are filled).
 */
public final class Scratch {
    /** Smaller arrays are allocated: the pool's own bookkeeping would cost about as much. */
    static final int MIN_BYTES = 512;
    static final long MAX_POOLED = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
    /** Arrays shorter than this are small: they are pooled up to {@link #MAX_POOLED_SMALL} in all. */
    static final int SMALL_BYTES = 64 * 1024;
    /**
     * A backlog of small messages (a reduce's root, back to back, queues thousands) must not leave a
     * quarter of a million small arrays in the pool for good: a few MiB of them cover every array
     * that is in use at once in a loop of collectives.
     */
    static final long MAX_POOLED_SMALL = 4L << 20;

    private static final ConcurrentHashMap<Integer, ConcurrentLinkedDeque<byte[]>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong POOLED = new AtomicLong();
    private static final AtomicLong POOLED_SMALL = new AtomicLong();

    private Scratch() {
    }

    /** An array of exactly {@code length} bytes with unspecified content. */
    public static byte[] take(int length) {
        if (length >= MIN_BYTES) {
            ConcurrentLinkedDeque<byte[]> free = FREE.get(length);
            byte[] a = free == null ? null : free.pollFirst();
            if (a != null) {
                unpooled(length);
                return a;
            }
        }
        return new byte[length];
    }

    /** Drops every pooled array (tests start from an empty pool). */
    static void clear() {
        for (Integer length : FREE.keySet()) {
            ConcurrentLinkedDeque<byte[]> free = FREE.get(length);
            while (free != null && free.pollFirst() != null) {
                unpooled(length);
            }
        }
    }

    private static void unpooled(int length) {
        POOLED.addAndGet(-length);
        if (length < SMALL_BYTES) {
            POOLED_SMALL.addAndGet(-length);
        }
    }

    /** Returns an array from {@link #take} (or any array nobody references any more) for reuse. */
    public static void give(byte[] array) {
        int length = array.length;
        if (length < MIN_BYTES) {
            return;
        }
        boolean small = length < SMALL_BYTES;
        if (small && POOLED_SMALL.addAndGet(length) > MAX_POOLED_SMALL) {
            POOLED_SMALL.addAndGet(-length);
            return;
        }
        if (POOLED.addAndGet(length) > MAX_POOLED) {
            POOLED.addAndGet(-length);
            if (small) {
                POOLED_SMALL.addAndGet(-length);
            }
            return;
        }
        FREE.computeIfAbsent(array.length, k -> new ConcurrentLinkedDeque<>()).addFirst(array);
    }
}
