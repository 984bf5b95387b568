package io.fmi.local;

import io.fmi.Communicator;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.config.FmiConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Runs N peers as threads of this JVM, each with its own {@link Communicator}, and waits for all of
 * them: for tests and demos of collective code without any server.
 *
 * <pre>{@code
 * List<double[]> sums = LocalPeers.call(8, comm -> {
 *     double[] out = new double[1];
 *     comm.allreduce(new double[] {comm.rank()}, out, Op.SUM);
 *     return out;
 * });
 * }</pre>
 *
 * The first failing peer's exception is rethrown (the others' are attached as suppressed); the
 * other peers are interrupted and, on in-memory channels, woken at once, so a failure never costs
 * a whole deadline. Every communicator is closed when its peer finishes.
 */
public final class LocalPeers {
    /** How long a whole run may take by default. */
    public static final Duration DEFAULT_RUN_TIMEOUT = Duration.ofMinutes(2);

    private LocalPeers() {
    }

    /** The work of one peer. */
    @FunctionalInterface
    public interface Peer<T> {
        T run(Communicator comm) throws Exception;
    }

    /** The work of one peer, without a result. */
    @FunctionalInterface
    public interface PeerTask {
        void run(Communicator comm) throws Exception;
    }

    /**
     * Runs {@code task} on {@code size} peers over the in-memory channels ({@link FmiConfig#local()}),
     * under a fresh communicator name.
     */
    public static void run(int size, PeerTask task) {
        call(size, comm -> {
            task.run(comm);
            return null;
        });
    }

    /** Like {@link #run(int, PeerTask)}, returning each rank's result, indexed by rank. */
    public static <T> List<T> call(int size, Peer<T> peer) {
        String name = "local-" + java.util.UUID.randomUUID();
        FmiConfig config = FmiConfig.local();
        return call(size, rank -> Communicator.builder().rank(rank).size(size).name(name).config(config).build(),
                peer, DEFAULT_RUN_TIMEOUT);
    }

    /**
     * Runs {@code peer} on {@code size} threads, each with the communicator {@code factory} builds
     * for its rank (built on that thread, so that slow connection setup overlaps), and returns the
     * results by rank.
     *
     * @throws FmiTimeoutException if the run takes longer than {@code runTimeout}
     */
    public static <T> List<T> call(int size, IntFunction<Communicator> factory, Peer<T> peer, Duration runTimeout) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(peer, "peer");
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, is " + size);
        }
        Object[] results = new Object[size];
        Throwable[] failures = new Throwable[size];
        AtomicReference<Throwable> first = new AtomicReference<>();
        String[] names = new String[size];
        Thread[] threads = new Thread[size];
        for (int r = 0; r < size; r++) {
            int rank = r;
            threads[r] = new Thread(() -> {
                try (Communicator comm = factory.apply(rank)) {
                    names[rank] = comm.name();
                    results[rank] = peer.run(comm);
                } catch (Throwable t) {
                    failures[rank] = t;
                    if (first.compareAndSet(null, t)) {
                        abortOthers(threads, rank, names, t);
                    }
                }
            }, "fmi-peer-" + rank);
            threads[r].setDaemon(true);
        }
        for (Thread t : threads) {
            t.start();
        }
        long deadline = System.nanoTime() + runTimeout.toNanos();
        List<Integer> stuck = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            try {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                threads[r].join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FmiException("interrupted while waiting for local peers", e);
            }
            if (threads[r].isAlive()) {
                stuck.add(r);
            }
        }
        for (String name : names) {
            if (name != null) {
                LocalHub.shared().clearAbort(name);
            }
        }
        if (!stuck.isEmpty()) {
            for (int r : stuck) {
                threads[r].interrupt();
            }
            FmiTimeoutException timeout = new FmiTimeoutException("local peers " + stuck + " of " + size
                    + " did not finish within " + runTimeout.toMillis() + " ms");
            Arrays.stream(failures).filter(Objects::nonNull).forEach(timeout::addSuppressed);
            throw timeout;
        }
        Throwable cause = first.get();
        if (cause != null) {
            for (Throwable f : failures) {
                if (f != null && f != cause && !causedBy(f, cause)) {
                    cause.addSuppressed(f);
                }
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new FmiException("a local peer failed: " + cause, cause);
        }
        List<T> list = new ArrayList<>(size);
        for (Object o : results) {
            @SuppressWarnings("unchecked")
            T t = (T) o;
            list.add(t);
        }
        return list;
    }

    /** Whether {@code failure} is only the echo of {@code root} (the abort it caused). */
    private static boolean causedBy(Throwable failure, Throwable root) {
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            if (t == root) {
                return true;
            }
        }
        return failure instanceof FmiException && failure.getMessage() != null
                && failure.getMessage().contains("interrupted while waiting");
    }

    private static void abortOthers(Thread[] threads, int failed, String[] names, Throwable cause) {
        if (names[failed] != null) {
            LocalHub.shared().abort(names[failed], cause);
        }
        for (int r = 0; r < threads.length; r++) {
            if (r != failed && threads[r] != null) {
                threads[r].interrupt();
            }
        }
    }
}
