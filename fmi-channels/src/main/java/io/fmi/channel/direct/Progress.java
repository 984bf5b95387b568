package io.fmi.channel.direct;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the bytes of one {@link DirectChannel}: one selector over all its connections, driven by
 * whoever holds the progress lock.
 *
 * <p>While a send or receive runs, the calling thread holds the lock and does all socket I/O itself
 * — a message that arrives for a waiting receive is read by that receive's own thread, with no
 * hand-off between threads (the hand-off from an event-loop thread cost a thread wake-up per
 * message, 3–9× the latency of a plain blocking socket). Whatever becomes readable meanwhile on any
 * connection is read too, so two peers that send to each other at once never deadlock.
 *
 * <p>When no call has been inside the channel for {@link #IDLE_NANOS}, a background driver thread
 * takes the lock and keeps reading (so a sender never waits for a receiver that is busy computing),
 * flushes frames queued while a connection was being made and notices closed connections. A call
 * that arrives then wakes the driver's selector and takes the lock over; the driver stays out of
 * the way of back-to-back calls, so the fast path never involves a second thread.
 *
 * <p>Other threads (pairing) hand work to the lock holder with {@link #submit}.
 */
final class Progress implements AutoCloseable {
    /** How long the channel must be left alone before the background driver reads for it. */
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long BUSY_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    /** Fair, so that threads waiting for the lock get it between the iterations of a long wait. */
    private final ReentrantLock lock = new ReentrantLock(true);
    private final AtomicInteger callers = new AtomicInteger();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Selector selector;
    private final Consumer<SelectionKey> ready;
    private final Thread driver;
    private volatile long lastExit = System.nanoTime();
    private volatile boolean stopped;

    /**
     * @param name  the driver thread's name
     * @param ready handles a ready key; runs in the lock holder
     */
    Progress(String name, Consumer<SelectionKey> ready) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new ChannelException("Direct: cannot open a selector: " + e, e);
        }
        this.ready = ready;
        this.driver = new Thread(this::drive, name);
        driver.setDaemon(true);
        driver.start();
    }

    /** Takes the lock for a call (from the driver if it holds it) and runs pending tasks. */
    void enter() {
        callers.incrementAndGet();
        if (lock.hasQueuedThreads() || !lock.tryLock()) {
            selector.wakeup();
            lock.lock();
        }
        runTasks();
    }

    /** Gives the lock back at the end of a call. */
    void exit() {
        lastExit = System.nanoTime();
        lock.unlock();
        callers.decrementAndGet();
    }

    /** Registers a connection; only the lock holder. */
    SelectionKey register(SelectableChannel channel, int ops, Object attachment) throws ClosedChannelException {
        return channel.register(selector, ops, attachment);
    }

    /**
     * Waits up to {@code millis} (0: not at all) for a connection to become ready, handles what is
     * ready and the pending tasks; only the lock holder.
     */
    void poll(long millis) {
        if (Thread.currentThread().isInterrupted()) {
            throw new FmiException("Direct: interrupted while waiting for the network");
        }
        try {
            if (millis <= 0) {
                selector.selectNow(ready);
            } else {
                selector.select(ready, millis);
            }
        } catch (IOException e) {
            throw new ChannelException("Direct: selecting ready connections failed: " + e, e);
        }
        runTasks();
    }

    /**
     * Runs {@code task} in the lock holder soon (now, if a call is waiting; else in the driver; after
     * {@link #close} in the calling thread).
     */
    void submit(Runnable task) {
        tasks.add(task);
        if (stopped) {
            // nobody drives any more (a pairing that finished after, or while, close ran): run it
            // here. Checked after queuing, so that a task queued while close() drained the queue
            // still runs (checked before, it could be queued after the drain and never run).
            lock.lock();
            try {
                runTasks();
            } finally {
                lock.unlock();
            }
            return;
        }
        selector.wakeup();
        LockSupport.unpark(driver);
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void drive() {
        while (!stopped) {
            long quiet = System.nanoTime() - lastExit;
            if (callers.get() > 0 || (quiet < IDLE_NANOS && tasks.isEmpty())) {
                // during a long call, look less often: taking over a little later only delays reading
                // what the kernel buffers anyway (tasks unpark the driver at once)
                LockSupport.parkNanos(this, callers.get() > 0 ? BUSY_CHECK_NANOS : IDLE_NANOS - quiet);
                continue;
            }
            if (!lock.tryLock()) {
                LockSupport.parkNanos(this, IDLE_NANOS);
                continue;
            }
            try {
                runTasks();
                while (!stopped && callers.get() == 0) {
                    selector.select(ready);
                    runTasks();
                }
            } catch (IOException | RuntimeException e) {
                if (!stopped) {
                    LOG.warn("Direct: background progress failed; calls still make progress themselves", e);
                    LockSupport.parkNanos(this, IDLE_NANOS);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops the driver and closes the selector (the connections are closed by their owner). */
    @Override
    public void close() {
        stopped = true;
        selector.wakeup();
        LockSupport.unpark(driver);
        try {
            driver.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            runTasks();
        } finally {
            lock.unlock();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector failed", e);
        }
    }
}
