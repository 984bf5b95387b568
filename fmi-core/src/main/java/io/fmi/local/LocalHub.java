package io.fmi.local;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.MessageSizeException;
import io.fmi.spi.Deadline;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared memory behind the in-memory channels: mailboxes for {@link LocalChannel} and a key
 * space for {@link LocalStoreChannel}. Peers that use the same hub and communicator name talk to
 * each other; {@link #shared()} is the hub the configured {@code Local} and {@code LocalStore}
 * backends use.
 *
 * <p>{@link #abort(String, Throwable)} wakes every peer of a communicator that is waiting and makes
 * it fail at once, so one failing peer in a test does not leave the others waiting for their
 * deadline.
 */
public final class LocalHub {
    private static final LocalHub SHARED = new LocalHub();

    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private final Map<String, Throwable> aborted = new ConcurrentHashMap<>();
    private final ReentrantLock storeLock = new ReentrantLock();
    private final Condition storeChanged = storeLock.newCondition();
    private final Map<String, Stored> store = new HashMap<>();

    /** The JVM-wide hub used by the {@code Local} and {@code LocalStore} providers. */
    public static LocalHub shared() {
        return SHARED;
    }

    /** Makes every current and future wait of {@code communicator}'s peers fail with {@code cause}. */
    public void abort(String communicator, Throwable cause) {
        aborted.put(communicator, cause);
        mailboxes.forEach((key, box) -> {
            if (key.startsWith(communicator + "\u0000")) {
                box.wake();
            }
        });
        storeLock.lock();
        try {
            storeChanged.signalAll();
        } finally {
            storeLock.unlock();
        }
    }

    /** Forgets an {@link #abort}, so that the communicator name can be used again. */
    public void clearAbort(String communicator) {
        aborted.remove(communicator);
    }

    /** The number of stored keys that start with {@code prefix}: for leak checks. */
    public int storedKeys(String prefix) {
        storeLock.lock();
        try {
            return (int) store.keySet().stream().filter(k -> k.startsWith(prefix)).count();
        } finally {
            storeLock.unlock();
        }
    }

    private void checkAborted(String communicator) {
        Throwable cause = aborted.get(communicator);
        if (cause != null) {
            throw new ChannelException("communicator '" + communicator + "' was aborted because a peer failed: "
                    + cause, cause);
        }
    }

    // ---- peer-to-peer mailboxes ----

    Mailbox mailbox(String communicator, int rank) {
        return mailboxes.computeIfAbsent(communicator + "\u0000" + rank, k -> new Mailbox());
    }

    void removeMailbox(String communicator, int rank) {
        mailboxes.remove(communicator + "\u0000" + rank);
    }

    void deliver(String communicator, int src, int dest, int tag, byte[] message) {
        mailbox(communicator, dest).deliver(src, tag, message);
    }

    void take(String communicator, int self, int src, int tag, java.nio.ByteBuffer into, Deadline deadline) {
        byte[] message = mailbox(communicator, self).take(communicator, src, tag, deadline);
        if (message.length != into.remaining()) {
            throw new MessageSizeException("rank " + src + " sent " + message.length + " bytes (tag " + tag
                    + ") but the receiving buffer holds " + into.remaining() + " bytes; sender and receiver"
                    + " must use buffers of the same length", into.remaining(), message.length);
        }
        into.duplicate().put(message);
    }

    final class Mailbox {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();
        private final Map<Long, ArrayDeque<byte[]>> queues = new HashMap<>();

        void deliver(int src, int tag, byte[] message) {
            lock.lock();
            try {
                queues.computeIfAbsent(queueKey(src, tag), k -> new ArrayDeque<>()).addLast(message);
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void wake() {
            lock.lock();
            try {
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        byte[] take(String communicator, int src, int tag, Deadline deadline) {
            lock.lock();
            try {
                while (true) {
                    checkAborted(communicator);
                    ArrayDeque<byte[]> queue = queues.get(queueKey(src, tag));
                    if (queue != null && !queue.isEmpty()) {
                        return queue.removeFirst();
                    }
                    long left = deadline.remainingNanos();
                    if (left == 0) {
                        throw new FmiTimeoutException("no message from rank " + src + " with tag " + tag
                                + " arrived within " + deadline.budget().toMillis() + " ms");
                    }
                    awaitOrFail(arrived, left, "a message from rank " + src);
                }
            } finally {
                lock.unlock();
            }
        }

        private long queueKey(int src, int tag) {
            return ((long) src << 32) | (tag & 0xFFFF_FFFFL);
        }
    }

    // ---- object store ----

    private static final class Stored {
        final byte[] value;
        int readersLeft;

        Stored(byte[] value, int readersLeft) {
            this.value = value;
            this.readersLeft = readersLeft;
        }
    }

    void put(String key, byte[] value, int readers) {
        storeLock.lock();
        try {
            if (store.containsKey(key)) {
                throw new ChannelException("LocalStore: key " + key + " was written twice; keys are unique per"
                        + " operation, so two communicators with the same name are probably running at once");
            }
            store.put(key, new Stored(value, readers));
            storeChanged.signalAll();
        } finally {
            storeLock.unlock();
        }
    }

    byte[] get(String communicator, String key, Deadline deadline) {
        storeLock.lock();
        try {
            while (true) {
                checkAborted(communicator);
                Stored stored = store.get(key);
                if (stored != null) {
                    if (--stored.readersLeft <= 0) {
                        store.remove(key);
                        storeChanged.signalAll();
                    }
                    return stored.value;
                }
                long left = deadline.remainingNanos();
                if (left == 0) {
                    throw new FmiTimeoutException("key " + key + " did not appear within "
                            + deadline.budget().toMillis() + " ms");
                }
                awaitOrFail(storeChanged, left, "key " + key);
            }
        } finally {
            storeLock.unlock();
        }
    }

    boolean contains(String key) {
        storeLock.lock();
        try {
            return store.containsKey(key);
        } finally {
            storeLock.unlock();
        }
    }

    /** Waits until none of {@code keys} is stored any more, or the deadline passes. */
    void awaitGone(java.util.Collection<String> keys, Deadline deadline) {
        storeLock.lock();
        try {
            while (keys.stream().anyMatch(store::containsKey) && !deadline.expired()) {
                try {
                    storeChanged.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            storeLock.unlock();
        }
    }

    void delete(String key) {
        storeLock.lock();
        try {
            store.remove(key);
        } finally {
            storeLock.unlock();
        }
    }

    private static void awaitOrFail(Condition condition, long nanos, String what) {
        try {
            condition.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FmiException("interrupted while waiting for " + what, e);
        }
    }
}
