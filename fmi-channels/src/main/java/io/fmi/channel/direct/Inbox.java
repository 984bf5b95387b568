package io.fmi.channel.direct;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.Deadline;
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
 */
final class Inbox {
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

    /** The next message with {@code tag}; {@code timeout} describes the wait for the timeout message. */
    byte[] take(int tag, Deadline deadline, Supplier<String> timeout) {
        lock.lock();
        try {
            while (true) {
                ArrayDeque<byte[]> queue = queues.get(tag);
                if (queue != null && !queue.isEmpty()) {
                    return queue.removeFirst();
                }
                if (failure != null) {
                    throw failure instanceof FmiException ? copy((FmiException) failure) : new ChannelException(failure.getMessage(), failure);
                }
                long left = deadline.remainingNanos();
                if (left == 0) {
                    throw new FmiTimeoutException(timeout.get());
                }
                try {
                    changed.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
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
