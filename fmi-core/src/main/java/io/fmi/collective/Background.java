package io.fmi.collective;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's shared background threads (all daemons): one timer for the deadlines of pending
 * non-blocking operations, and a pool that completes their futures (never inside a lock of the
 * library, so user callbacks cannot deadlock it) and runs non-blocking collectives.
 */
public final class Background {
    private Background() {
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Deadlines of pending operations. */
    public static final ScheduledExecutorService TIMER = timer();

    /** Completes futures and runs non-blocking operations; threads are made as needed and end when idle. */
    public static final ExecutorService WORKERS = Executors.newCachedThreadPool(daemons("fmi-request"));

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemons("fmi-deadline"));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
