package io.fmi.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clean-up every storage channel needs, written once: remember the keys this peer wrote, forget
 * those readers have consumed, and at close give slower readers a grace period, then delete what is
 * left in batches, asking again for what the backend left undeleted.
 *
 * <p>Pruning is amortised: when the remembered keys reach twice their number after the last
 * pruning (at least {@value #FIRST_PRUNE}), the store is asked which still exist, so the
 * bookkeeping stays proportional to the values not yet read, and the checks cost at most about
 * one key per write.
 */
public final class WrittenKeys {
    private static final Logger LOG = LoggerFactory.getLogger(WrittenKeys.class);
    static final int FIRST_PRUNE = 1024;

    /** What the helper needs from a backend. */
    public interface Store {
        /** Which of {@code keys} still exist, asked in as few requests as the backend allows. */
        List<String> existing(List<String> keys);

        /**
         * Deletes {@code keys} (absent ones are no error) and returns those the backend left
         * undeleted, to be asked again (DynamoDB's unprocessed items; empty for most backends).
         */
        List<String> delete(List<String> keys);
    }

    private final String owner;
    private final Store store;
    private final Map<String, Long> keys = new LinkedHashMap<>();
    private int pruneAt = FIRST_PRUNE;

    /** Bookkeeping for {@code owner} (named in log lines) over {@code store}. */
    public WrittenKeys(String owner, Store store) {
        this.owner = owner;
        this.store = store;
    }

    /** This peer wrote {@code key} (relative or full, as the store's methods take it). */
    public void add(String key) {
        List<String> check = null;
        synchronized (this) {
            keys.put(key, System.nanoTime());
            if (keys.size() >= pruneAt) {
                check = new ArrayList<>(keys.keySet());
                pruneAt = Integer.MAX_VALUE; // one pruning at a time
            }
        }
        if (check != null) {
            prune(check);
        }
    }

    /** The channel knows {@code key} was consumed (e.g. its last reader deleted it). */
    public synchronized void forget(String key) {
        keys.remove(key);
    }

    /** How many keys are remembered: for tests of the pruning. */
    public synchronized int size() {
        return keys.size();
    }

    private void prune(List<String> check) {
        Set<String> left;
        try {
            left = new HashSet<>(store.existing(check));
        } catch (RuntimeException e) {
            LOG.debug("{}: checking which written keys are left failed ({}); checked again later", owner, e.toString());
            left = new HashSet<>(check);
        }
        synchronized (this) {
            for (String key : check) {
                if (!left.contains(key)) {
                    keys.remove(key);
                }
            }
            pruneAt = Math.max(FIRST_PRUNE, 2 * keys.size());
        }
    }

    /**
     * Deletes what this peer wrote and is still there: first waits until {@code grace} has passed
     * since the last write — looking every {@code pollEvery} (null: not at all, for backends where
     * looking costs money) whether readers have consumed everything already — then deletes the
     * rest, asking again with backoff for what the backend left, up to {@code limit}.
     *
     * @return how many keys were deleted because no reader took them in time (0 when all were read)
     */
    public int close(Duration grace, Duration pollEvery, Duration limit) {
        List<String> left;
        long youngest;
        synchronized (this) {
            if (keys.isEmpty()) {
                return 0;
            }
            left = new ArrayList<>(keys.keySet());
            youngest = keys.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
            keys.clear();
        }
        long graceEnd = youngest + grace.toNanos();
        if (pollEvery != null) {
            left = store.existing(left);
            while (!left.isEmpty() && System.nanoTime() - graceEnd < 0) {
                Poller.sleepNanos(Math.min(pollEvery.toNanos(), graceEnd - System.nanoTime()));
                left = store.existing(left);
            }
        } else if (System.nanoTime() - graceEnd < 0) {
            Poller.sleepNanos(graceEnd - System.nanoTime());
        }
        int deleted = left.size();
        Deadline deadline = Deadline.after(limit);
        long backoffMs = 20;
        while (!left.isEmpty()) {
            left = store.delete(left);
            if (!left.isEmpty()) {
                if (deadline.remainingMillis() <= backoffMs) {
                    LOG.warn("{}: {} key(s) stayed undeleted after {} ms; the store's expiry removes them", owner,
                            left.size(), limit.toMillis());
                    return deleted - left.size();
                }
                Poller.sleepNanos(backoffMs * 1_000_000);
                backoffMs = Math.min(1000, backoffMs * 2);
            }
        }
        return pollEvery != null ? deleted : 0;
    }
}
