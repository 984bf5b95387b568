package io.fmi;

import io.fmi.collective.Call;
import io.fmi.collective.ChannelMessages;
import io.fmi.collective.Group;
import io.fmi.collective.Messages;
import io.fmi.collective.Collectives;
import io.fmi.collective.DirectScratch;
import io.fmi.collective.Combiner;
import io.fmi.collective.ObjectStoreCollectives;
import io.fmi.collective.PeerToPeerCollectives;
import io.fmi.model.ChannelModel;
import io.fmi.model.ChannelPolicy;
import io.fmi.model.Estimate;
import io.fmi.model.Explanation;
import io.fmi.model.ModelParameters;
import io.fmi.model.ObjectStoreModel;
import io.fmi.model.PeerToPeerModel;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.ChannelEvents;
import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import io.fmi.spi.ObjectStoreChannel;
import io.fmi.spi.PeerToPeerChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Communicator} does behind its overloads: argument checks, channel choice,
 * sequence numbers, deadlines, self-messages and error context. One instance per communicator;
 * communicators derived with {@code split}/{@code dup} share the channels ({@link Shared}) of the
 * communicator the builder made, and are told apart by their {@link Group} id. Not thread-safe
 * (operations of one communicator are called from one thread at a time, as in MPI).
 */
final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Communicator.class);
    /**
     * Point-to-point messages of a communicator all go through one channel (MPI's non-overtaking
     * rule needs one ordered path per pair, and a receive does not know the size it will get): the
     * one pinned for {@link Operation#SEND}, else the policy's choice for a send of this size.
     */
    static final long P2P_NOMINAL_BYTES = 64 * 1024;

    /** A configured channel, shared by every communicator derived from the one that opened it. */
    static class Opened {
        final String name;
        final Channel channel;
        final Duration timeout;
        final ChannelModel model;
        /** Failure detection of a storage channel with a heartbeat, else null. */
        final io.fmi.collective.Liveness liveness;

        Opened(String name, Channel channel, Duration timeout, ChannelModel model,
               io.fmi.collective.Liveness liveness) {
            this.name = name;
            this.channel = channel;
            this.timeout = timeout;
            this.model = model;
            this.liveness = liveness;
        }
    }

    /** What the communicators of one builder share: the opened channels and the id allocator. */
    static final class Shared {
        final ChannelContext context;
        final Map<String, Opened> channels = new LinkedHashMap<>();
        final int memoryMiB;
        final double gibSecondPrice;
        final ChannelPolicy policy;
        /** The lowest communicator id this peer has not used; agreed on by every split and dup. */
        int nextId = 1;
        boolean closed;
        /** Whether an operation lost a peer or passed its deadline: close() then does not wait for readers. */
        volatile boolean failed;
        /** Set when this peer aborted the job: every operation fails with it. */
        volatile FmiAbortedException aborted;
        /** Whether a failed operation aborts the job for every peer. */
        volatile boolean abortOnFailure;
        /** Observed ÷ predicted times per channel, and the factors the peers agreed on. */
        final Corrections corrections = new Corrections();
        /** Told of every operation of every communicator sharing these channels. */
        volatile FmiEventListener listener = FmiEventListener.NONE;

        Shared(int rank, int size, String name, String namespace, int memoryMiB, double gibSecondPrice,
               ChannelPolicy policy) {
            // the channels report to whichever listener is set when they report
            this.context = new ChannelContext(rank, size, name, namespace, new ChannelEvents() {
                @Override
                public void paired(String channel, int peer, Duration took) {
                    listener.paired(channel, rank, peer, took);
                }

                @Override
                public void relayed(String channel, int peer, String why) {
                    corrections.relayed(channel);
                    listener.relayed(channel, rank, peer, why);
                }

                @Override
                public void pairingFailed(String channel, int peer, Duration took, RuntimeException error) {
                    listener.pairingFailed(channel, rank, peer, took, error);
                }

                @Override
                public void retried(String channel, String request, int attempt, String why) {
                    listener.retried(channel, rank, request, attempt, why);
                }

                @Override
                public void peerGone(String channel, int peer, String why) {
                    listener.peerGone(channel, rank, peer, why);
                }
            });
            this.memoryMiB = memoryMiB;
            this.gibSecondPrice = gibSecondPrice;
            this.policy = policy;
        }
    }

    /** A channel the engine can route operations to, with this communicator's algorithms on it. */
    static final class Route extends Opened {
        final Collectives collectives;

        Route(Opened opened, Collectives collectives) {
            super(opened.name, opened.channel, opened.timeout, opened.model, opened.liveness);
            this.collectives = collectives;
        }
    }

    private final Shared shared;
    private final Group group;
    private final int rank;
    private final int size;
    private final String name;
    private final boolean root;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    /** The one route, once chosen while there is only one (found once, not per operation). */
    private Route only;
    private final Map<Operation, String> pins;
    private volatile Hint hint;
    /** Sequence numbers of collectives: taken in the order the caller issues them, the same on every rank. */
    private final java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
    /** The sequence number reserved for the non-blocking collective running in this thread, if any. */
    private static final ThreadLocal<Long> RESERVED = new ThreadLocal<>();
    /** Runs this communicator's non-blocking sends one after another, so that they keep their order. */
    private java.util.concurrent.ExecutorService sender;
    private volatile boolean closed;

    Engine(int rank, int size, String name, String namespace, int memoryMiB, double gibSecondPrice,
           ChannelPolicy policy, Hint hint) {
        this(new Shared(rank, size, name, namespace, memoryMiB, gibSecondPrice, policy), Group.world(rank, size), name,
                hint, new EnumMap<>(Operation.class), true);
    }

    private Engine(Shared shared, Group group, String name, Hint hint, Map<Operation, String> pins, boolean root) {
        this.shared = shared;
        this.group = group;
        this.rank = group.rank();
        this.size = group.size();
        this.name = name;
        this.hint = hint;
        this.pins = pins;
        this.root = root;
        shared.channels.values().forEach(this::route);
    }

    private void route(Opened opened) {
        Channel channel = opened.channel;
        Collectives collectives = channel instanceof PeerToPeerChannel
                ? new PeerToPeerCollectives(new ChannelMessages((PeerToPeerChannel) channel, group), rank, size)
                : new ObjectStoreCollectives((ObjectStoreChannel) channel, group, opened.liveness);
        routes.put(opened.name, new Route(opened, collectives));
    }

    /**
     * Opens {@code channel} for this peer and adds it; on failure the channel is closed again.
     * {@code model} predicts its costs; null means the defaults for its name and kind.
     */
    void add(String channelName, Channel channel, Duration timeout, ChannelModel model) {
        if (!root) {
            throw new FmiConfigException("channels are added to the communicator the builder made, not to '" + name
                    + "', which was derived from it");
        }
        if (routes.containsKey(channelName)) {
            throw new FmiConfigException("channel '" + channelName + "' is registered twice on communicator '"
                    + name + "'");
        }
        if (!(channel instanceof PeerToPeerChannel) && !(channel instanceof ObjectStoreChannel)) {
            throw new FmiConfigException("channel '" + channelName + "' (" + channel.getClass().getName()
                    + ") implements neither PeerToPeerChannel nor ObjectStoreChannel");
        }
        try {
            channel.open(shared.context);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        ChannelModel m = model != null ? model : channel instanceof PeerToPeerChannel
                ? new PeerToPeerModel(ModelParameters.of(channelName, true, Map.of()))
                : new ObjectStoreModel(ModelParameters.of(channelName, false, Map.of()), 0.01, 0.2);
        io.fmi.collective.Liveness liveness = null;
        if (channel instanceof ObjectStoreChannel && !((ObjectStoreChannel) channel).heartbeat().isZero()) {
            liveness = new io.fmi.collective.Liveness((ObjectStoreChannel) channel, shared.context);
            try {
                liveness.start();
            } catch (RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
        }
        Opened opened = new Opened(channelName, channel, timeout, m, liveness);
        shared.channels.put(channelName, opened);
        route(opened);
    }

    Hint hint() {
        return hint;
    }

    void hint(Hint newHint) {
        this.hint = newHint;
    }

    void pin(Operation op, String channelName) {
        if (!routes.containsKey(channelName)) {
            throw new FmiConfigException("cannot pin " + op.label() + " to channel '" + channelName
                    + "': it is not configured; configured channels are " + routes.keySet());
        }
        pins.put(op, channelName);
    }

    Map<String, Map<String, Long>> requestCounts() {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        routes.forEach((channelName, route) -> counts.put(channelName, Map.copyOf(route.channel.requestCounts())));
        return counts;
    }

    List<String> channelNames() {
        return new ArrayList<>(routes.keySet());
    }

    boolean hasChannels() {
        return !routes.isEmpty();
    }

    /** Every channel's estimate for {@code op}, in configuration order. */
    private List<Estimate> estimates(Operation op, long bytes) {
        List<Estimate> estimates = new ArrayList<>(routes.size());
        double gib = shared.memoryMiB / 1024.0;
        for (Route route : routes.values()) {
            ChannelModel model = route.model;
            double relayedPairs = shared.corrections.relayedPairs(route.name);
            if (relayedPairs > 0 && model instanceof PeerToPeerModel) {
                model = ((PeerToPeerModel) model).relayed(relayedPairs);
            }
            ChannelModel.Cost cost = model.cost(op, bytes, size);
            double factor = shared.corrections.factor(route.name);
            double seconds = Double.isNaN(factor) ? cost.seconds() : cost.seconds() * factor;
            double faas = seconds * gib * shared.gibSecondPrice * size;
            // every peer's liveness marks written while the operation runs (S3 and DynamoDB charge for them)
            double heartbeat = route.liveness == null ? 0 : io.fmi.model.RequestPrices.heartbeatDollarsPerHour(route.name,
                    route.liveness.interval()) / 3600 * seconds * size;
            estimates.add(new Estimate(route.name, seconds, cost.dollars() + heartbeat, faas, cost.requests(),
                    cost.seconds(), factor));
        }
        return estimates;
    }

    /**
     * Why {@code op} on {@code bytes} per peer goes where it goes. Send and receive always share one
     * choice; the choice depends only on the operation, the size, the hint, the communicator size
     * and the configuration, which every peer shares, so all peers choose alike.
     */
    Explanation explain(Operation op, long bytes) {
        Operation key = op == Operation.RECV ? Operation.SEND : op;
        Hint h = hint;
        List<Estimate> estimates = estimates(key, bytes);
        String pinned = pins.get(key);
        if (pinned != null) {
            return new Explanation(op, bytes, size, h, estimates, pinned, "pinned");
        }
        String chosen = routes.size() == 1 ? routes.keySet().iterator().next() : shared.policy.choose(key, bytes, h, estimates);
        if (!routes.containsKey(chosen)) {
            throw new FmiConfigException("the channel policy chose '" + chosen + "' for " + op.label()
                    + ", which is not one of " + routes.keySet());
        }
        String reason = routes.size() == 1 ? "only channel" : h == Hint.FAST ? "fastest predicted" : "cheapest predicted";
        return new Explanation(op, bytes, size, h, estimates, chosen, reason);
    }

    private Route choose(Operation op, long bytes) {
        Operation key = op == Operation.RECV ? Operation.SEND : op;
        String pinned = pins.get(key);
        Route route;
        if (pinned != null) {
            route = routes.get(pinned);
        } else if (routes.size() == 1) {
            route = only != null ? only : (only = routes.values().iterator().next());
        } else {
            Explanation why = explain(op, bytes);
            route = routes.get(why.chosen());
            if (LOG.isDebugEnabled()) {
                LOG.debug("communicator '{}' rank {}: {}", name, rank, why);
            }
            return route;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("communicator '{}' rank {}: {} of {} bytes on {} ({})", name, rank, op.label(), bytes,
                    route.name, pinned != null ? "pinned" : "only channel");
        }
        return route;
    }

    // ---- argument checks ----

    private void checkOpen(Operation op) {
        FmiAbortedException aborted = shared.aborted;
        if (aborted != null) {
            throw new FmiAbortedException(aborted.abortingRank(), aborted.reason());
        }
        if (shared.closed && !closed) {
            throw new FmiException(op.label() + ": communicator '" + name + "' (rank " + rank
                    + ") was derived from a communicator that is closed; its channels are gone");
        }
        if (closed) {
            throw new FmiException(op.label() + ": communicator '" + name + "' (rank " + rank
                    + ") is closed; create a new communicator");
        }
    }

    private void checkRank(Operation op, String role, int r) {
        if (r < 0 || r >= size) {
            throw new FmiException(op.label() + ": " + role + " " + r + " is not a rank of communicator '" + name
                    + "' (size " + size + "); use a rank in [0, " + size + ")");
        }
    }

    private static Buf required(Operation op, String role, Buf buf) {
        if (buf == null) {
            throw new FmiException(op.label() + ": the " + role + " buffer is null");
        }
        return buf;
    }

    private static void writable(Operation op, String role, Buf buf) {
        if (buf.target instanceof java.nio.ByteBuffer && ((java.nio.ByteBuffer) buf.target).isReadOnly()) {
            throw new FmiException(op.label() + ": the " + role + " ByteBuffer is read-only");
        }
    }

    private static void sameType(Operation op, Buf a, Buf b) {
        if (a.type != b.type) {
            throw new FmiException(op.label() + ": send buffer is " + a.describe() + " but receive buffer is "
                    + b.describe() + "; both must hold the same element type");
        }
    }

    private static void lengths(Operation op, String what, long expected, long actual) {
        if (expected != actual) {
            throw new FmiException(op.label() + ": " + what + " must be " + expected + " elements, is " + actual);
        }
    }

    private void checkSource(Operation op, int r) {
        if (r != Communicator.ANY_SOURCE) {
            checkRank(op, "source", r);
        }
    }

    private static void receiveTag(Operation op, int tag) {
        if (tag != Communicator.ANY_TAG) {
            tag(op, tag);
        }
    }

    private static void tag(Operation op, int tag) {
        if (tag < 0) {
            throw new FmiException(op.label() + ": tag " + tag + " is negative; tags >= 0 are for users,"
                    + " negative tags are reserved for collectives");
        }
    }

    // ---- running an operation ----

    @FunctionalInterface
    private interface Body {
        void run(Collectives collectives, Call call);
    }

    private void run(Operation op, boolean collective, long bytes, Body body) {
        checkOpen(op);
        Route route = choose(op, bytes);
        Long reserved = collective ? RESERVED.get() : null;
        long n = !collective ? 0 : reserved != null ? reserved : seq.incrementAndGet();
        Call call = new Call(op.label(), n, 0, Deadline.after(route.timeout));
        // collectives are timed for the online correction when there is a choice to correct
        long start = collective && routes.size() > 1 ? System.nanoTime() : 0;
        if (shared.listener == FmiEventListener.NONE) {
            // no listener: no closure for observed() to run (one allocation less per operation)
            try {
                body.run(route.collectives, call);
            } catch (FmiException e) {
                throw failed(e, op, n, route);
            }
        } else {
            observed(op, n, bytes, route, () -> {
                body.run(route.collectives, call);
                return null;
            });
        }
        if (start != 0) {
            double predicted = route.model.cost(op, bytes, size).seconds();
            shared.corrections.observe(route.name, (System.nanoTime() - start) / 1e9, predicted);
        }
    }

    /**
     * The online correction: every peer's observations since the last agreement are summed with
     * one allreduce (a collective like any other: every peer calls it at the same point), and each
     * channel's factor becomes the geometric mean of observed ÷ predicted over everything observed
     * so far. Every peer ends with the same factors, so they keep choosing alike.
     */
    void correctModel() {
        if (!root) {
            throw new FmiConfigException("correctModel() is called on the communicator the builder made (the"
                    + " corrections are shared by every communicator derived from it), not on '" + name + "'");
        }
        List<String> names = new ArrayList<>(routes.keySet());
        double[] mine = shared.corrections.pending(names);
        double[] all = new double[mine.length];
        allreduce(Buf.of(mine), Buf.of(all), Op.SUM);
        shared.corrections.agree(names, mine, all);
    }

    /** Runs an operation's body on {@code route}, adding context to its failure and telling the listener. */
    private <T> T observed(Operation op, long n, long bytes, Route route, java.util.function.Supplier<T> body) {
        FmiEventListener listener = shared.listener;
        if (listener == FmiEventListener.NONE) {
            try {
                return body.get();
            } catch (FmiException e) {
                throw failed(e, op, n, route);
            }
        }
        OperationEvent event = new OperationEvent(name, rank, size, op.label(), n, route.name, bytes);
        Map<String, Long> before = route.channel.requestCounts();
        long start = System.nanoTime();
        listener.operationStart(event);
        T result;
        try {
            result = body.get();
        } catch (FmiException e) {
            FmiException failure = failed(e, op, n, route);
            listener.operationFailed(event, java.time.Duration.ofNanos(System.nanoTime() - start), failure);
            throw failure;
        }
        java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - start);
        Map<String, Long> requests = new java.util.TreeMap<>();
        route.channel.requestCounts().forEach((kind, count) -> {
            long made = count - before.getOrDefault(kind, 0L);
            if (made > 0) {
                requests.put(kind, made);
            }
        });
        listener.operationEnd(event, took, requests);
        return result;
    }

    /**
     * An operation failed: its exception with context. A lost peer or a passed deadline marks the
     * job as failed, so that close() does not wait for peers to read what was sent.
     */
    private FmiException failed(FmiException e, Operation op, long n, Route route) {
        if (e instanceof FmiTimeoutException || e instanceof ChannelException || e instanceof FmiAbortedException) {
            shared.failed = true;
            if (shared.abortOnFailure && !(e instanceof FmiAbortedException) && shared.aborted == null) {
                abort(op.label() + " failed on rank " + shared.context.rank() + ": " + e.getMessage());
            }
        }
        return withContext(e, op, n, route);
    }

    void abortOnFailure(boolean abortOnFailure) {
        shared.abortOnFailure = abortOnFailure;
    }

    /**
     * Aborts the job: every channel tells the other peers (storage channels through their abort
     * marks, peer-to-peer channels as they can); from now on every operation here fails.
     */
    void abort(String reason) {
        synchronized (shared) {
            if (shared.aborted != null) {
                return;
            }
            shared.aborted = new FmiAbortedException(shared.context.rank(), reason);
            shared.failed = true;
        }
        for (Opened opened : shared.channels.values()) {
            try {
                if (opened.liveness != null) {
                    opened.liveness.abort(reason);
                } else {
                    opened.channel.abort(reason);
                }
            } catch (RuntimeException e) {
                LOG.warn("rank {}: telling the peers on {} of the abort failed ({}); they find out by their own"
                        + " failure detection or deadline", shared.context.rank(), opened.name, e.toString());
            }
        }
    }

    void listen(FmiEventListener listener) {
        shared.listener = java.util.Objects.requireNonNull(listener, "listener");
    }

    private FmiException withContext(FmiException e, Operation op, long n, Route route) {
        String where = op.label() + (n > 0 ? " #" + n : "") + " on channel '" + route.name + "' (rank " + rank
                + " of " + size + ", communicator '" + name + "'): ";
        String message = where + e.getMessage();
        if (e instanceof FmiTimeoutException) {
            return new FmiTimeoutException(message + ". Check that every rank is running with the same"
                    + " communicator name and size and calls the same operations in the same order; to wait"
                    + " longer raise backends." + route.name + ".max_timeout (now " + route.timeout.toMillis()
                    + " ms)", e);
        }
        if (e instanceof MessageSizeException) {
            MessageSizeException m = (MessageSizeException) e;
            return new MessageSizeException(message, m.expectedBytes(), m.actualBytes());
        }
        if (e instanceof ChannelException) {
            return new ChannelException(message, e);
        }
        if (e instanceof FmiAbortedException) {
            return new FmiAbortedException(message, (FmiAbortedException) e);
        }
        if (e instanceof FmiConfigException) {
            return new FmiConfigException(message, e);
        }
        return new FmiException(message, e);
    }

    // ---- operations ----

    /** The route of every point-to-point message of this communicator (see {@link #P2P_NOMINAL_BYTES}). */
    private Route p2p() {
        return choose(Operation.SEND, P2P_NOMINAL_BYTES);
    }

    /** Runs a point-to-point operation on the route of point-to-point messages. */
    private <T> T point(Operation op, java.util.function.BiFunction<Messages, Deadline, T> body) {
        return point(op, 0, body);
    }

    /** A point-to-point operation moving {@code bytes} (a send's data, a receive's buffer). */
    private <T> T point(Operation op, long bytes, java.util.function.BiFunction<Messages, Deadline, T> body) {
        checkOpen(op);
        Route route = p2p();
        return observed(op, 0, bytes, route,
                () -> body.apply(route.collectives.messages(), Deadline.after(route.timeout)));
    }

    /** Checks a send's arguments and returns the bytes to send (shared by {@code send} and {@code isend}). */
    private ByteBuffer sendable(Operation op, Buf buf, int dest, int tag) {
        checkOpen(op);
        required(op, "send", buf);
        checkRank(op, "destination", dest);
        tag(op, tag);
        return buf.readBuffer();
    }

    /** Checks a receive's arguments and returns the buffer to receive into (shared by {@code recv} and {@code irecv}). */
    private ByteBuffer receivable(Operation op, Buf buf, int src, int tag) {
        checkOpen(op);
        required(op, "receive", buf);
        writable(op, "receive", buf);
        checkSource(op, src);
        receiveTag(op, tag);
        return buf.receiveBuffer();
    }

    void send(Buf buf, int dest, int tag) {
        Operation op = Operation.SEND;
        ByteBuffer data = sendable(op, buf, dest, tag);
        point(op, data.remaining(), (m, d) -> {
            m.send(dest, tag, data, d);
            return null;
        });
        buf.release(data);
    }

    Status recv(Buf buf, int src, int tag, boolean exact) {
        Operation op = Operation.RECV;
        ByteBuffer into = receivable(op, buf, src, tag);
        Mailbox.Envelope e = point(op, into.remaining(), (m, d) -> m.recv(src, tag, into, exact, d));
        Status status = received(op, buf, into, e);
        buf.release(into);
        return status;
    }

    private Status received(Operation op, Buf buf, ByteBuffer into, Mailbox.Envelope e) {
        int esize = buf.type.size();
        if (e.length() % esize != 0) {
            throw new MessageSizeException(op.label() + ": rank " + e.source() + " sent " + e.length() + " bytes (tag "
                    + e.tag() + "), which is not a whole number of " + buf.type.javaName() + " elements of " + esize
                    + " bytes; send and receive buffers must hold the same element type", buf.byteLength(), e.length());
        }
        buf.storeReceived(into, e.length());
        return new Status(e.source(), e.tag(), e.length(), esize);
    }

    Status probe(int src, int tag) {
        Operation op = Operation.RECV;
        checkSource(op, src);
        receiveTag(op, tag);
        Mailbox.Envelope e = point(op, (m, d) -> m.probe(src, tag, d));
        return new Status(e.source(), e.tag(), e.length(), 1);
    }

    Status iprobe(int src, int tag) {
        Operation op = Operation.RECV;
        checkSource(op, src);
        receiveTag(op, tag);
        Mailbox.Envelope e = point(op, (m, d) -> m.iprobe(src, tag));
        return e == null ? null : new Status(e.source(), e.tag(), e.length(), 1);
    }

    Status sendrecv(Buf send, int dest, int sendTag, Buf recv, int src, int recvTag) {
        Operation op = Operation.RECV;
        ByteBuffer data = sendable(op, send, dest, sendTag);
        ByteBuffer into = receivable(op, recv, src, recvTag);
        // sendrecvReplace: what is sent must not be overwritten by what arrives
        ByteBuffer out = send.target == recv.target
                ? ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip() : data;
        Mailbox.Envelope e = point(op, (m, d) -> {
            m.send(dest, sendTag, out, d);
            return m.recv(src, recvTag, into, false, d);
        });
        Status status = received(op, recv, into, e);
        send.release(data);
        recv.release(into);
        return status;
    }

    void bcast(Buf buf, int root) {
        Operation op = Operation.BCAST;
        checkOpen(op);
        required(op, "broadcast", buf);
        checkRank(op, "root", root);
        if (rank != root) {
            writable(op, "receive", buf);
        }
        long length = buf.byteLength();
        run(op, true, length, (c, call) -> {
            ByteBuffer user = asIs(c, buf, length);
            if (c.movesDirect(length, user != null)) {
                // a rank that passes the data on sends it from direct memory: no copy by the JDK per
                // child (the user's own buffer when it is direct, else a pooled one), or from the
                // user's array where the channel moves it in place
                ByteBuffer work = user != null ? user : DirectScratch.take(Math.toIntExact(length));
                if (user == null && rank == root) {
                    buf.readInto(work);
                }
                c.bcast(call, work, root);
                if (user == null) {
                    if (rank != root) {
                        buf.store(work);
                    }
                    DirectScratch.give(work);
                }
            } else {
                byte[] bytes = rank == root ? buf.readPooled() : buf.writablePooled();
                c.bcast(call, bytes, root);
                if (rank != root) {
                    buf.store(bytes);
                }
                buf.release(bytes);
            }
        });
    }

    /** A writable receive buffer's bytes: the user's {@code byte[]}, else a pooled array (give it back with {@link Buf#release(byte[])}). */
    private static byte[] writableOf(Operation op, Buf buf) {
        writable(op, "receive", buf);
        return buf.writablePooled();
    }

    /** The block size in bytes of a buffer of {@code size} equal blocks (in-place forms). */
    private int evenBlock(Operation op, Buf buf) {
        if (buf.elements % size != 0) {
            throw new FmiException(op.label() + ": in place, the buffer's " + buf.elements
                    + " elements must split into " + size + " equal blocks; use a multiple of " + size);
        }
        return (int) (buf.byteLength() / size);
    }

    void barrier() {
        run(Operation.BARRIER, true, 0, Collectives::barrier);
    }

    void gather(Buf send, Buf recv, int root) {
        Operation op = Operation.GATHER;
        checkOpen(op);
        required(op, "send", send);
        checkRank(op, "root", root);
        byte[] out = null;
        byte[] in;
        if (rank == root && send.target == recv.target) {
            // in place: the root's own block is already at its place in the receive buffer
            int block = evenBlock(op, recv);
            out = contentOf(op, recv);
            in = java.util.Arrays.copyOfRange(out, rank * block, (rank + 1) * block);
        } else {
            if (rank == root) {
                required(op, "receive (on the root)", recv);
                sameType(op, send, recv);
                lengths(op, "the root's receive buffer (size x send length)", (long) size * send.elements, recv.elements);
                out = writableOf(op, recv);
            }
            in = send.readPooled();
        }
        byte[] result = out;
        byte[] source = in;
        run(op, true, in.length, (c, call) -> c.gather(call, source, result, root));
        if (rank == root) {
            recv.store(out);
            recv.release(out);
        }
        send.release(in);
    }

    void scatter(Buf send, Buf recv, int root) {
        Operation op = Operation.SCATTER;
        checkOpen(op);
        required(op, "receive", recv);
        checkRank(op, "root", root);
        byte[] in = null;
        if (rank == root) {
            required(op, "send (on the root)", send);
            sameType(op, send, recv);
            lengths(op, "the root's send buffer (size x receive length)", (long) size * recv.elements, send.elements);
            in = send.readPooled();
        }
        byte[] out = writableOf(op, recv);
        byte[] source = in;
        run(op, true, out.length, (c, call) -> c.scatter(call, source, out, root));
        recv.store(out);
        recv.release(out);
        if (source != null) {
            send.release(source);
        }
    }

    void reduce(Buf send, Buf recv, Op reduction, int root) {
        Operation op = Operation.REDUCE;
        checkOpen(op);
        required(op, "send", send);
        checkRank(op, "root", root);
        Combiner combiner = combiner(op, reduction, send);
        if (rank == root) {
            required(op, "receive (on the root)", recv);
            sameType(op, send, recv);
            lengths(op, "the receive buffer", send.elements, recv.elements);
            writable(op, "receive", recv);
        }
        int length = Math.toIntExact(send.byteLength());
        run(op, true, length, (c, call) -> {
            if (c.reducesInPlace(length, combiner)) {
                inDirectBuffer(send, rank == root ? recv : null, length, work -> c.reduce(call, work, combiner, root),
                        (work, operand) -> c.reduce(call, work, combiner, root, operand));
            } else {
                // the wire copies of typed buffers are pooled arrays (Buf.readPooled)
                byte[] in = send.readPooled();
                byte[] result = rank == root ? recv.writablePooled() : null;
                c.reduce(call, in, result, combiner, root);
                if (rank == root) {
                    recv.store(result);
                    recv.release(result);
                }
                send.release(in);
            }
        });
    }

    private static Combiner combiner(Operation op, Op reduction, Buf send) {
        if (reduction == null) {
            throw new FmiException(op.label() + ": the operator is null");
        }
        return reduction.combiner(send.type, op);
    }

    @FunctionalInterface
    private interface Reduction {
        void run(Collectives c, Call call, byte[] send, byte[] recv, Combiner op);
    }

    /** allreduce, scan, exscan: equal lengths on every rank. */
    private void reduceAll(Operation op, Buf send, Buf recv, Op reduction, Reduction body) {
        checkOpen(op);
        required(op, "send", send);
        required(op, "receive", recv);
        sameType(op, send, recv);
        lengths(op, "the receive buffer", send.elements, recv.elements);
        Combiner combiner = combiner(op, reduction, send);
        writable(op, "receive", recv);
        if (op == Operation.ALLREDUCE) {
            int length = Math.toIntExact(send.byteLength());
            run(op, true, length, (c, call) -> {
                if (c.reducesInPlace(length, combiner)) {
                    inDirectBuffer(send, recv, length, work -> c.allreduce(call, work, combiner),
                            (work, operand) -> c.allreduce(call, work, combiner, operand));
                } else {
                    reduceArrays(op, c, call, send, recv, combiner, body);
                }
            });
            return;
        }
        run(op, true, send.byteLength(), (c, call) -> reduceArrays(op, c, call, send, recv, combiner, body));
    }

    /**
     * Runs a large reduction in a direct buffer: in the user's {@code result} itself when it is a
     * direct {@code ByteBuffer} (no copy out; {@code inPlace} when it holds the operand too), else
     * in a pooled one; {@code ranged}, the collective fills it from {@code send} (or reads a direct
     * {@code send} straight, {@link Collectives.Operand#source}) and stores into {@code result}
     * ({@code null} on a rank that gets no result) a range at a time, where it first needs each.
     */
    private static void inDirectBuffer(Buf send, Buf result, int length, java.util.function.Consumer<ByteBuffer> inPlace,
                                       java.util.function.BiConsumer<ByteBuffer, Collectives.Operand> ranged) {
        ByteBuffer own = result == null ? null : direct(result);
        if (own != null && send.target == result.target) {
            inPlace.accept(own);
            return;
        }
        ByteBuffer source = direct(send);
        ByteBuffer work = own != null ? own : DirectScratch.take(length);
        ranged.accept(work, new Collectives.Operand() {
            @Override
            public void fill(ByteBuffer into, int offset, int bytes) {
                send.readRange(into, offset, bytes);
            }

            @Override
            public void store(ByteBuffer from, int offset, int bytes) {
                if (result != null && own == null) {
                    result.storeRange(from, offset, bytes);
                }
            }

            @Override
            public ByteBuffer source() {
                return source;
            }

            @Override
            public Object array() {
                return send.target instanceof ByteBuffer ? null : send.target;
            }
        });
        if (own == null) {
            DirectScratch.give(work);
        }
    }

    /** {@link #reduceAll}'s byte-array form. */
    private void reduceArrays(Operation op, Collectives c, Call call, Buf send, Buf recv, Combiner combiner, Reduction body) {
        // the wire copies of typed buffers are pooled arrays (Buf.readPooled)
        byte[] in = send.readPooled();
        byte[] out = recv.writablePooled();
        if (out == in) {
            in = in.clone();
        }
        byte[] source = in;
        body.run(c, call, source, out, combiner);
        if (op != Operation.EXSCAN || rank != 0) {
            recv.store(out);
        }
        send.release(source);
        recv.release(out);
    }

    void allreduce(Buf send, Buf recv, Op reduction) {
        reduceAll(Operation.ALLREDUCE, send, recv, reduction, Collectives::allreduce);
    }

    void scan(Buf send, Buf recv, Op reduction) {
        reduceAll(Operation.SCAN, send, recv, reduction, Collectives::scan);
    }

    void exscan(Buf send, Buf recv, Op reduction) {
        reduceAll(Operation.EXSCAN, send, recv, reduction, Collectives::exscan);
    }

    void allgather(Buf send, Buf recv) {
        Operation op = Operation.ALLGATHER;
        checkOpen(op);
        required(op, "send", send);
        required(op, "receive", recv);
        sameType(op, send, recv);
        byte[] in;
        byte[] out;
        if (send.target == recv.target) {
            int block = evenBlock(op, recv);
            out = contentOf(op, recv);
            in = java.util.Arrays.copyOfRange(out, rank * block, (rank + 1) * block);
        } else {
            lengths(op, "the receive buffer (size x send length)", (long) size * send.elements, recv.elements);
            writable(op, "receive", recv);
            run(op, true, send.byteLength(), (c, call) -> {
                if (c.movesDirect(recv.byteLength(), asIs(c, send, recv, send.byteLength()))) {
                    moveDirect(c, call, send, recv, send.byteLength(), c::allgather);
                } else {
                    byte[] own = send.readPooled();
                    byte[] gathered = recv.writablePooled();
                    c.allgather(call, own, gathered);
                    recv.store(gathered);
                    recv.release(gathered);
                    send.release(own);
                }
            });
            return;
        }
        byte[] source = in;
        run(op, true, in.length, (c, call) -> c.allgather(call, source, out));
        recv.store(out);
    }

    /** What runs on direct buffers: the user's send buffer copied into {@code in}, the result in {@code out} (a heap buffer where the user's holds bytes). */
    @FunctionalInterface
    private interface DirectBody {
        void run(Call call, ByteBuffer in, ByteBuffer out);
    }

    /**
     * Runs {@code body} on the user's buffers where they are direct {@code ByteBuffer}s, else on
     * direct copies of them (pooled), then stores the result. A result of bytes on the heap (a
     * {@code byte[]} or heap {@code ByteBuffer}) is received into the user's buffer itself: the JDK
     * copies each chunk from its temporary direct buffer as it arrives, while it is in the cache,
     * which costs less than copying the whole result out of a direct one afterwards (an allgather of
     * 1 MiB blocks on 8 processes sharing 2 cores: about 15% less time). A send buffer of bytes on
     * the heap is sent as it is where the channel moves messages of {@code message} bytes in place.
     */
    private static void moveDirect(Collectives c, Call call, Buf send, Buf recv, long message, DirectBody body) {
        ByteBuffer userOut = bytes(recv);
        ByteBuffer userIn = send.target != recv.target ? asIs(c, send, message) : null;
        // in place, or two buffers over the same bytes: what arrives must not overwrite what is
        // still to be sent, so the send side is copied
        if (userIn != null && userOut != null && sharesBytes(userIn, userOut)) {
            userIn = null;
        }
        ByteBuffer in = userIn != null ? userIn : send.readInto(DirectScratch.take(Math.toIntExact(send.byteLength())));
        ByteBuffer out = userOut != null ? userOut : DirectScratch.take(Math.toIntExact(recv.byteLength()));
        body.run(call, in, out);
        if (userOut == null) {
            recv.store(out);
            DirectScratch.give(out);
        }
        if (userIn == null) {
            DirectScratch.give(in);
        }
    }

    /**
     * Whether {@code a} and {@code b} may share bytes: two direct buffers whose ranges overlap by
     * address ({@link DirectMemory#overlap}), or two heap buffers over one array.
     */
    private static boolean sharesBytes(ByteBuffer a, ByteBuffer b) {
        if (a.isDirect() && b.isDirect()) {
            return DirectMemory.overlap(a, b);
        }
        return a.hasArray() && b.hasArray() && a.array() == b.array();
    }

    /** Whether {@code send} and {@code recv} both go to the channel as they are ({@link #asIs}), as {@link #moveDirect} passes them. */
    private static boolean asIs(Collectives c, Buf send, Buf recv, long message) {
        ByteBuffer in = asIs(c, send, message);
        ByteBuffer out = asIs(c, recv, message);
        return in != null && out != null && !sharesBytes(in, out);
    }

    /** The bytes between position and limit of the user's buffer, when it is a direct {@code ByteBuffer}; else null. */
    private static ByteBuffer direct(Buf buf) {
        return buf.target instanceof ByteBuffer && ((ByteBuffer) buf.target).isDirect() ? ((ByteBuffer) buf.target).slice() : null;
    }

    /**
     * The user's buffer as bytes the channel sends from and receives into without a copy: a direct
     * {@code ByteBuffer}; or bytes on the heap in an accessible array (a {@code byte[]}, a writable
     * heap {@code ByteBuffer}) where the channel moves messages of {@code message} bytes in place
     * ({@link Collectives#movesHeapInPlace}); else null.
     */
    private static ByteBuffer asIs(Collectives c, Buf buf, long message) {
        ByteBuffer direct = direct(buf);
        if (direct != null) {
            return direct;
        }
        ByteBuffer b = c.movesHeapInPlace(message) ? bytes(buf) : null;
        return b != null && b.hasArray() ? b : null;
    }

    /** The user's buffer as bytes to receive into, when it holds bytes (a {@code byte[]} or any {@code ByteBuffer}); else null. */
    private static ByteBuffer bytes(Buf buf) {
        if (buf.target instanceof byte[]) {
            return ByteBuffer.wrap((byte[]) buf.target);
        }
        return buf.target instanceof ByteBuffer ? ((ByteBuffer) buf.target).slice() : null;
    }

    void alltoall(Buf send, Buf recv) {
        Operation op = Operation.ALLTOALL;
        checkOpen(op);
        required(op, "send", send);
        required(op, "receive", recv);
        sameType(op, send, recv);
        lengths(op, "the receive buffer", send.elements, recv.elements);
        if (send.elements % size != 0) {
            throw new FmiException(op.label() + ": the send buffer's " + send.elements
                    + " elements do not split into " + size + " equal blocks; use a multiple of " + size);
        }
        writable(op, "receive", recv);
        run(op, true, send.byteLength() / size, (c, call) -> {
            // byte arrays cross the sockets with two copies per block (the JDK's), as many as the copies
            // into and out of direct buffers: only typed buffers, which are encoded anyway, gain
            if (!(send.target instanceof byte[]) && c.movesDirect(recv.byteLength(), asIs(c, send, recv, send.byteLength() / size))) {
                moveDirect(c, call, send, recv, send.byteLength() / size, c::alltoall);
            } else {
                byte[] in = send.readPooled();
                byte[] out = recv.writablePooled();
                byte[] source = out == in ? in.clone() : in;
                c.alltoall(call, source, out);
                recv.store(out);
                recv.release(out);
                send.release(source);
            }
        });
    }

    void reduceScatter(Buf send, Buf recv, Op reduction) {
        Operation op = Operation.REDUCE_SCATTER;
        checkOpen(op);
        required(op, "send", send);
        required(op, "receive", recv);
        sameType(op, send, recv);
        Combiner combiner = combiner(op, reduction, send);
        if (send.target == recv.target) {
            // in place: the buffer holds size blocks; this rank's result goes into its first block
            byte[] in = send.read().clone();
            byte[] out = new byte[in.length / size];
            evenBlock(op, send);
            run(op, true, out.length, (c, call) -> c.reduceScatter(call, in, out, combiner));
            recv.storePrefix(out);
            return;
        }
        lengths(op, "the send buffer (size x receive length)", (long) size * recv.elements, send.elements);
        byte[] in = send.readPooled();
        byte[] out = writableOf(op, recv);
        run(op, true, out.length, (c, call) -> c.reduceScatter(call, in, out, combiner));
        recv.store(out);
        recv.release(out);
        send.release(in);
    }

    // ---- non-blocking operations ----

    private synchronized java.util.concurrent.Executor sender() {
        if (sender == null) {
            sender = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "fmi-isend-" + name + "-" + rank);
                t.setDaemon(true);
                return t;
            });
        }
        return sender;
    }

    /**
     * A send that runs in the background, after this communicator's earlier non-blocking sends. A
     * send to self runs at once instead: it only deposits the message here and never waits, and a
     * receive from self that follows it (legal in MPI) must find it.
     */
    Request isend(Buf buf, int dest, int tag) {
        Operation op = Operation.SEND;
        ByteBuffer data = sendable(op, buf, dest, tag);
        Status status = new Status(rank, tag, data.remaining(), buf.type.size());
        java.util.function.Supplier<Status> send = () -> {
            point(op, data.remaining(), (m, d) -> {
                m.send(dest, tag, data, d);
                return null;
            });
            buf.release(data);
            return status;
        };
        java.util.concurrent.CompletableFuture<Status> f;
        if (dest == rank) {
            f = new java.util.concurrent.CompletableFuture<>();
            try {
                f.complete(send.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        } else {
            f = java.util.concurrent.CompletableFuture.supplyAsync(send, sender());
        }
        return new Request("isend to rank " + dest + " with tag " + tag, f, null);
    }

    /** A receive posted now, completed in the background; it can be cancelled until a message matches it. */
    Request irecv(Buf buf, int src, int tag) {
        Operation op = Operation.RECV;
        ByteBuffer into = receivable(op, buf, src, tag);
        Route route = p2p();
        io.fmi.collective.Pending pending;
        try {
            pending = route.collectives.messages().irecv(src, tag, into, false, Deadline.after(route.timeout));
        } catch (FmiException e) {
            throw withContext(e, op, 0, route);
        }
        java.util.concurrent.CompletableFuture<Status> f = pending.future().handle((e, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw cause instanceof FmiException ? withContext((FmiException) cause, op, 0, route)
                        : new FmiException(op.label() + ": " + cause, cause);
            }
            if (e == null) {
                return Status.cancelledStatus();
            }
            Status status = received(op, buf, into, e);
            buf.release(into);
            return status;
        });
        return new Request("irecv from " + (src == Communicator.ANY_SOURCE ? "any rank" : "rank " + src), f,
                pending::cancel);
    }

    /**
     * A collective that runs in the background: its sequence number is taken now, so non-blocking
     * and blocking collectives keep the order in which the caller issued them (MPI's rule), and
     * {@code body} (the blocking operation) then runs in a worker thread. Errors, bad arguments
     * included, are thrown by {@link Request#waitFor()}.
     */
    Request icollective(Operation op, Runnable body) {
        checkOpen(op);
        long n = seq.incrementAndGet();
        java.util.concurrent.CompletableFuture<Status> f = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            RESERVED.set(n);
            try {
                body.run();
            } finally {
                RESERVED.remove();
            }
            return new Status(rank, 0, 0, 1);
        }, io.fmi.collective.Background.WORKERS);
        return new Request("i" + op.label() + " #" + n, f, null);
    }

    // ---- v-collectives ----

    /** Byte counts and displacements from element counts; checks they fit a buffer of {@code elements}. */
    private int[] bytes(Operation op, String what, int[] counts, Buf buf) {
        if (counts == null || counts.length != size) {
            throw new FmiException(op.label() + ": " + what + " must have one entry per rank (" + size + "), has "
                    + (counts == null ? "none (null)" : counts.length));
        }
        int[] out = new int[size];
        for (int r = 0; r < size; r++) {
            if (counts[r] < 0) {
                throw new FmiException(op.label() + ": " + what + "[" + r + "] is negative (" + counts[r] + ")");
            }
            out[r] = Math.multiplyExact(counts[r], buf.type.size());
        }
        return out;
    }

    /** Packed displacements (each block right after the previous one) when {@code displs} is null. */
    private int[] displacements(Operation op, String what, int[] counts, int[] displs, Buf buf) {
        int[] out = new int[size];
        long next = 0;
        for (int r = 0; r < size; r++) {
            long d = displs == null ? next : displs[r];
            if (displs != null && displs.length != size) {
                throw new FmiException(op.label() + ": " + what + " must have one entry per rank (" + size + "), has "
                        + displs.length);
            }
            if (d < 0 || d + counts[r] > buf.elements) {
                throw new FmiException(op.label() + ": the block of rank " + r + " (" + counts[r] + " elements at "
                        + d + ") does not fit the buffer of " + buf.elements + " elements");
            }
            out[r] = Math.toIntExact(d * buf.type.size());
            next = d + counts[r];
        }
        return out;
    }

    /** The receive buffer's current content as bytes to receive into (gaps and in-place input kept). */
    private static byte[] contentOf(Operation op, Buf buf) {
        writable(op, "receive", buf);
        return buf.target instanceof ByteBuffer ? buf.read() : buf.target instanceof byte[] ? (byte[]) buf.target : buf.read();
    }

    /** counts and displs matter on the root only. */
    void gatherv(Buf send, Buf recv, int[] counts, int[] displs, int root) {
        Operation op = Operation.GATHER;
        checkOpen(op);
        required(op, "send", send);
        checkRank(op, "root", root);
        byte[] in;
        byte[] out = null;
        int[] byteCounts = null;
        int[] byteDispls = null;
        if (rank == root) {
            required(op, "receive (on the root)", recv);
            sameType(op, send, recv);
            byteCounts = bytes(op, "counts", counts, recv);
            byteDispls = displacements(op, "displs", counts, displs, recv);
            out = contentOf(op, recv);
            if (send.target == recv.target) {
                in = java.util.Arrays.copyOfRange(out, byteDispls[root], byteDispls[root] + byteCounts[root]);
            } else {
                lengths(op, "the root's send buffer (counts[" + root + "])", counts[root], send.elements);
                in = send.read();
            }
        } else {
            in = send.read();
        }
        byte[] source = in;
        byte[] result = out;
        int[] c = byteCounts;
        int[] d = byteDispls;
        run(op, true, in.length, (col, call) -> col.gatherv(call, source, result, c, d, root));
        if (rank == root) {
            recv.store(out);
        }
    }

    /** counts and displs matter on the root only; every other rank receives exactly its buffer's length. */
    void scatterv(Buf send, int[] counts, int[] displs, Buf recv, int root) {
        Operation op = Operation.SCATTER;
        checkOpen(op);
        required(op, "receive", recv);
        checkRank(op, "root", root);
        byte[] in = null;
        int[] byteCounts = null;
        int[] byteDispls = null;
        boolean inPlace = rank == root && send != null && send.target == recv.target;
        byte[] out;
        if (rank == root) {
            required(op, "send (on the root)", send);
            sameType(op, send, recv);
            byteCounts = bytes(op, "counts", counts, send);
            byteDispls = displacements(op, "displs", counts, displs, send);
            in = send.read();
            if (!inPlace) {
                lengths(op, "the root's receive buffer (counts[" + root + "])", counts[root], recv.elements);
            }
            out = inPlace ? new byte[byteCounts[root]] : writableOf(op, recv);
        } else {
            out = writableOf(op, recv);
        }
        byte[] source = in;
        int[] c = byteCounts;
        int[] d = byteDispls;
        run(op, true, out.length, (col, call) -> col.scatterv(call, source, c, d, out, root));
        if (!inPlace) {
            recv.store(out);
            recv.release(out);
        }
    }

    void allgatherv(Buf send, Buf recv, int[] counts, int[] displs) {
        Operation op = Operation.ALLGATHER;
        checkOpen(op);
        required(op, "receive", recv);
        required(op, "send", send);
        sameType(op, send, recv);
        int[] byteCounts = bytes(op, "counts", counts, recv);
        int[] byteDispls = displacements(op, "displs", counts, displs, recv);
        byte[] out = contentOf(op, recv);
        byte[] in;
        if (send.target == recv.target) {
            in = java.util.Arrays.copyOfRange(out, byteDispls[rank], byteDispls[rank] + byteCounts[rank]);
        } else {
            lengths(op, "the send buffer (counts[" + rank + "])", counts[rank], send.elements);
            in = send.read();
        }
        byte[] source = in;
        run(op, true, in.length, (c, call) -> c.allgatherv(call, source, out, byteCounts, byteDispls));
        recv.store(out);
    }

    void alltoallv(Buf send, int[] sendCounts, int[] sendDispls, Buf recv, int[] recvCounts, int[] recvDispls) {
        Operation op = Operation.ALLTOALL;
        checkOpen(op);
        required(op, "send", send);
        required(op, "receive", recv);
        sameType(op, send, recv);
        if (send.target == recv.target) {
            throw new FmiException(op.label() + ": the send and receive buffers are the same; alltoallv needs two");
        }
        int[] sc = bytes(op, "sendCounts", sendCounts, send);
        int[] sd = displacements(op, "sendDispls", sendCounts, sendDispls, send);
        int[] rc = bytes(op, "recvCounts", recvCounts, recv);
        int[] rd = displacements(op, "recvDispls", recvCounts, recvDispls, recv);
        if (sc[rank] != rc[rank]) {
            throw new MessageSizeException(op.label() + ": rank " + rank + " sends itself " + sendCounts[rank]
                    + " elements but expects " + recvCounts[rank], rc[rank], sc[rank]);
        }
        byte[] in = send.read();
        byte[] out = contentOf(op, recv);
        long total = 0;
        for (int c : sc) {
            total += c;
        }
        run(op, true, total / Math.max(1, size), (c, call) -> c.alltoallv(call, in, sc, sd, out, rc, rd));
        recv.store(out);
    }

    void reduceScatterv(Buf send, Buf recv, int[] counts, Op reduction) {
        Operation op = Operation.REDUCE_SCATTER;
        checkOpen(op);
        required(op, "send", send);
        required(op, "receive", recv);
        sameType(op, send, recv);
        int[] byteCounts = bytes(op, "counts", counts, recv);
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        lengths(op, "the send buffer (sum of counts)", total, send.elements);
        boolean inPlace = send.target == recv.target;
        if (!inPlace) {
            lengths(op, "the receive buffer (counts[" + rank + "])", counts[rank], recv.elements);
        }
        Combiner combiner = combiner(op, reduction, send);
        byte[] in = send.read();
        if (inPlace && send.target instanceof byte[]) {
            in = in.clone();
        }
        byte[] out = new byte[byteCounts[rank]];
        byte[] source = in;
        run(op, true, out.length, (c, call) -> c.reduceScatterv(call, source, out, byteCounts, combiner));
        recv.storePrefix(out);
    }

    // ---- communicators ----

    /**
     * MPI's split: every rank of this communicator calls it; ranks with the same colour form a new
     * communicator, ordered by key and then by rank here. One allgather here agrees on the ids.
     */
    Engine split(int color, int key) {
        Operation op = Operation.ALLGATHER;
        checkOpen(op);
        if (color < 0 && color != Communicator.UNDEFINED) {
            throw new FmiException("split: colour " + color + " is negative; use a colour >= 0 or Communicator.UNDEFINED");
        }
        int[] mine = {color, key, shared.nextId};
        int[] all = new int[3 * size];
        allgather(Buf.of(mine), Buf.of(all));
        int base = 0;
        java.util.TreeSet<Integer> colours = new java.util.TreeSet<>();
        for (int r = 0; r < size; r++) {
            base = Math.max(base, all[3 * r + 2]);
            if (all[3 * r] != Communicator.UNDEFINED) {
                colours.add(all[3 * r]);
            }
        }
        // every colour gets its own id, above every id any member has used: ids never collide
        // between communicators that share a member, nor between the colours of this split
        shared.nextId = base + colours.size();
        if (color == Communicator.UNDEFINED) {
            return null;
        }
        int id = base + colours.headSet(color).size();
        List<int[]> members = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            if (all[3 * r] == color) {
                members.add(new int[] {all[3 * r + 1], r});
            }
        }
        members.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        int[] channelRanks = new int[members.size()];
        for (int i = 0; i < channelRanks.length; i++) {
            channelRanks[i] = group.channelRank(members.get(i)[1]);
        }
        Group sub = new Group(id, channelRanks, group.channelRank(rank), shared.context.size());
        return new Engine(shared, sub, name + "." + id, hint, new EnumMap<>(pins), false);
    }

    Engine dup() {
        return split(0, rank);
    }

    int id() {
        return group.id();
    }

    int rank() {
        return rank;
    }

    int size() {
        return size;
    }

    String name() {
        return name;
    }

    // ---- lifecycle ----

    boolean closed() {
        return closed;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shared.listener.closed(name, rank, root);
        } catch (RuntimeException e) {
            LOG.warn("the event listener failed at close of {}: {}", name, e.toString(), e);
        }
        synchronized (this) {
            if (sender != null) {
                sender.shutdown();
            }
        }
        if (!root) {
            return;
        }
        shared.closed = true;
        List<Route> reversed = new ArrayList<>(routes.values());
        java.util.Collections.reverse(reversed);
        // every channel is closed; the first failure (a channel that lost messages it had accepted)
        // is thrown afterwards, the others attached to it: a loss must not pass in silence
        RuntimeException first = null;
        for (Route route : reversed) {
            try {
                // after a peer was found gone, its values are swept while the heartbeat stops: on a
                // slow store (seconds a request) the two one after the other made close() take
                // the sum of four requests
                java.util.concurrent.CompletableFuture<Void> sweeping = shared.failed && route.liveness != null
                        && route.liveness.sawGone()
                        ? java.util.concurrent.CompletableFuture.runAsync(() -> sweep((ObjectStoreChannel) route.channel),
                                io.fmi.collective.Background.WORKERS)
                        : null;
                if (route.liveness != null) {
                    route.liveness.stop();
                }
                if (sweeping != null) {
                    sweeping.join();
                }
                if (shared.failed) {
                    route.channel.abandon();
                } else {
                    route.channel.close();
                }
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A peer of the job is gone and cannot delete what it wrote: the survivors do, as the store allows. */
    private void sweep(ObjectStoreChannel channel) {
        try {
            // the values only ("c<id>/..."): the marks are the survivors' own business
            channel.sweep("c");
        } catch (RuntimeException e) {
            LOG.warn("rank {}: sweeping what a gone peer left on {} failed ({}); the store's expiry removes it",
                    rank, channel.name(), e.toString());
        }
    }

    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (RuntimeException e) {
            LOG.warn("closing channel {} failed: {}", channel.name(), e.toString(), e);
        }
    }
}
