package io.fmi.spi;

import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.MessageSizeException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Message matching, done once for every channel: posted receives (with wildcards) and the queue of
 * unexpected messages of one peer. A peer-to-peer channel owns one mailbox per opened channel and
 * hands every arriving message to {@link #arrive}; the communicator posts receives with
 * {@link #post} and waits for them through the channel ({@link PeerToPeerChannel#await}). The
 * object-store collectives use a mailbox of their own for the messages they download.
 *
 * <p>Matching follows MPI: a message matches a receive when the communicator ids are equal, the
 * sources are equal or the receive takes {@link #ANY_SOURCE}, and the tags are equal or the receive
 * takes {@link #ANY_TAG} (which matches user tags {@code >= 0} only, never the negative tags of
 * collectives). An arriving message goes to the earliest posted receive it matches, else it is
 * queued; a new receive takes the earliest queued message it matches. Since every channel hands
 * over the messages of one source in the order they were sent, two messages from one source that
 * both match a receive are never overtaken by each other (MPI's non-overtaking rule), wildcards
 * included.
 *
 * <p>Sizes: a message may be shorter than the receive buffer ({@link Envelope#length()} says how
 * much arrived); a longer one fails the receive with a {@link MessageSizeException} naming both
 * sizes and nothing is written into its buffer. An exact receive (the collectives', and
 * {@code recvExact}) also fails on a shorter message.
 *
 * <p>Thread-safe: arrivals may come from I/O threads while receives are posted by callers.
 */
public final class Mailbox {
    /** Receives from any source. */
    public static final int ANY_SOURCE = -1;
    /** Receives with any tag {@code >= 0}. */
    public static final int ANY_TAG = -1;

    /** Where a message came from and how long it was: what a completed receive or a probe reports. */
    public record Envelope(int source, int tag, int length) {
    }

    /** A posted receive (or probe): waits until a matching message has arrived in full. */
    public static final class Receive {
        final int comm;
        final int source;
        final int tag;
        final ByteBuffer into;
        final boolean exact;
        final boolean probe;
        final int[] candidates;
        private volatile boolean done;
        private volatile boolean claimed;
        private Envelope envelope;
        private RuntimeException failure;
        private Runnable listener;

        Receive(int comm, int source, int tag, ByteBuffer into, boolean exact, boolean probe, int[] candidates) {
            this.comm = comm;
            this.source = source;
            this.tag = tag;
            this.into = into;
            this.exact = exact;
            this.probe = probe;
            this.candidates = candidates;
        }

        /** The source asked for, or {@link #ANY_SOURCE}. */
        public int source() {
            return source;
        }

        /** The tag asked for, or {@link #ANY_TAG}. */
        public int tag() {
            return tag;
        }

        /**
         * The channel ranks that may send the message: the one source, or for {@link #ANY_SOURCE}
         * every other member of the communicator (a channel that connects lazily must be ready to
         * hear from each of them). The array is the receive's own, shared with whoever posted it (no copy
         * per call on the hot path): read it, do not change it.
         */
        public int[] candidates() {
            return candidates;
        }

        /** Whether the message is complete (or the receive failed). */
        public boolean done() {
            return done;
        }

        /** Whether a message is being written into this receive (it may no longer be withdrawn). */
        public boolean claimed() {
            return claimed;
        }

        /** The message's envelope once {@link #done()}; throws the receive's failure if it failed. */
        public synchronized Envelope envelope() {
            if (failure != null) {
                throw failure;
            }
            return envelope;
        }

        void finish(Envelope e, RuntimeException error) {
            Runnable then;
            synchronized (this) {
                if (done) {
                    return;
                }
                this.envelope = e;
                this.failure = error;
                this.done = true;
                then = listener;
                listener = null;
            }
            if (then != null) {
                then.run();
            }
        }

        /**
         * Runs {@code action} once this receive is done (at once if it is): how non-blocking receives
         * complete without a thread waiting for them.
         */
        public void whenDone(Runnable action) {
            synchronized (this) {
                if (!done) {
                    listener = action;
                    return;
                }
            }
            action.run();
        }
    }

    /** Where an arriving message's payload goes; call {@link #complete()} once all of it is there. */
    public final class Landing {
        private final Message message;
        private final Receive receive;
        private final ByteBuffer target;
        private final Envelope envelope;
        private final boolean misfit;

        Landing(Message message, Receive receive, ByteBuffer target, Envelope envelope, boolean misfit) {
            this.message = message;
            this.receive = receive;
            this.target = target;
            this.envelope = envelope;
            this.misfit = misfit;
        }

        /** The buffer to write exactly the message's bytes into (from its position to its limit). */
        public ByteBuffer target() {
            return target;
        }

        /** Whether no receive waits for this message yet (it is being queued). */
        public boolean unexpected() {
            return message != null;
        }

        /** Whether this message is being written into {@code r}. */
        public boolean isFor(Receive r) {
            return receive == r;
        }

        /**
         * Whether the message does not fit the receive it matched: its bytes are to be read and
         * dropped, through {@link #target()} (a small buffer: clear it whenever it is full); on
         * {@link #complete()} the receive fails with a {@link MessageSizeException}.
         */
        public boolean discard() {
            return misfit;
        }

        /** The payload is complete. */
        public void complete() {
            completed(this);
        }
    }

    /** A queued message: complete, or still arriving (then {@link #data} is filled as bytes come). */
    private static final class Message {
        final int source;
        final int comm;
        final int tag;
        final byte[] data;
        /** Arrival order across sources: a receive from any source takes the earliest match. */
        final long seq;
        boolean complete;
        /** A receive that matched this message while it was still arriving. */
        Receive taker;

        Message(int source, int comm, int tag, byte[] data, long seq) {
            this.source = source;
            this.comm = comm;
            this.tag = tag;
            this.data = data;
            this.seq = seq;
        }
    }

    /** The buffer through which the bytes of a message too long for its receive are dropped. */
    private static final int DISCARD_CHUNK = 64 * 1024;

    /** Posted receives and probes in the order they were posted (an array: no node allocated per receive). */
    private final ArrayDeque<Receive> posted = new ArrayDeque<>();
    /**
     * The unexpected messages of each source, in arrival order: a receive from one source looks at
     * that source's messages only. (One list for all sources made a receive scan the backlog of
     * every other source first: a reduce's root, whose children ran thousands of calls ahead, spent
     * its time there.)
     */
    private ArrayDeque<Message>[] unexpected;
    private long arrivals;
    private final long[] queuedBySource;
    private RuntimeException failure;

    /** A mailbox for messages from {@code sources} channel ranks (the channel's size). */
    @SuppressWarnings("unchecked")
    public Mailbox(int sources) {
        this.queuedBySource = new long[Math.max(1, sources)];
        this.unexpected = new ArrayDeque[Math.max(1, sources)];
    }

    /** The queue of {@code source}'s unexpected messages, made (and the table grown) on first use. */
    private ArrayDeque<Message> queueOf(int source) {
        if (source < 0) {
            throw new IllegalArgumentException("a message from source " + source + ": sources are ranks, >= 0");
        }
        if (source >= unexpected.length) {
            unexpected = java.util.Arrays.copyOf(unexpected, Math.max(source + 1, 2 * unexpected.length));
        }
        ArrayDeque<Message> q = unexpected[source];
        if (q == null) {
            q = new ArrayDeque<>();
            unexpected[source] = q;
        }
        return q;
    }

    /**
     * The earliest queued message that {@code r} matches (from its source's queue, or the earliest
     * of every source's first match for {@link #ANY_SOURCE}); removed from its queue if {@code take}.
     */
    private Message firstMatch(Receive r, boolean take) {
        if (r.source != ANY_SOURCE) {
            ArrayDeque<Message> q = r.source < unexpected.length ? unexpected[r.source] : null;
            return q == null ? null : firstMatch(q, r, take);
        }
        Message best = null;
        for (ArrayDeque<Message> q : unexpected) {
            Message m = q == null ? null : firstMatch(q, r, false);
            if (m != null && (best == null || m.seq < best.seq)) {
                best = m;
            }
        }
        if (best != null && take) {
            unexpected[best.source].removeFirstOccurrence(best);
        }
        return best;
    }

    private static Message firstMatch(ArrayDeque<Message> q, Receive r, boolean take) {
        for (Iterator<Message> it = q.iterator(); it.hasNext(); ) {
            Message m = it.next();
            if (matches(r, m.source, m.comm, m.tag)) {
                if (take) {
                    it.remove();
                }
                return m;
            }
        }
        return null;
    }

    private static boolean matches(Receive r, int source, int comm, int tag) {
        return r.comm == comm && (r.source == ANY_SOURCE || r.source == source)
                && (r.tag == ANY_TAG ? tag >= 0 : r.tag == tag);
    }

    /**
     * Posts a receive into the bytes between {@code into}'s position and limit (its position is not
     * moved). It completes at once if a matching message is queued.
     *
     * @param candidates the channel ranks that may send the message (see {@link Receive#candidates()})
     */
    public synchronized Receive post(int comm, int source, int tag, ByteBuffer into, boolean exact, int[] candidates) {
        Receive r = new Receive(comm, source, tag, into, exact, false, candidates);
        if (failure != null) {
            r.finish(null, failure);
            return r;
        }
        Message m = firstMatch(r, true);
        if (m != null) {
            unqueue(m);
            if (m.complete) {
                deliverQueued(r, m);
            } else {
                r.claimed = true;
                m.taker = r;
            }
            return r;
        }
        posted.add(r);
        return r;
    }

    /**
     * Posts a probe: it completes with the envelope of the first matching message, queued or yet to
     * come, without receiving it.
     */
    public synchronized Receive probe(int comm, int source, int tag, int[] candidates) {
        Receive r = new Receive(comm, source, tag, null, false, true, candidates);
        Envelope queued = peek(comm, source, tag);
        if (failure != null) {
            r.finish(null, failure);
        } else if (queued != null) {
            r.finish(queued, null);
        } else {
            posted.add(r);
        }
        return r;
    }

    /** The envelope of the first queued message that matches, or null: a non-blocking probe. */
    public synchronized Envelope peek(int comm, int source, int tag) {
        Message m = firstMatch(new Receive(comm, source, tag, null, false, true, new int[0]), false);
        return m == null ? null : new Envelope(m.source, m.tag, m.data.length);
    }

    /**
     * Withdraws a receive that nothing has been written into yet (a timeout, a cancel). Returns false
     * if a message is already being written into it: then wait for it to complete.
     */
    public synchronized boolean withdraw(Receive r) {
        if (r.claimed || r.done) {
            return !r.claimed && r.done;
        }
        posted.removeFirstOccurrence(r);
        r.finish(null, new FmiException("receive withdrawn"));
        notifyAll();
        return true;
    }

    /**
     * Withdraws {@code r} with {@code cause} as its outcome, unless a message is already being
     * written into it (a deadline passed, the backend failed). Returns whether it was withdrawn.
     */
    public synchronized boolean fail(Receive r, RuntimeException cause) {
        if (r.claimed || r.done) {
            return false;
        }
        posted.removeFirstOccurrence(r);
        r.finish(null, cause);
        notifyAll();
        return true;
    }

    /**
     * A message of {@code length} bytes from channel rank {@code source} on communicator {@code comm}
     * with {@code tag} is arriving: returns where to write it. Messages from one source must arrive
     * (this call) in the order they were sent.
     */
    public Landing arrive(int source, int comm, int tag, int length) {
        return arrive(source, comm, tag, length, Long.MAX_VALUE);
    }

    /**
     * {@link #arrive(int, int, int, int)}, refusing to queue a message that no receive waits for
     * when it is longer than {@code maxQueued} bytes (a corrupt or hostile length must not allocate
     * gigabytes).
     *
     * @throws MessageSizeException naming the source, tag, length and limit, if the message would be
     *                              queued and is longer than {@code maxQueued}
     */
    public synchronized Landing arrive(int source, int comm, int tag, int length, long maxQueued) {
        Receive probed = null;
        for (Iterator<Receive> it = posted.iterator(); it.hasNext(); ) {
            Receive r = it.next();
            if (!matches(r, source, comm, tag)) {
                continue;
            }
            it.remove();
            if (r.probe) {
                r.finish(new Envelope(source, tag, length), null);
                probed = r;
                continue;
            }
            int room = r.into.remaining();
            if (length > room || (r.exact && length != room)) {
                // the message is consumed by this receive, which fails once the bytes are read; they
                // are read through a small buffer and dropped, however long the message says it is
                r.claimed = true;
                return new Landing(null, r, ByteBuffer.allocate(Math.min(length, DISCARD_CHUNK)),
                        new Envelope(source, tag, length), true);
            }
            r.claimed = true;
            return new Landing(null, r, r.into.slice(r.into.position(), length), new Envelope(source, tag, length), false);
        }
        if (probed != null) {
            notifyAll();
        }
        if (length > maxQueued) {
            throw new MessageSizeException("rank " + source + " sent a message of " + length + " bytes (tag " + tag
                    + ") that no receive waits for, more than the " + maxQueued + " bytes a message may take in the"
                    + " queue; post its receive before it arrives (irecv), or give the function more memory",
                    maxQueued, length);
        }
        // pooled, and given back once delivered: a reduce's root gets most messages before it asks
        Message m = new Message(source, comm, tag, io.fmi.collective.Scratch.take(length), arrivals++);
        queueOf(source).add(m);
        if (source >= 0 && source < queuedBySource.length) {
            queuedBySource[source] += length;
        }
        return new Landing(m, null, ByteBuffer.wrap(m.data), new Envelope(source, tag, length), false);
    }

    /** Delivers a whole message that is already in memory (self-sends, object-store downloads). */
    public void deliver(int source, int comm, int tag, ByteBuffer data) {
        Landing landing = arrive(source, comm, tag, data.remaining());
        if (!landing.discard()) {
            landing.target().put(data.duplicate());
        }
        landing.complete();
    }

    private synchronized void completed(Landing landing) {
        if (landing.message != null) {
            Message m = landing.message;
            m.complete = true;
            if (m.taker != null) {
                deliverQueued(m.taker, m);
            }
        } else if (landing.misfit) {
            Envelope e = landing.envelope;
            landing.receive.finish(null, sizeError(landing.receive, e.length(), e.source(), e.tag()));
        } else {
            landing.receive.finish(landing.envelope, null);
        }
        notifyAll();
    }

    private void deliverQueued(Receive r, Message m) {
        int length = m.data.length;
        int room = r.into.remaining();
        if (length > room || (r.exact && length != room)) {
            r.finish(null, sizeError(r, length, m.source, m.tag));
            return;
        }
        r.into.put(r.into.position(), m.data);
        io.fmi.collective.Scratch.give(m.data);
        r.finish(new Envelope(m.source, m.tag, length), null);
    }

    private static MessageSizeException sizeError(Receive r, int length, int source, int tag) {
        int room = r.into.remaining();
        String what = length > room ? "longer than" : "shorter than";
        return new MessageSizeException("rank " + source + " sent " + length + " bytes (tag " + tag + "), "
                + what + " the receiving buffer of " + room + " bytes; nothing was written into it."
                + (length > room ? " Receive into a buffer of at least " + length + " bytes (probe tells the size)"
                        : " Sender and receiver must use buffers of the same length"),
                room, length);
    }

    private void unqueue(Message m) {
        if (m.source >= 0 && m.source < queuedBySource.length) {
            queuedBySource[m.source] -= m.data.length;
        }
    }

    /** Bytes queued (received, or arriving, with no receive yet) from {@code source}. */
    public synchronized long queuedBytes(int source) {
        return source >= 0 && source < queuedBySource.length ? queuedBySource[source] : 0;
    }

    /** Whether any receive or probe is posted (waiting for a message). */
    public synchronized boolean hasPosted() {
        return !posted.isEmpty();
    }

    /**
     * Fails every posted receive, and every receive posted from now on, with {@code cause} (the
     * communicator was aborted or its channel closed).
     */
    public synchronized void fail(RuntimeException cause) {
        if (failure == null) {
            failure = cause;
        }
        for (Receive r : posted) {
            if (!r.claimed) {
                r.finish(null, cause);
            }
        }
        posted.removeIf(Receive::done);
        notifyAll();
    }

    /**
     * Fails the posted receives that wait for {@code source} (a receive from any source is left to
     * the others that may still send it).
     */
    public synchronized void failSource(int source, RuntimeException cause) {
        for (Iterator<Receive> it = posted.iterator(); it.hasNext(); ) {
            Receive r = it.next();
            if (r.source == source && !r.claimed) {
                it.remove();
                r.finish(null, cause);
            }
        }
        notifyAll();
    }

    /**
     * Waits until {@code r} is done, for channels whose messages arrive from other threads (the
     * in-memory channel): returns its envelope or throws its failure; withdraws it and throws an
     * {@link FmiTimeoutException} at the deadline unless a message is already being written into it.
     */
    public Envelope await(Receive r, Deadline deadline, String what) {
        synchronized (this) {
            while (!r.done) {
                long left = deadline.remainingNanos();
                if (left == 0 && withdraw(r)) {
                    throw new FmiTimeoutException(what + " did not arrive within " + deadline.budget().toMillis() + " ms");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left == 0 ? 1_000_000 : left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    withdraw(r);
                    throw new FmiException("interrupted while waiting for " + what, e);
                }
            }
        }
        return r.envelope();
    }

    /** Describes what {@code r} waits for, for timeout messages. */
    public static String describe(Receive r) {
        return (r.probe ? "probe for " : "") + "a message from "
                + (r.source == ANY_SOURCE ? "any rank" : "rank " + r.source)
                + " with " + (r.tag == ANY_TAG ? "any tag" : "tag " + r.tag);
    }
}
