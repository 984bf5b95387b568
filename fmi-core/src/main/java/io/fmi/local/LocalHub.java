package io.fmi.local;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
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
                box.fail(abortedError(communicator, cause));
            }
        });
        storeLock.lock();
        try {
            storeChanged.signalAll();
        } finally {
            storeLock.unlock();
        }
    }

    // ---- marks (failure detection of LocalStore) ----

    private final Map<String, byte[]> marks = new ConcurrentHashMap<>();

    void putMark(String key, byte[] value) {
        marks.put(key, value.clone());
    }

    byte[] getMark(String key) {
        return marks.get(key);
    }

    void deleteMark(String key) {
        marks.remove(key);
    }

    /** Deletes every value and mark whose key starts with {@code prefix}. */
    void deletePrefix(String prefix) {
        marks.keySet().removeIf(k -> k.startsWith(prefix));
        storeLock.lock();
        try {
            store.keySet().removeIf(k -> k.startsWith(prefix));
            storeChanged.signalAll();
        } finally {
            storeLock.unlock();
        }
    }

    /** The number of marks whose key starts with {@code prefix}: for leak checks. */
    public int marks(String prefix) {
        return (int) marks.keySet().stream().filter(k -> k.startsWith(prefix)).count();
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
            throw abortedError(communicator, cause);
        }
    }

    private static io.fmi.FmiException abortedError(String communicator, Throwable cause) {
        if (cause instanceof io.fmi.FmiAbortedException) {
            io.fmi.FmiAbortedException a = (io.fmi.FmiAbortedException) cause;
            return new io.fmi.FmiAbortedException(a.abortingRank(), a.reason());
        }
        return new ChannelException("communicator '" + communicator + "' was aborted because a peer failed: "
                + cause, cause);
    }

    // ---- peer-to-peer mailboxes ----

    /** The mailbox of {@code rank} of {@code communicator} (of {@code size} ranks), made on first use. */
    Mailbox mailbox(String communicator, int rank, int size) {
        Mailbox box = mailboxes.computeIfAbsent(communicator + "\u0000" + rank, k -> new Mailbox(size));
        Throwable cause = aborted.get(communicator);
        if (cause != null) {
            box.fail(abortedError(communicator, cause));
        }
        return box;
    }

    void removeMailbox(String communicator, int rank) {
        mailboxes.remove(communicator + "\u0000" + rank);
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
        return getAny(communicator, java.util.List.of(key), deadline).value();
    }

    /** Takes one read of {@code key}'s value (deleting it after its last reader), or null. */
    byte[] tryGet(String key) {
        storeLock.lock();
        try {
            return take(key);
        } finally {
            storeLock.unlock();
        }
    }

    private byte[] take(String key) {
        Stored stored = store.get(key);
        if (stored == null) {
            return null;
        }
        if (--stored.readersLeft <= 0) {
            store.remove(key);
            storeChanged.signalAll();
        }
        return stored.value;
    }

    /** Waits until one of {@code keys} is stored and takes it. */
    io.fmi.spi.ObjectStoreChannel.Taken getAny(String communicator, java.util.List<String> keys, Deadline deadline) {
        storeLock.lock();
        try {
            while (true) {
                checkAborted(communicator);
                for (int i = 0; i < keys.size(); i++) {
                    byte[] value = take(keys.get(i));
                    if (value != null) {
                        return new io.fmi.spi.ObjectStoreChannel.Taken(i, value);
                    }
                }
                long left = deadline.remainingNanos();
                if (left == 0) {
                    throw new FmiTimeoutException((keys.size() == 1 ? "key " + keys.get(0) : "none of the keys " + keys)
                            + " appeared within " + deadline.budget().toMillis() + " ms");
                }
                awaitOrFail(storeChanged, left, "key " + keys.get(0));
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
