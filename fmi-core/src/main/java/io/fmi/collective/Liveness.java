package io.fmi.collective;

import io.fmi.ChannelException;
import io.fmi.FmiAbortedException;
import io.fmi.FmiException;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.ObjectStoreChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure detection and abort for one peer on one storage channel (shared by every communicator
 * of the job that uses the channel).
 *
 * <p>Every {@link ObjectStoreChannel#heartbeat() interval} this peer writes its mark
 * {@code !hb/<rank>}: a counter and its wall-clock time. A peer waiting for another's value waits
 * in slices of one interval and between them {@link #gone reads the writer's mark} (one request
 * for all the writers it waits for, plus its own abort mark). A writer is gone when its mark
 * stays deleted for two intervals and two seconds after having been seen (it closed; a store that
 * restarted and lost it gets it back with the next beat), when the time in it is more than two
 * intervals and two seconds older than this peer's clock when it asked for the mark (not when the
 * answer came: a slow answer does not age the mark), or when it has not changed for three
 * intervals and two seconds by this peer's clock (the rule that holds whatever the clocks). The
 * seconds are for busy machines: a GC pause or more threads than cores delay beats. A writer whose mark was never seen has not started yet:
 * that is left to the operation's deadline.
 *
 * <p>{@link #abort} writes {@code !abort/<rank>} for every other rank; a peer reads its own
 * abort mark with every liveness check and fails with {@link FmiAbortedException}. A peer that
 * finds another crashed (its mark stopped, not deleted) aborts the job this way, so that the
 * others fail within one interval too (a deleted mark — a peer that closed — only fails the waits
 * for that peer: finishing early is no error).
 */
public final class Liveness {
    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    /**
     * Added to the limits: a busy machine (a GC pause, more threads than cores) delays a beat by
     * hundreds of milliseconds, which must not pass for a death.
     */
    static final long SLACK_MS = 2000;
    /**
     * How long a mark lives where the store expires values: only to clean up after a peer that
     * died. Long, so that a beat delayed by a busy machine never lets a live peer's mark expire
     * (detection does not depend on it: the time in the mark does that).
     */
    static final Duration MARK_TTL = Duration.ofSeconds(60);
    /** The peers' heartbeats run here, apart from the library's other timers and workers. */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor BEATS = beats();

    private static java.util.concurrent.ScheduledThreadPoolExecutor beats() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ScheduledThreadPoolExecutor pool = new java.util.concurrent.ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "fmi-heartbeat-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        return pool;
    }

    private final ObjectStoreChannel channel;
    private final ChannelContext context;
    private final Duration interval;
    private final long intervalNanos;
    private final Map<Integer, Seen> seen = new HashMap<>();
    private final AtomicBoolean beating = new AtomicBoolean();
    private volatile FmiException failure;
    /** The gone peers already reported to the event listener. */
    private final java.util.Set<Integer> reported = new java.util.HashSet<>();
    /** The marks of the peers found gone: a dead peer cannot delete its own, {@link #stop} does. */
    private final java.util.Set<String> goneMarks = new java.util.LinkedHashSet<>();
    /** Whether a peer was found gone: its values stay unless survivors sweep them. */
    private volatile boolean sawGone;
    private long counter;
    private long abortReadNanos;
    private ScheduledFuture<?> beats;
    private boolean stopped;

    /** What this peer last learned of another's mark. */
    private static final class Seen {
        byte[] value;
        long changedNanos;
        long readNanos;
        boolean ever;
        boolean missing;
        long missingSinceNanos;
    }

    /** The liveness of {@code context}'s peer on {@code channel}, whose heartbeat must be non-zero. */
    public Liveness(ObjectStoreChannel channel, ChannelContext context) {
        this.channel = channel;
        this.context = context;
        this.interval = channel.heartbeat();
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException(channel.name() + " has no heartbeat");
        }
        this.intervalNanos = interval.toNanos();
        this.abortReadNanos = System.nanoTime() - intervalNanos;
    }

    /** The heartbeat interval: waits are sliced by it. */
    public Duration interval() {
        return interval;
    }

    static String heartbeatKey(int rank) {
        return "!hb/" + rank;
    }

    static String abortKey(int rank) {
        return "!abort/" + rank;
    }

    /** Writes the first mark now (so that this peer counts as started) and then one every interval. */
    public synchronized void start() {
        beat();
        beats = BEATS.scheduleAtFixedRate(() -> {
            // the write runs elsewhere: a slow store must not hold up the other peers' beats
            if (beating.compareAndSet(false, true)) {
                Background.WORKERS.execute(() -> {
                    try {
                        beat();
                    } catch (RuntimeException e) {
                        LOG.warn("{} rank {}: writing the heartbeat failed ({}); peers may take this peer for"
                                + " dead if it keeps failing", channel.name(), context.rank(), e.toString());
                    } finally {
                        beating.set(false);
                    }
                });
            }
        }, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }

    private void beat() {
        long n;
        synchronized (this) {
            if (stopped) {
                return;
            }
            n = ++counter;
        }
        byte[] mark = ByteBuffer.allocate(16).putLong(n).putLong(System.currentTimeMillis()).array();
        channel.putMark(heartbeatKey(context.rank()), mark, MARK_TTL.compareTo(interval.multipliedBy(10)) > 0
                ? MARK_TTL : interval.multipliedBy(10));
    }

    /**
     * Stops the heartbeat and deletes this peer's mark (and an abort mark addressed to it, and the
     * marks of peers it found gone, which they cannot delete), after any write in flight: peers
     * waiting for this one then see it gone.
     */
    public void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            if (beats != null) {
                beats.cancel(false);
            }
        }
        // a beat in flight is bounded by its own deadline (four intervals)
        long until = System.nanoTime() + 4 * intervalNanos;
        while (beating.get() && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            List<String> marks = new ArrayList<>(List.of(heartbeatKey(context.rank()), abortKey(context.rank())));
            synchronized (this) {
                marks.addAll(goneMarks);
            }
            channel.deleteMarks(marks);
        } catch (RuntimeException e) {
            LOG.warn("{} rank {}: deleting the heartbeat mark failed ({}); it expires", channel.name(), context.rank(),
                    e.toString());
        }
    }

    /**
     * Tells every other peer that the job is over: they fail with {@link FmiAbortedException}
     * carrying {@code reason} at their next liveness check (within about one interval while they
     * wait). This peer's own operations fail at once.
     */
    public void abort(String reason) {
        failure = new FmiAbortedException(context.rank(), reason);
        tell(reason, java.util.Set.of());
    }

    /** Writes the abort mark of every other rank except {@code skip}. */
    private void tell(String reason, java.util.Set<Integer> skip) {
        byte[] value = (context.rank() + "\n" + reason).getBytes(StandardCharsets.UTF_8);
        for (int r = 0; r < context.size(); r++) {
            if (r != context.rank() && !skip.contains(r)) {
                channel.putMark(abortKey(r), value, Duration.ofHours(1));
            }
        }
    }

    /** Whether this peer found another gone (the job's leftovers are then swept at close). */
    public boolean sawGone() {
        return sawGone;
    }

    /** Throws the failure this peer has learned of (an abort, a peer found gone), if any. */
    public void check() {
        FmiException f = failure;
        if (f != null) {
            throw f;
        }
    }

    /**
     * The writers among {@code ranks} that are gone, each with the exception that names it; reads
     * the marks of those not read within the last interval (and this peer's abort mark) in one
     * request. Throws {@link FmiAbortedException} if the job was aborted.
     */
    public Map<Integer, ChannelException> gone(Collection<Integer> ranks) {
        check();
        long now = System.nanoTime();
        long wall = System.currentTimeMillis();
        List<Integer> stale = new ArrayList<>();
        boolean readAbort;
        synchronized (this) {
            for (int r : ranks) {
                if (r == context.rank()) {
                    continue;
                }
                Seen s = seen.computeIfAbsent(r, k -> {
                    Seen fresh = new Seen();
                    fresh.readNanos = now - intervalNanos; // due for a read now
                    return fresh;
                });
                if (now - s.readNanos >= intervalNanos) {
                    stale.add(r);
                }
            }
            readAbort = now - abortReadNanos >= intervalNanos;
        }
        if (!stale.isEmpty() || readAbort) {
            read(stale, now);
        }
        check();
        Map<Integer, ChannelException> gone = new LinkedHashMap<>();
        List<String> deadMarks = new ArrayList<>();
        Map<Integer, String> crashed = new LinkedHashMap<>();
        synchronized (this) {
            for (int r : ranks) {
                Seen s = seen.get(r);
                if (s == null || !s.ever) {
                    continue;
                }
                String why = null;
                if (s.value == null) {
                    long missingMs = (now - s.missingSinceNanos) / 1_000_000;
                    if (missingMs > 2 * interval.toMillis() + SLACK_MS) {
                        why = "its liveness mark has been gone for " + missingMs + " ms (it closed its communicator,"
                                + " or stopped and the mark expired)";
                    }
                } else {
                    ByteBuffer mark = ByteBuffer.wrap(s.value);
                    // against this peer's clock when the read began (readNanos), not when it returned: a
                    // response that was slow to come back (a loaded store or host) must not age the mark
                    long askedWall = wall - (now - s.readNanos) / 1_000_000;
                    long age = s.value.length >= 16 ? askedWall - mark.getLong(8) : 0;
                    long unchangedMs = (now - s.changedNanos) / 1_000_000;
                    if (age > 2 * interval.toMillis() + SLACK_MS) {
                        why = "its last heartbeat is " + age + " ms old";
                    } else if (unchangedMs > 3 * interval.toMillis() + SLACK_MS) {
                        why = "its heartbeat has not changed for " + unchangedMs + " ms";
                    }
                }
                if (why != null) {
                    if (reported.add(r)) {
                        context.events().peerGone(channel.name(), r, why);
                    }
                    if (s.value != null) {
                        deadMarks.add(heartbeatKey(r));
                        crashed.put(r, why);
                    }
                    gone.put(r, new ChannelException(channel.name() + ": rank " + r + " of '" + context.communicatorName()
                            + "' is gone: " + why + " (heartbeat every " + interval.toMillis()
                            + " ms); it crashed, was killed or finished without this peer's message"));
                }
            }
        }
        if (!gone.isEmpty()) {
            sawGone = true;
        }
        synchronized (this) {
            goneMarks.addAll(deadMarks);
        }
        if (!crashed.isEmpty() && failure == null) {
            // a crashed peer ends the job: the others learn it within one interval from their abort
            // marks instead of each waiting to find it out (or waiting for a survivor that failed)
            var first = crashed.entrySet().iterator().next();
            String reason = "rank " + first.getKey() + " is gone: " + first.getValue();
            failure = new FmiAbortedException(context.rank(), reason);
            try {
                tell(reason, crashed.keySet());
            } catch (RuntimeException e) {
                LOG.warn("{} rank {}: telling the others that rank {} is gone failed ({})", channel.name(),
                        context.rank(), first.getKey(), e.toString());
            }
        }
        return gone;
    }

    private void read(List<Integer> ranks, long now) {
        List<String> keys = new ArrayList<>(ranks.size() + 1);
        for (int r : ranks) {
            keys.add(heartbeatKey(r));
        }
        keys.add(abortKey(context.rank()));
        byte[][] values = channel.getMarks(keys);
        synchronized (this) {
            for (int i = 0; i < ranks.size(); i++) {
                Seen s = seen.get(ranks.get(i));
                if (now - s.readNanos < 0) {
                    // another thread's read started later and has been applied: this one is older news
                    // (applied, it could make a mark that has just appeared look deleted)
                    continue;
                }
                byte[] v = values[i];
                if (v != null && (s.value == null || !java.util.Arrays.equals(v, s.value))) {
                    s.changedNanos = now;
                }
                if (v != null) {
                    s.ever = true;
                } else if (s.value != null || !s.missing) {
                    // gone now: it counts once it stays gone (a store that restarted loses the marks
                    // until the next beat)
                    s.missingSinceNanos = now;
                }
                s.missing = v == null;
                s.value = v;
                s.readNanos = now;
            }
            abortReadNanos = now;
        }
        byte[] abort = values[ranks.size()];
        if (abort != null) {
            String text = new String(abort, StandardCharsets.UTF_8);
            int nl = text.indexOf('\n');
            int who = -1;
            try {
                who = Integer.parseInt(text.substring(0, Math.max(0, nl)));
            } catch (NumberFormatException ignored) {
                // a foreign mark: report it as it is
            }
            failure = new FmiAbortedException(who, nl < 0 ? text : text.substring(nl + 1));
        }
    }
}
