package io.fmi.channel.direct;

/**
 * Whether a receive from one peer polls before it blocks, and for how long: the receive's side of
 * the latency of a small message. Blocking costs a selector wait and a thread wake-up per message
 * (about a third of the half round trip of an 8-byte ping-pong here); polling costs the core it runs
 * on. It pays where the waiting thread has a core to itself — a Lambda function, or a few processes
 * on a larger machine. Where ranks share cores ({@link #sharedCores}) a poller that keeps its core
 * takes the CPU from the peer it waits for (8 processes on 2 cores: collectives 2–4× slower), so
 * there a receive yields its core after every poll ({@code sched_yield}, as Open MPI's TCP transport
 * does) and polls longer ({@value #SHARED_NANOS} ns): a rank that is waiting gives way to the
 * others and still reads its data as soon as it runs again, instead of sleeping in the selector
 * until a wake-up (8 processes on 2 cores, 1 MiB allreduce: less time per call in 3 of 4 alternating
 * pairs of runs, median ratio 0.82; 1000 µs instead of 200 µs: no better). On a core of its own, a
 * receive backs off per peer while polling finds nothing (a peer that computes between messages):
 * after {@code k} misses in a row the next {@code 2^k - 1} receives from that peer (up to
 * {@value #MAX_SKIP}) block at once. One receive that finds its message while polling resets it.
 * Polls that yield do not back off: they cost the other ranks little (those run between them), and
 * where ranks share cores a miss mostly means the peer was not running, not that it computes —
 * blocking then only adds a wake-up when its data comes (8 processes on 2 cores, 1 MiB allreduce,
 * without the back-off: less time per call in 6 of 8 alternating pairs of runs, median ratio 0.93).
 * Once its message has started to arrive, a receive polls for the rest, its budget starting over
 * each time more has come: a large message arrives piece by piece as the sender writes it on
 * another core, and a wait in the selector adds a wake-up per piece (2 processes on 2 cores, bcast of
 * 1 MiB: see {@code DirectChannel#await}). A budget that runs out while the message is arriving is
 * not a miss.
 *
 * <p>Only the holder of the channel's progress lock touches an instance.
 */
final class Spin {
    /** How long a receive polls when the configuration does not say ({@code spin_us} absent). */
    static final long DEFAULT_NANOS = 50_000;
    /** How long a receive polls, yielding, where ranks outnumber cores ({@code spin_us} absent). */
    static final long SHARED_NANOS = 200_000;
    /** Misses in a row counted at most: the back-off stops growing at {@value #MAX_SKIP} receives. */
    private static final int MAX_MISSES = 6;
    static final int MAX_SKIP = (1 << MAX_MISSES) - 1;

    private int misses;
    private int skip;

    /**
     * The polling budget of the next receive, in ns: {@code nanos}, or 0 while backing off.
     *
     * @param nanos what the channel allows now (0: no polling)
     */
    long budget(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        if (skip > 0) {
            skip--;
            return 0;
        }
        return nanos;
    }

    /** The message (or its first bytes) arrived while the receive polled. */
    void hit() {
        misses = 0;
        skip = 0;
    }

    /**
     * The receive polled its whole budget without its message, and blocks now.
     *
     * @param backOff whether it backs off: the adaptive polls on a core of one's own do; polls that
     *                yield ({@link #sharedCores}) and a configured {@code spin_us} (every time) do not
     */
    void miss(boolean backOff) {
        if (!backOff) {
            return;
        }
        misses = Math.min(misses + 1, MAX_MISSES);
        skip = (1 << misses) - 1;
    }

    /**
     * How long a receive polls when the configuration does not say: {@value #SHARED_NANOS} ns
     * (yielding the core after each poll) where cores are shared, else {@value #DEFAULT_NANOS} ns.
     */
    static long defaultNanos(boolean sharedCores) {
        return sharedCores ? SHARED_NANOS : DEFAULT_NANOS;
    }

    /**
     * Whether this host runs more ranks than it has cores: {@code localRanks} (processes of the job on
     * this host, as the launcher says) or {@code channelsInJvm} (ranks as threads of one JVM),
     * whichever is more, against the JVM's available processors.
     */
    static boolean sharedCores(int localRanks, int channelsInJvm, int cores) {
        return Math.max(localRanks, channelsInJvm) > cores;
    }
}
