package io.fmi.channel.aws;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a channel's clean-up requests (deleting consumed values) on one background thread, so that
 * they are not on the critical path of a receive. Created lazily; {@link #close(Duration)} waits
 * for what is queued, bounded.
 */
public final class Cleaner {
    private static final Logger LOG = LoggerFactory.getLogger(Cleaner.class);

    private final String owner;
    private ExecutorService executor;

    public Cleaner(String owner) {
        this.owner = owner;
    }

    /** Queues {@code task}; a failure is logged (expiry removes what it leaves). */
    public synchronized void submit(String what, Runnable task) {
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "fmi-cleaner-" + owner);
                t.setDaemon(true);
                return t;
            });
        }
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: {} failed ({}); expiry will remove it", owner, what, e.toString());
            }
        });
    }

    /** Runs what is queued to completion, waiting at most {@code limit}. */
    public synchronized void close(Duration limit) {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{}: clean-up still running after {} ms; expiry will remove the rest", owner, limit.toMillis());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        executor = null;
    }
}
