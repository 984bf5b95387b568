package io.fmi.channel.direct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread of a JVM that drives every pairing of every Direct channel in it: the sockets of
 * a pairing (to the rendezvous server, the punching listener and connects, the relay) are
 * non-blocking and registered with this loop's selector, so a thousand pairings waiting for their
 * peers cost a thousand sockets, not a thousand threads. Work for the loop comes from other threads
 * through {@link #execute}; everything else runs on the loop thread.
 */
final class PairingLoop {
    /** The thread's name. */
    static final String THREAD_NAME = "fmi-pairing";
    private static final Logger LOG = LoggerFactory.getLogger(PairingLoop.class);
    private static PairingLoop shared;

    /** What the loop drives: a pairing under way. Called on the loop thread only. */
    interface Task {
        /** Handles a ready key of one of the task's sockets. */
        void ready(SelectionKey key) throws IOException;

        /** Handles the passage of time; returns when to be called next (nanoTime), or {@link Long#MAX_VALUE}. */
        long tick(long now) throws IOException;

        /** Ends the task with {@code failure} (thrown by one of its handlers), closing its sockets. */
        void failed(Throwable failure);
    }

    private final Selector selector;
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Set<Task> tasks = new LinkedHashSet<>();
    /** Completions held until the next select has deregistered the sockets they hand over. */
    private final List<Runnable> afterDeregistration = new ArrayList<>();

    private PairingLoop() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("Direct: cannot open a selector for pairing", e);
        }
        Thread thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
        thread.start();
    }

    /** The JVM's loop, started on first use. */
    static synchronized PairingLoop shared() {
        if (shared == null) {
            shared = new PairingLoop();
        }
        return shared;
    }

    /** Runs {@code work} on the loop thread. */
    void execute(Runnable work) {
        inbox.add(work);
        selector.wakeup();
    }

    /** Drives {@code task} from now on (loop thread). */
    void add(Task task) {
        tasks.add(task);
    }

    /** Stops driving {@code task} (loop thread). */
    void remove(Task task) {
        tasks.remove(task);
    }

    /** Registers {@code channel} for {@code ops} on behalf of {@code task} (loop thread). */
    SelectionKey register(SelectableChannel channel, int ops, Task task) throws ClosedChannelException {
        return channel.register(selector, ops, task);
    }

    /** The key of {@code channel} with this loop, or null. */
    SelectionKey keyOf(SelectableChannel channel) {
        return channel.keyFor(selector);
    }

    /**
     * Runs {@code completion} once the sockets whose keys were cancelled before it are deregistered
     * (loop thread): a socket handed to its user may then be switched to blocking mode.
     */
    void afterDeregistration(Runnable completion) {
        afterDeregistration.add(completion);
    }

    private void run() {
        while (true) {
            try {
                long now = System.nanoTime();
                long next = Long.MAX_VALUE;
                for (Task task : List.copyOf(tasks)) {
                    next = Math.min(next, guarded(task, () -> task.tick(now)));
                }
                // at least once a second, whatever the tasks say: a far deadline must not overflow the wait
                long waitMs = next == Long.MAX_VALUE ? 1000
                        : Math.max(1, Math.min(1000, (next - System.nanoTime() + 999_999) / 1_000_000));
                if (!afterDeregistration.isEmpty()) {
                    selector.selectNow();
                    List<Runnable> done = List.copyOf(afterDeregistration);
                    afterDeregistration.clear();
                    done.forEach(PairingLoop::quietly);
                } else {
                    selector.select(waitMs);
                }
                for (Runnable work; (work = inbox.poll()) != null; ) {
                    quietly(work);
                }
                var selected = selector.selectedKeys().iterator();
                while (selected.hasNext()) {
                    SelectionKey key = selected.next();
                    selected.remove();
                    Task task = (Task) key.attachment();
                    if (key.isValid() && tasks.contains(task)) {
                        guarded(task, () -> {
                            task.ready(key);
                            return 0L;
                        });
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the selector itself failed: nothing a pairing did; keep serving the others
                LOG.warn("Direct: the pairing loop hit {}", e.toString(), e);
            }
        }
    }

    private interface Step {
        long run() throws IOException;
    }

    private long guarded(Task task, Step step) {
        try {
            return step.run();
        } catch (IOException | RuntimeException e) {
            tasks.remove(task);
            quietly(() -> task.failed(e));
            return Long.MAX_VALUE;
        }
    }

    private static void quietly(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warn("Direct: a pairing callback threw {}", e.toString(), e);
        }
    }
}
