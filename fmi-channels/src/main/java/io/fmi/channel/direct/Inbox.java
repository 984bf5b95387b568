package io.fmi.channel.direct;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.Deadline;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Messages received from one peer, queued per tag until a receive asks for them (so messages with
 * other tags may overtake), and the peer's failure, which wakes every waiting receive.
 *
 * <p>A receive that finds nothing queued posts its buffer; a frame that arrives next with that tag
 * and exactly that length is then written straight into it by the event loop (one copy instead of
 * two). Once the event loop has claimed a posted receive, the receive waits for it to complete (or
 * for the connection to fail) even past its deadline, since the data is already arriving.
 */
final class Inbox {
    /** Returned by {@link #take} when the message was written straight into the posted buffer. */
    static final byte[] IN_PLACE = new byte[0];

    /** A receive waiting with its destination buffer. */
    static final class Posted {
        final int tag;
        final ByteBuffer into;
        boolean claimed;
        boolean done;

        Posted(int tag, ByteBuffer into) {
            this.tag = tag;
            this.into = into;
        }
    }

    private Posted posted;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Integer, ArrayDeque<byte[]>> queues = new HashMap<>();
    private RuntimeException failure;

    void deliver(int tag, byte[] message) {
        lock.lock();
        try {
            queues.computeIfAbsent(tag, t -> new ArrayDeque<>()).addLast(message);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void fail(RuntimeException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The posted receive for a frame with {@code tag} and {@code length}, now claimed by the caller
     * (the event loop), or null if there is none that fits.
     */
    Posted claim(int tag, int length) {
        lock.lock();
        try {
            ArrayDeque<byte[]> queue = queues.get(tag);
            if (posted != null && !posted.claimed && posted.tag == tag && posted.into.remaining() == length
                    && (queue == null || queue.isEmpty())) {
                posted.claimed = true;
                return posted;
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** The event loop has written the whole message into {@code p}'s buffer. */
    void complete(Posted p) {
        lock.lock();
        try {
            p.done = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next message with {@code tag}: a queued one, or {@link #IN_PLACE} if it was written straight
     * into {@code into}; {@code timeout} describes the wait for the timeout message.
     */
    byte[] take(int tag, ByteBuffer into, Deadline deadline, Supplier<String> timeout) {
        lock.lock();
        try {
            Posted mine = null;
            while (true) {
                if (mine != null && mine.done) {
                    posted = null;
                    return IN_PLACE;
                }
                ArrayDeque<byte[]> queue = queues.get(tag);
                if ((mine == null || !mine.claimed) && queue != null && !queue.isEmpty()) {
                    posted = null;
                    return queue.removeFirst();
                }
                if (mine == null) {
                    mine = new Posted(tag, into);
                    posted = mine;
                }
                if (failure != null) {
                    posted = null;
                    throw failure instanceof FmiException ? copy((FmiException) failure) : new ChannelException(failure.getMessage(), failure);
                }
                long left = deadline.remainingNanos();
                if (left == 0 && !mine.claimed) {
                    posted = null;
                    throw new FmiTimeoutException(timeout.get());
                }
                try {
                    changed.await(mine.claimed ? TimeUnit.MILLISECONDS.toNanos(50) : left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (!mine.claimed) {
                        posted = null;
                    }
                    throw new FmiException("interrupted while waiting for a message", e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static FmiException copy(FmiException e) {
        if (e instanceof FmiTimeoutException) {
            return new FmiTimeoutException(e.getMessage(), e);
        }
        return new ChannelException(e.getMessage(), e);
    }
}
