package io.fmi;

import io.fmi.collective.Call;
import io.fmi.collective.Collectives;
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
import io.fmi.spi.Deadline;
import io.fmi.spi.ObjectStoreChannel;
import io.fmi.spi.PeerToPeerChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Communicator} does behind its overloads: argument checks, channel choice,
 * sequence numbers, deadlines, self-messages and error context. One instance per peer; not
 * thread-safe (operations of one communicator are called from one thread at a time, as in MPI).
 */
final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Communicator.class);

    /** A channel the engine can route operations to. */
    static final class Route {
        final String name;
        final Channel channel;
        final Collectives collectives;
        final Duration timeout;
        final ChannelModel model;

        Route(String name, Channel channel, Collectives collectives, Duration timeout, ChannelModel model) {
            this.name = name;
            this.channel = channel;
            this.collectives = collectives;
            this.timeout = timeout;
            this.model = model;
        }
    }

    private final int rank;
    private final int size;
    private final String name;
    private final ChannelContext context;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Map<Operation, String> pins = new EnumMap<>(Operation.class);
    private final Map<Integer, ArrayDeque<byte[]>> selfMessages = new HashMap<>();
    private final int memoryMiB;
    private final double gibSecondPrice;
    private final ChannelPolicy policy;
    private volatile Hint hint;
    private long seq;
    private boolean closed;

    Engine(ChannelContext context, int memoryMiB, double gibSecondPrice, ChannelPolicy policy, Hint hint) {
        this.context = context;
        this.memoryMiB = memoryMiB;
        this.gibSecondPrice = gibSecondPrice;
        this.policy = policy;
        this.hint = hint;
        this.rank = context.rank();
        this.size = context.size();
        this.name = context.communicatorName();
    }

    /**
     * Opens {@code channel} for this peer and adds it; on failure the channel is closed again.
     * {@code model} predicts its costs; null means the defaults for its name and kind.
     */
    void add(String channelName, Channel channel, Duration timeout, ChannelModel model) {
        if (routes.containsKey(channelName)) {
            throw new FmiConfigException("channel '" + channelName + "' is registered twice on communicator '"
                    + name + "'");
        }
        if (!(channel instanceof PeerToPeerChannel) && !(channel instanceof ObjectStoreChannel)) {
            throw new FmiConfigException("channel '" + channelName + "' (" + channel.getClass().getName()
                    + ") implements neither PeerToPeerChannel nor ObjectStoreChannel");
        }
        try {
            channel.open(context);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
        Collectives collectives = channel instanceof PeerToPeerChannel
                ? new PeerToPeerCollectives((PeerToPeerChannel) channel, rank, size)
                : new ObjectStoreCollectives((ObjectStoreChannel) channel, rank, size);
        ChannelModel m = model != null ? model : channel instanceof PeerToPeerChannel
                ? new PeerToPeerModel(ModelParameters.of(channelName, true, Map.of()))
                : new ObjectStoreModel(ModelParameters.of(channelName, false, Map.of()), 0.01, 0.2);
        routes.put(channelName, new Route(channelName, channel, collectives, timeout, m));
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
        double gib = memoryMiB / 1024.0;
        for (Route route : routes.values()) {
            ChannelModel.Cost cost = route.model.cost(op, bytes, size);
            double faas = cost.seconds() * gib * gibSecondPrice * size;
            estimates.add(new Estimate(route.name, cost.seconds(), cost.dollars(), faas, cost.requests()));
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
        String chosen = routes.size() == 1 ? routes.keySet().iterator().next() : policy.choose(key, bytes, h, estimates);
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
            route = routes.values().iterator().next();
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
        long n = collective ? ++seq : 0;
        Call call = new Call(op.label(), n, 0, Deadline.after(route.timeout));
        try {
            body.run(route.collectives, call);
        } catch (FmiException e) {
            throw withContext(e, op, n, route);
        }
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
        if (e instanceof FmiConfigException) {
            return new FmiConfigException(message, e);
        }
        return new FmiException(message, e);
    }

    // ---- operations ----

    void send(Buf buf, int dest, int tag) {
        Operation op = Operation.SEND;
        checkOpen(op);
        required(op, "send", buf);
        checkRank(op, "destination", dest);
        tag(op, tag);
        if (dest == rank) {
            selfMessages.computeIfAbsent(tag, t -> new ArrayDeque<>()).addLast(buf.read().clone());
            return;
        }
        run(op, false, buf.byteLength(), (c, call) -> c.send(call, buf.read(), dest, tag));
    }

    void recv(Buf buf, int src, int tag) {
        Operation op = Operation.RECV;
        checkOpen(op);
        required(op, "receive", buf);
        writable(op, "receive", buf);
        checkRank(op, "source", src);
        tag(op, tag);
        if (src == rank) {
            ArrayDeque<byte[]> queue = selfMessages.get(tag);
            if (queue == null || queue.isEmpty()) {
                throw new FmiException("recv: rank " + rank + " receives from itself with tag " + tag
                        + " but sent no such message first; a send to self must precede its recv");
            }
            byte[] message = queue.peekFirst();
            if (message.length != buf.byteLength()) {
                throw new MessageSizeException("recv: rank " + rank + " sent itself " + message.length
                        + " bytes with tag " + tag + " but the receiving buffer holds " + buf.byteLength()
                        + " bytes", buf.byteLength(), message.length);
            }
            buf.store(queue.removeFirst());
            return;
        }
        byte[] into = buf.writable();
        run(op, false, into.length, (c, call) -> c.recv(call, into, src, tag));
        buf.store(into);
    }

    void bcast(Buf buf, int root) {
        Operation op = Operation.BCAST;
        checkOpen(op);
        required(op, "broadcast", buf);
        checkRank(op, "root", root);
        byte[] bytes = rank == root ? buf.read() : writableOf(op, buf);
        run(op, true, bytes.length, (c, call) -> c.bcast(call, bytes, root));
        if (rank != root) {
            buf.store(bytes);
        }
    }

    private static byte[] writableOf(Operation op, Buf buf) {
        writable(op, "receive", buf);
        return buf.writable();
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
        if (rank == root) {
            required(op, "receive (on the root)", recv);
            sameType(op, send, recv);
            lengths(op, "the root's receive buffer (size x send length)", (long) size * send.elements, recv.elements);
            out = writableOf(op, recv);
        }
        byte[] in = send.read();
        byte[] result = out;
        run(op, true, in.length, (c, call) -> c.gather(call, in, result, root));
        if (rank == root) {
            recv.store(out);
        }
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
            in = send.read();
        }
        byte[] out = writableOf(op, recv);
        byte[] source = in;
        run(op, true, out.length, (c, call) -> c.scatter(call, source, out, root));
        recv.store(out);
    }

    void reduce(Buf send, Buf recv, Op reduction, int root) {
        Operation op = Operation.REDUCE;
        checkOpen(op);
        required(op, "send", send);
        checkRank(op, "root", root);
        Combiner combiner = combiner(op, reduction, send);
        byte[] out = null;
        if (rank == root) {
            required(op, "receive (on the root)", recv);
            sameType(op, send, recv);
            lengths(op, "the receive buffer", send.elements, recv.elements);
            out = writableOf(op, recv);
        }
        byte[] in = send.read();
        byte[] result = out;
        run(op, true, in.length, (c, call) -> c.reduce(call, in, result, combiner, root));
        if (rank == root) {
            recv.store(out);
        }
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
        byte[] in = send.read();
        byte[] out = writableOf(op, recv);
        if (out == in) {
            in = in.clone();
        }
        byte[] source = in;
        run(op, true, source.length, (c, call) -> body.run(c, call, source, out, combiner));
        if (op != Operation.EXSCAN || rank != 0) {
            recv.store(out);
        }
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
        lengths(op, "the receive buffer (size x send length)", (long) size * send.elements, recv.elements);
        byte[] in = send.read();
        byte[] out = writableOf(op, recv);
        run(op, true, in.length, (c, call) -> c.allgather(call, in, out));
        recv.store(out);
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
        byte[] in = send.read();
        byte[] out = writableOf(op, recv);
        byte[] source = out == in ? in.clone() : in;
        run(op, true, source.length / size, (c, call) -> c.alltoall(call, source, out));
        recv.store(out);
    }

    void reduceScatter(Buf send, Buf recv, Op reduction) {
        Operation op = Operation.REDUCE_SCATTER;
        checkOpen(op);
        required(op, "send", send);
        required(op, "receive", recv);
        sameType(op, send, recv);
        lengths(op, "the send buffer (size x receive length)", (long) size * recv.elements, send.elements);
        Combiner combiner = combiner(op, reduction, send);
        byte[] in = send.read();
        byte[] out = writableOf(op, recv);
        run(op, true, out.length, (c, call) -> c.reduceScatter(call, in, out, combiner));
        recv.store(out);
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
        List<Route> reversed = new ArrayList<>(routes.values());
        java.util.Collections.reverse(reversed);
        for (Route route : reversed) {
            closeQuietly(route.channel);
        }
        selfMessages.clear();
    }

    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (RuntimeException e) {
            LOG.warn("closing channel {} failed: {}", channel.name(), e.toString(), e);
        }
    }
}
