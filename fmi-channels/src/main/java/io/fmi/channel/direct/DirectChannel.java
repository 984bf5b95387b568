package io.fmi.channel.direct;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import io.fmi.spi.PeerToPeerChannel;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Direct channel: TCP connections between functions, opened by hole punching through the
 * rendezvous server ({@link HolePuncher}).
 *
 * <p>Connections are made lazily, one per peer pair, in the background: the first send to or
 * receive from a peer starts the pairing, a send before the connection exists is queued (copied)
 * and flushed in order once it does, so peers that all send first and receive later never wait on
 * each other's pairing. Frames ({@link Frames}) carry a 16-byte header (communicator id, tag,
 * length) and optionally a CRC32C; every frame goes to the channel's {@link Mailbox}, which matches
 * it to a posted receive (wildcards included) or queues it. A receive from any source starts pairing
 * with every member of its communicator that is not connected yet.
 *
 * <p>Data path: non-blocking JDK sockets on one selector per channel (epoll on Linux), driven by the
 * calling thread while it is inside {@code send}/{@code recv} and by a background driver when the
 * channel is idle ({@link Progress}). A send returns when its bytes are in the socket or in the
 * connection's 128 KiB outbox ({@link FrameWriter}; the buffer may then be reused); a receive that
 * is waiting gets its message written straight into its buffer.
 * This deliberately deviates from a Netty data path: with Netty, every message was handed from an
 * event-loop thread to the waiting thread, which measured 3–9× the latency of a blocking socket on
 * two cores; the rendezvous server remains Netty. A lost connection fails the operations on that
 * peer at once with a {@link ChannelException}.
 */
public final class DirectChannel implements PeerToPeerChannel {
    /** The backend name. */
    public static final String NAME = "Direct";

    private static final Logger LOG = LoggerFactory.getLogger(DirectChannel.class);
    private static final long MAX_WAIT_MS = 1000;
    /** See {@code Peer.skipReads}. */
    private static final int SKIPS = 15;
    /** Direct channels open in this JVM: ranks that run as threads of one JVM share its cores. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();
    /** Ranks of this job on this host, as the launcher says ({@link io.fmi.Job#LOCAL_SIZE}); 1 if it does not. */
    private static final int LOCAL_RANKS = localRanks(System.getenv(io.fmi.Job.LOCAL_SIZE));
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final DirectSettings settings;
    private ChannelContext context;
    private Peer[] peers;
    /** The outboxes of this channel's connections, lent while a connection has bytes to write. */
    private final FrameWriter.Outboxes outboxes = new FrameWriter.Outboxes();
    private Progress progress;
    private Mailbox mailbox;
    /** The receive the calling thread waits for, if any: the readers return to it once it is done. */
    private Mailbox.Receive waiting;
    /** The peer the waiting receive waits for; null while it takes any source. */
    private Peer waitingFor;
    private boolean closed;

    DirectChannel(DirectSettings settings) {
        this.settings = settings;
    }

    /**
     * One remote peer: its connection (once made), what waits to be written to it, and what it sent
     * us. Only the holder of the progress lock touches it.
     */
    private final class Peer {
        final int rank;
        final FrameReader reader;
        /** When to stop reading the socket: the waiting receive is done, or too much is queued. */
        final BooleanSupplier enough = () -> (waiting != null && waiting.done() && !mailbox.hasPosted()) || paused();
        /** Frames to write in order; before the connection exists they are copies. */
        final FrameWriter writer = new FrameWriter(outboxes, settings.inPlace);
        SocketChannel socket;
        SelectionKey key;
        boolean pairing;
        /** The pairing under way, cancelled by close(). */
        HolePuncher.Attempt pairingTask;
        RuntimeException failure;
        /** Bytes that send() accepted and that were dropped unwritten when this peer failed. */
        long dropped;
        /**
         * How many more receives from this peer wait on the selector without reading the socket
         * first. A receive reads first when the last such read found its message there (exchanges,
         * streams); in a ping-pong the answer is never there yet, and the read is a system call
         * that finds nothing, so after a miss the next {@value #SKIPS} receives do not, then try again.
         */
        int skipReads;
        /** Whether receives from this peer poll before they block. */
        final Spin spin = new Spin();
        /** This peer alone: the candidates of a receive from it, without an array per receive. */
        final Peer[] alone = {this};

        Peer(int rank) {
            this.rank = rank;
            this.reader = new FrameReader(mailbox, rank, settings.inPlace);
        }

        /** Starts pairing in the background unless it is under way; it may last until the later of {@code opDeadline} and the pairing timeout. */
        void start(Deadline opDeadline) {
            if (pairing || socket != null || failure != null) {
                return;
            }
            pairing = true;
            Deadline own = Deadline.after(settings.pairingTimeout);
            Deadline deadline = opDeadline.remainingNanos() > own.remainingNanos() ? opDeadline : own;
            int me = context.rank();
            String pairingName = context.communicatorName() + "/" + Math.min(me, rank) + "-" + Math.max(me, rank);
            long started = System.nanoTime();
            int side = me < rank ? 0 : 1;
            pairingTask = HolePuncher.start(settings.server, pairingName, side, settings.secret, deadline,
                    settings.punchTimeout, settings.punch, settings.relay);
            // on the pairing thread: nothing here may block
            pairingTask.result().whenComplete((made, e) -> {
                java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);
                if (e == null) {
                    if (made.relayed()) {
                        context.events().relayed(NAME, rank, made.relayedBecause());
                    }
                    context.events().paired(NAME, rank, took);
                    progress.submit(() -> attach(made.socket()));
                } else {
                    RuntimeException failure = e instanceof RuntimeException r ? r : new ChannelException(e.toString(), e);
                    context.events().pairingFailed(NAME, rank, took, failure);
                    progress.submit(() -> fail(failure));
                }
            });
        }

        private void attach(SocketChannel made) {
            pairing = false;
            if (closed || failure != null) {
                HolePuncher.close(made);
                return;
            }
            try {
                made.configureBlocking(false);
                made.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (settings.receiveBuffer > 0) {
                    made.setOption(StandardSocketOptions.SO_RCVBUF, settings.receiveBuffer);
                }
                key = progress.register(made, SelectionKey.OP_READ, this);
                socket = made;
                LOG.debug("rank {} connected to rank {} ({})", context.rank(), rank, made.getRemoteAddress());
                flush();
            } catch (IOException e) {
                lost(e);
                HolePuncher.close(made);
            }
        }

        void fail(RuntimeException e) {
            pairing = false;
            if (failure == null) {
                failure = e;
                // receives posted for this peer that nobody drives (non-blocking ones) fail now too
                mailbox.failSource(rank, failure());
            }
            // sends that returned before the connection took their bytes are lost: close() says so
            dropped += writer.unwrittenBytes();
            writer.clear();
        }

        /** The connection broke ({@code cause} null: the peer closed it). */
        void lost(IOException cause) {
            if (!closed) {
                fail(new ChannelException(cause == null
                        ? "Direct: the connection to rank " + rank + " was closed; the peer exited or crashed"
                        : "Direct: the connection to rank " + rank + " failed: " + cause, cause));
            }
            disconnect();
        }

        void disconnect() {
            if (key != null) {
                key.cancel();
            }
            HolePuncher.close(socket);
        }

        RuntimeException failure() {
            return failure instanceof FmiException ? new ChannelException(failure.getMessage(), failure) : failure;
        }

        /**
         * Backpressure: while more than {@code max_queued_mb} from this peer waits for receives that
         * are not posted, its socket is not read (unless a receive waits for this peer), so a sender
         * that runs ahead blocks instead of filling this peer's memory.
         */
        boolean paused() {
            return waitingFor != this && !(waiting != null && waitingFor == null)
                    && mailbox.queuedBytes(rank) >= settings.maxQueued;
        }

        /** Reading unless paused; writing while frames are left. */
        void updateInterest() {
            if (key != null && key.isValid()) {
                key.interestOps((paused() ? 0 : SelectionKey.OP_READ) | (writer.idle() ? 0 : SelectionKey.OP_WRITE));
            }
        }

        /** Writes what the socket takes of the pending frames. */
        void flush() throws IOException {
            writer.flush(socket);
            updateInterest();
        }

        /** {@link #flush()}; a failure to write loses the connection (the caller sees {@link #failure}). */
        void flushOrLose() {
            try {
                flush();
            } catch (IOException e) {
                lost(e);
            }
        }

        /** Reads and decodes what has arrived, returning early once the waiting receive is done. */
        void read() {
            try {
                if (!reader.read(socket, enough)) {
                    lost(null);
                    return;
                }
                updateInterest();
            } catch (IOException e) {
                lost(e);
            }
        }

        void ready(SelectionKey ready) {
            try {
                if (ready.isValid() && ready.isWritable()) {
                    flush();
                }
            } catch (IOException e) {
                lost(e);
            }
            if (ready.isValid() && ready.isReadable()) {
                read();
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Only where this is the JVM's sole Direct channel (a rank per process): see the SPI's measurements. */
    @Override
    public boolean largeBlocksOneAtATime() {
        return OPEN.get() <= 1;
    }

    /**
     * Messages of 128 KiB or more ({@link FrameWriter#OUTBOX}) where Java arrays are read and written
     * in place ({@link HeapSocketIo}; {@code in_place} not false); smaller heap messages are copied
     * into an outbox per connection, so a staged copy shared by every destination costs less.
     */
    @Override
    public boolean movesHeapInPlace(long bytes) {
        return bytes >= FrameWriter.OUTBOX && settings.inPlace && HeapSocketIo.unavailable() == null;
    }

    /** How many Direct channels are open in this JVM (a test's view). */
    static int openInThisJvm() {
        return OPEN.get();
    }

    @Override
    public void open(ChannelContext context) {
        if (this.context != null) {
            throw new FmiException("Direct channel is already open; create one channel per peer");
        }
        this.context = context;
        OPEN.incrementAndGet();
        this.mailbox = new Mailbox(context.size());
        this.peers = new Peer[context.size()];
        for (int r = 0; r < peers.length; r++) {
            peers[r] = new Peer(r);
        }
        this.progress = new Progress("fmi-direct-" + context.communicatorName() + "-" + context.rank(),
                key -> ((Peer) key.attachment()).ready(key));
        if (context.rank() == 0 && LOG.isDebugEnabled()) {
            String why = settings.inPlace ? HeapSocketIo.unavailable() : "in_place is false";
            LOG.debug("Direct: large Java arrays are read and written {}", why == null ? "in place"
                    : "through the JDK's copies (" + why + ")");
        }
        if (settings.eager) {
            Deadline deadline = Deadline.after(settings.pairingTimeout);
            progress.enter();
            try {
                for (Peer p : peers) {
                    if (p.rank != context.rank()) {
                        p.start(deadline);
                    }
                }
            } finally {
                progress.exit();
            }
        }
    }

    @Override
    public Mailbox mailbox() {
        return mailbox;
    }

    private Peer peer(int rank) {
        if (rank == context.rank()) {
            throw new FmiException("Direct: rank " + rank + " cannot open a connection to itself");
        }
        if (closed) {
            throw new FmiException("Direct: the channel is closed");
        }
        return peers[rank];
    }

    /**
     * One frame: written at once when the socket takes it (a small message always does), without
     * the arrays of {@link #sendAll}; else it waits as theirs do.
     */
    @Override
    public void send(int dest, int comm, int tag, ByteBuffer data, Deadline deadline) {
        Peer to;
        ByteBuffer[] frame;
        progress.enter();
        try {
            to = peer(dest);
            if (to.failure != null) {
                throw to.failure();
            }
            frame = queue(to, comm, tag, data, deadline);
            if (to.socket != null) {
                to.flushOrLose();
            }
            if (frame == null || Frames.written(frame)) {
                return;
            }
        } finally {
            progress.exit();
        }
        awaitWritten(to.alone, new ByteBuffer[][] {frame}, new ByteBuffer[] {data}, deadline);
    }

    /**
     * Queues every frame on its connection at once and writes to whichever socket has room, so an
     * allgather's or alltoall's block to a rank that is slow to read (on a host whose ranks share the
     * cores: not scheduled yet) does not hold up the blocks to the others. Each connection is written
     * as soon as its frame is queued: a frame copied into an outbox ({@link FrameWriter#copyIn})
     * that its socket takes at once gives the outbox back before the next destination needs one, so
     * an exchange with every rank uses one outbox, not one per rank (with one per rank, an alltoall
     * of 8 bytes on 8 processes made three new 128 KiB direct buffers a call, which only a GC frees:
     * 8 ms a call instead of 0.5).
     */
    @Override
    public void sendAll(int[] dests, int comm, int tag, ByteBuffer[] data, Deadline deadline) {
        Peer[] to = new Peer[dests.length];
        // null once handed over: queued as a copy before the connection exists, or written
        ByteBuffer[][] frames = new ByteBuffer[dests.length][];
        progress.enter();
        try {
            for (int i = 0; i < dests.length; i++) {
                to[i] = peer(dests[i]);
                if (to[i].failure != null) {
                    throw to[i].failure();
                }
            }
            for (int i = 0; i < dests.length; i++) {
                frames[i] = queue(to[i], comm, tag, data[i], deadline);
                if (to[i].socket != null) {
                    to[i].flushOrLose();
                }
            }
        } finally {
            progress.exit();
        }
        awaitWritten(to, frames, data, deadline);
    }

    /**
     * Queues a frame of {@code data} for {@code to}: copied into the connection's outbox if it fits
     * there ({@link FrameWriter#copyIn}), or as a copy if the connection does not exist yet (pairing
     * starts) — then returns null: nothing to wait for — else the frame itself, which the caller
     * waits to be written.
     */
    private ByteBuffer[] queue(Peer to, int comm, int tag, ByteBuffer data, Deadline deadline) {
        if (to.socket != null && to.writer.copyIn(comm, tag, data, settings.checksum)) {
            return null;
        }
        ByteBuffer[] frame = Frames.encode(comm, tag, data, settings.checksum);
        if (to.socket == null) {
            to.writer.add(Frames.copy(frame));
            to.start(deadline);
            return null;
        }
        to.writer.add(frame);
        return frame;
    }

    /**
     * Waits until every frame that is not null is written, or its connection failed. Where the host's
     * ranks outnumber its cores, it first polls and yields its core after each poll, as a receive
     * does ({@link Spin}), for as long as a receive would: the receivers it waits for need that core
     * to read, and a wait in the selector adds a wake-up each time a socket has room again. On a core
     * of its own it polls (without yielding) as long as the sockets keep taking bytes, the budget
     * ({@code spin_us}, default 50 µs) starting over with each write that took some, and blocks once
     * one has taken nothing for a whole budget: the receiver on the other core makes room as fast as
     * the sender fills it.
     */
    private void awaitWritten(Peer[] to, ByteBuffer[][] frames, ByteBuffer[] data, Deadline deadline) {
        long spinUntil = 0;
        long polledAt = -1;
        long pollUntil = 0;
        boolean shared = Spin.sharedCores(LOCAL_RANKS, OPEN.get(), CORES);
        // where cores are shared: still within the yielding polls
        boolean spinning = shared;
        // the lock is taken per iteration, so that other threads' calls get their turn in between
        while (true) {
            progress.enter();
            try {
                RuntimeException failed = null;
                boolean left = false;
                for (int i = 0; i < to.length; i++) {
                    if (frames[i] == null) {
                        continue;
                    }
                    if (Frames.written(frames[i])) {
                        frames[i] = null;
                    } else if (to[i].failure != null) {
                        failed = failed != null ? failed : to[i].failure();
                        frames[i] = null;
                    } else {
                        left = true;
                    }
                }
                if (!left) {
                    if (failed != null) {
                        throw failed;
                    }
                    return;
                }
                long remaining = deadline.remainingMillis();
                if (remaining <= 0) {
                    throw sendTimedOut(to, frames, data, deadline);
                }
                if (!shared) {
                    // on a core of its own: poll while the sockets take the frames, each time the
                    // budget starting over (a wait in the selector adds a wake-up per time a socket
                    // has room again, while the receiver on the other core reads as fast as it comes)
                    long unwritten = unwritten(frames);
                    if (unwritten != polledAt) {
                        polledAt = unwritten;
                        pollUntil = System.nanoTime() + spinNanos(false);
                    }
                    if (System.nanoTime() - pollUntil < 0) {
                        progress.poll(0);
                        Thread.onSpinWait();
                        continue;
                    }
                } else if (spinning) {
                    if (spinUntil == 0) {
                        spinUntil = System.nanoTime() + spinNanos(true);
                    }
                    if (System.nanoTime() - spinUntil < 0) {
                        progress.poll(0);
                        Thread.yield();
                        continue;
                    }
                    spinning = false;
                }
                progress.poll(Math.min(remaining, MAX_WAIT_MS));
            } finally {
                progress.exit();
            }
        }
    }

    /** Bytes of {@code frames} (null: done) still to be written. */
    private static long unwritten(ByteBuffer[][] frames) {
        long bytes = 0;
        for (ByteBuffer[] frame : frames) {
            if (frame != null) {
                for (ByteBuffer part : frame) {
                    bytes += part.remaining();
                }
            }
        }
        return bytes;
    }

    /** Fails and closes every connection whose frame is still unwritten: part of it may be on the wire. */
    private FmiTimeoutException sendTimedOut(Peer[] to, ByteBuffer[][] frames, ByteBuffer[] data, Deadline deadline) {
        FmiTimeoutException first = null;
        for (int i = 0; i < to.length; i++) {
            if (frames[i] == null) {
                continue;
            }
            FmiTimeoutException e = new FmiTimeoutException("Direct: sending " + data[i].remaining() + " bytes to rank "
                    + to[i].rank + " did not complete within " + deadline.budget().toMillis()
                    + " ms (the receiver is not reading?); the connection to it is closed");
            to[i].fail(e);
            to[i].disconnect();
            first = first != null ? first : e;
        }
        return first;
    }

    /** How many outboxes this channel has allocated (a test's view: exchanges with every rank must reuse them). */
    int outboxesMade() {
        progress.enter();
        try {
            return outboxes.made();
        } finally {
            progress.exit();
        }
    }

    /** The receive buffer of the connection to {@code rank} ({@code SO_RCVBUF}; a test's view), or -1 while there is none. */
    int receiveBufferOf(int rank) throws IOException {
        progress.enter();
        try {
            SocketChannel socket = peers[rank].socket;
            return socket == null ? -1 : socket.getOption(StandardSocketOptions.SO_RCVBUF);
        } finally {
            progress.exit();
        }
    }

    /** The peer whose frame is being written into {@code receive}, or null. */
    private static Peer writer(Peer[] from, Mailbox.Receive receive) {
        for (Peer p : from) {
            if (p.reader.writing(receive)) {
                return p;
            }
        }
        return null;
    }

    /** Decodes what every connection has staged or buffered (a receive that finished may have left frames staged). */
    @Override
    public void poll() {
        progress.enter();
        try {
            for (Peer p : peers) {
                if (p.socket != null && p.failure == null) {
                    p.read();
                }
            }
            progress.poll(0);
        } finally {
            progress.exit();
        }
    }

    /** Starts pairing with the receive's candidates and decodes what they have staged. */
    @Override
    public void expect(Mailbox.Receive receive, Deadline deadline) {
        progress.enter();
        try {
            for (int c : receive.candidates()) {
                Peer p = peer(c);
                p.start(deadline);
                if (p.socket != null && p.failure == null && p.reader.staged()) {
                    p.read();
                }
            }
        } finally {
            progress.exit();
        }
    }

    /**
     * Makes progress until the receive is complete; a receive from one peer may poll before it blocks
     * ({@link Spin}: by default up to 50 µs where the host's ranks do not outnumber its cores, else up
     * to 200 µs, yielding the core after every poll). Once its message has started to arrive, it polls
     * for the rest, the budget starting over each time more has come, and blocks only once the sender
     * has sent nothing for a whole budget: between 2 processes on 2 cores a bcast of 1 MiB from direct
     * buffers took 109-146 µs against 204-213 blocking for the rest (alternating runs; Open MPI 99),
     * where the selector woke the receive once per piece. Once a frame is being written into the buffer, it waits past the deadline for the rest (up to
     * one more budget), since the data is arriving.
     */
    @Override
    public Mailbox.Envelope await(Mailbox.Receive receive, Deadline deadline) {
        int[] candidates = receive.candidates();
        Peer[] from;
        progress.enter();
        try {
            from = candidates.length == 1 ? peer(candidates[0]).alone : new Peer[candidates.length];
            for (int i = 0; i < candidates.length; i++) {
                from[i] = peer(candidates[i]);
                from[i].start(deadline);
            }
        } finally {
            progress.exit();
        }
        Peer single = from.length == 1 ? from[0] : null;
        long spinUntil = 0;
        long spinBudget = -1;
        boolean shared = false;
        long overtimeFrom = 0;
        // bytes of the message still to come when its arrival was last seen
        int arriving = -1;
        boolean first = true;
        // the lock is taken per iteration, so that other threads' calls get their turn in between
        while (!receive.done()) {
            progress.enter();
            try {
                waiting = receive;
                waitingFor = single;
                // frames left staged when an earlier receive finished are decoded first
                for (Peer p : from) {
                    if (first) {
                        p.updateInterest();
                    }
                    if (p.socket == null || p.failure != null || receive.done()) {
                        continue;
                    }
                    if (first && single != null && !p.reader.staged()) {
                        if (p.skipReads > 0) {
                            p.skipReads--;
                            continue;
                        }
                        p.read();
                        p.skipReads = receive.done() ? 0 : SKIPS;
                    } else if (first || p.reader.staged()) {
                        p.read();
                    }
                }
                first = false;
                if (receive.done()) {
                    break;
                }
                RuntimeException failed = failure(from);
                if (failed != null) {
                    mailbox.withdraw(receive);
                    throw failed;
                }
                long left = deadline.remainingMillis();
                if (left <= 0) {
                    if (mailbox.withdraw(receive)) {
                        throw new FmiTimeoutException(timeoutMessage(single, receive, deadline));
                    }
                    // the deadline passed while a message was being written into the receive: its
                    // sender gets one more budget to finish, then counts as lost (with one candidate
                    // or many: a wildcard receive must not hang on a sender that stalled either)
                    if (overtimeFrom == 0) {
                        overtimeFrom = System.nanoTime();
                    } else if (System.nanoTime() - overtimeFrom > deadline.budget().toNanos()) {
                        Peer stalled = writer(from, receive);
                        if (stalled != null) {
                            stalled.lost(new IOException("a message stalled half-way for "
                                    + 2 * deadline.budget().toMillis() + " ms"));
                            throw stalled.failure();
                        }
                    }
                }
                if (spinBudget < 0) {
                    shared = Spin.sharedCores(LOCAL_RANKS, OPEN.get(), CORES);
                    spinBudget = single != null && single.socket != null ? single.spin.budget(spinNanos(shared)) : 0;
                    spinUntil = System.nanoTime() + spinBudget;
                }
                if (single != null && single.reader.writing(receive) && single.reader.left() != arriving) {
                    // more of the message has come: poll for the rest, the budget starting over
                    arriving = single.reader.left();
                    single.spin.hit();
                    spinBudget = spinNanos(shared);
                    spinUntil = System.nanoTime() + spinBudget;
                }
                if (spinBudget > 0) {
                    if (System.nanoTime() - spinUntil < 0) {
                        progress.poll(0);
                        if (shared) {
                            // the peer this waits for may need this core: let it run first
                            Thread.yield();
                        } else {
                            Thread.onSpinWait();
                        }
                        continue;
                    }
                    if (!single.reader.writing(receive)) {
                        single.spin.miss(settings.spin == null && !shared);
                    }
                    spinBudget = 0;
                }
                progress.poll(left > 0 ? Math.min(left, MAX_WAIT_MS) : 100);
            } finally {
                waiting = null;
                waitingFor = null;
                for (Peer p : from) {
                    p.updateInterest();
                }
                progress.exit();
            }
        }
        if (spinBudget > 0) {
            single.spin.hit();
        }
        return receive.envelope();
    }

    /** How long a receive from one peer may poll now, in ns ({@code shared}: ranks outnumber cores). */
    private long spinNanos(boolean shared) {
        return settings.spin != null ? settings.spin.toNanos() : Spin.defaultNanos(shared);
    }

    private static int localRanks(String variable) {
        try {
            return variable == null ? 1 : Math.max(1, Integer.parseInt(variable.trim()));
        } catch (NumberFormatException e) {
            LOG.warn("{}={} is not a whole number; taken as 1", io.fmi.Job.LOCAL_SIZE, variable);
            return 1;
        }
    }

    /**
     * Why the receive cannot complete: the one peer it waits for failed, or every peer that could
     * send it did (a peer that exited after its work is no error for a receive from any source).
     */
    private static RuntimeException failure(Peer[] from) {
        RuntimeException last = null;
        for (Peer p : from) {
            if (p.failure == null) {
                return null;
            }
            last = p.failure();
        }
        return last;
    }

    private String timeoutMessage(Peer peer, Mailbox.Receive receive, Deadline deadline) {
        if (peer == null) {
            return "Direct: " + Mailbox.describe(receive) + " did not arrive within " + deadline.budget().toMillis() + " ms";
        }
        int src = peer.rank;
        return peer.socket != null
                ? "Direct: " + Mailbox.describe(receive) + " did not arrive within "
                        + deadline.budget().toMillis() + " ms (connected to it)"
                : "Direct: no connection to rank " + src + " within " + deadline.budget().toMillis()
                        + " ms via the rendezvous server " + settings.server + ": either rank " + src
                        + " is not running, or a NAT between you is symmetric, which defeats hole punching"
                        + (settings.relay ? " and the relay through the rendezvous server did not connect either"
                        : " (turn on backends.Direct.relay, or use a storage channel for this job)");
    }

    /**
     * Closes every connection after flushing what this peer sent; sends still waiting for their
     * connection get up to {@code close_grace} (default 10 s) to be delivered.
     */
    @Override
    public void close() {
        close(settings.closeGrace);
    }

    /**
     * Sends an abort frame with {@code reason} over every open connection (within 2 s in all):
     * those peers fail every receive with an {@link io.fmi.FmiAbortedException} at once. Peers this
     * one never connected to find out when they next try to reach it (its connections are gone).
     */
    @Override
    public void abort(String reason) {
        if (progress == null || closed) {
            return;
        }
        byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.wrap(text, 0, Math.min(text.length, Frames.MAX_ABORT_BYTES));
        Deadline deadline = Deadline.after(java.time.Duration.ofSeconds(2));
        for (Peer peer : peers) {
            boolean connected;
            progress.enter();
            try {
                connected = peer != null && peer.socket != null && peer.failure == null;
            } finally {
                progress.exit();
            }
            if (connected) {
                try {
                    send(peer.rank, Frames.ABORT_COMM, 0, payload.duplicate(), deadline);
                } catch (RuntimeException e) {
                    LOG.debug("rank {}: the abort frame to rank {} was not delivered: {}", context.rank(), peer.rank,
                            e.toString());
                }
            }
        }
    }

    /** The job failed: close without waiting {@code close_grace} for peers to read what was sent. */
    @Override
    public void abandon() {
        close(java.time.Duration.ZERO);
    }

    private void close(java.time.Duration graceTime) {
        String lost;
        if (progress == null) {
            closed = true;
            return;
        }
        progress.enter();
        try {
            if (closed) {
                return;
            }
            Deadline grace = Deadline.after(graceTime);
            while (!grace.expired() && undelivered()) {
                progress.poll(Math.min(grace.remainingMillis(), 100));
            }
            lost = lostMessages();
            closed = true;
            OPEN.decrementAndGet();
            for (Peer p : peers) {
                if (p.pairingTask != null) {
                    // a pairing still waiting for its peer (at the rendezvous server, or punching)
                    // ends now, not at its deadline, closing its sockets
                    p.pairingTask.cancel();
                }
                if (p.socket != null && p.failure == null) {
                    // read what has arrived, so that closing does not reset the connection under the peer
                    p.read();
                    try {
                        p.socket.shutdownOutput();
                    } catch (IOException e) {
                        LOG.debug("shutdown of the connection to rank {} failed", p.rank, e);
                    }
                }
                p.disconnect();
            }
        } finally {
            progress.exit();
        }
        progress.close();
        if (lost != null) {
            throw new ChannelException("Direct: rank " + context.rank() + " closed its channel with messages that"
                    + " send() had accepted but that never reached their receivers: " + lost + "; those receivers"
                    + " did not get them (a send returns once its bytes are queued for the connection)");
        }
    }

    /** What sends accepted and no connection carried: dropped by failed peers, or still queued after the grace. */
    private String lostMessages() {
        StringBuilder lost = new StringBuilder();
        for (Peer p : peers) {
            long queued = p.failure == null ? p.writer.unwrittenBytes() : 0;
            if (p.dropped + queued == 0) {
                continue;
            }
            lost.append(lost.length() == 0 ? "" : "; ").append(p.dropped + queued).append(" bytes (with frame headers) to rank ")
                    .append(p.rank).append(" (").append(queued > 0 ? "still not taken by the connection after"
                    + " close_grace" : p.failure.getMessage()).append(')');
        }
        return lost.length() == 0 ? null : lost.toString();
    }

    private boolean undelivered() {
        for (Peer p : peers) {
            if (p.failure == null && !p.writer.idle()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "DirectChannel[rendezvous " + settings.server + "]";
    }
}
