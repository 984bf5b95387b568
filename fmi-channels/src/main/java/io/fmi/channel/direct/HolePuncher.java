package io.fmi.channel.direct;

import io.fmi.ChannelException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.Deadline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP hole punching, TCPunch's scheme: contact the rendezvous server from a socket bound with
 * SO_REUSEADDR and SO_REUSEPORT, learn the peer's public endpoint, then listen on and repeatedly
 * connect from that same local port to the peer's endpoint until an accept or a connect succeeds
 * (through NATs, the two sides' SYNs open each other's mappings; on one host the connection is
 * simply made). The rendezvous connection stays open until the punch is done, keeping the NAT
 * mapping alive. Both ends then exchange a short handshake that names the pairing, so a stray
 * connection is never mistaken for the peer. If punching fails within its timeout, both sides ask
 * the server to relay their connection.
 *
 * <p>Every pairing is an {@link Attempt}: a state machine over non-blocking sockets driven by the
 * JVM's one {@link PairingLoop} thread, so pairings waiting for their peers hold sockets, not
 * threads, and {@link Attempt#cancel()} ends one at once. {@link #connect} and {@link #relayed}
 * wait for an attempt, for callers that want a blocking socket.
 */
final class HolePuncher {
    private static final Logger LOG = LoggerFactory.getLogger(HolePuncher.class);
    private static final int HANDSHAKE_MAGIC = 0x464D4944;
    private static final int HANDSHAKE_BYTES = 9;
    private static final long ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long SERVER_CONNECT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private HolePuncher() {
    }

    /** A connection to the peer: punched, or carried by the rendezvous server. */
    record Connection(SocketChannel socket, String relayedBecause) {
        boolean relayed() {
            return relayedBecause != null;
        }
    }

    /**
     * Starts pairing this side of {@code pairing} with the other side. Once the server has named
     * the peer, punching gets {@code punchTimeout} if {@code relay} is on (else until
     * {@code deadline}); if it fails, or {@code punch} is off, both sides are relayed by the server,
     * until {@code deadline}. The attempt's {@link Attempt#result() result} completes on the pairing
     * thread with a non-blocking socket.
     *
     * @param side 0 for the lower rank, 1 for the higher
     */
    static Attempt start(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline,
                         Duration punchTimeout, boolean punch, boolean relay) {
        Attempt attempt = new Attempt(PairingLoop.shared(), server, pairing, side, secret, deadline, punchTimeout, punch, relay);
        attempt.loop.execute(attempt::begin);
        return attempt;
    }

    /** Connects this side of {@code pairing} to the other side by punching only, until {@code deadline}. */
    static SocketChannel connect(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline) {
        return connect(server, pairing, side, secret, deadline, Duration.ZERO, false).socket();
    }

    /** As {@link #start} with punching, waiting for the connection; the socket is in blocking mode. */
    static Connection connect(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline,
                              Duration punchTimeout, boolean relay) {
        return start(server, pairing, side, secret, deadline, punchTimeout, true, relay).await();
    }

    /** Connects this side of {@code pairing} through the rendezvous server's relay, without punching. */
    static Connection relayOnly(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline) {
        return start(server, pairing, side, secret, deadline, Duration.ZERO, false, true).await();
    }

    /** A blocking connection to the peer carried by the rendezvous server, once both sides asked for it. */
    static SocketChannel relayed(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline) {
        return relayOnly(server, pairing, side, secret, deadline).socket();
    }

    static void close(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    private static void reuse(java.nio.channels.NetworkChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }

    /** One side of one pairing under way. Its state is touched on the pairing thread only. */
    static final class Attempt implements PairingLoop.Task {
        private final PairingLoop loop;
        private final InetSocketAddress server;
        private final String pairing;
        private final int side;
        private final byte[] secret;
        private final Deadline deadline;
        private final Duration punchTimeout;
        private final boolean punch;
        private final boolean relay;
        private final CompletableFuture<Connection> result = new CompletableFuture<>();

        /** The conversation with the server under way (asking for the peer, or for the relay). */
        private ServerTalk talk;
        /** Kept open while punching: it keeps the NAT's mapping of the local port alive. */
        private SocketChannel rendezvous;
        private int localPort;
        private InetSocketAddress peer;
        private Deadline punchDeadline;
        private ServerSocketChannel listener;
        /** The connect attempt under way, and when it is given up. */
        private SocketChannel out;
        private long outGivenUpAt;
        private long retryAt;
        private IOException lastAttempt;
        private Handshake handshake;
        /** Null while punching; why the connection is relayed once it is. */
        private String relayedBecause;
        private boolean over;

        Attempt(PairingLoop loop, InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline,
                Duration punchTimeout, boolean punch, boolean relay) {
            this.loop = loop;
            this.server = server;
            this.pairing = pairing;
            this.side = side;
            this.secret = secret;
            this.deadline = deadline;
            this.punchTimeout = punchTimeout;
            this.punch = punch;
            this.relay = relay;
            if (!punch && !relay) {
                throw new IllegalArgumentException("pairing '" + pairing + "' may neither punch nor relay");
            }
        }

        /** Completes with the connection (non-blocking), or fails with a {@link ChannelException} or {@link FmiTimeoutException}. */
        CompletableFuture<Connection> result() {
            return result;
        }

        /** Ends the attempt now, closing its sockets; its result fails. Any thread. */
        void cancel() {
            loop.execute(() -> end(new ChannelException("Direct: pairing '" + pairing + "' was cancelled: its channel closed")));
        }

        /** Waits for the result (any thread but the pairing thread); the socket comes in blocking mode. */
        Connection await() {
            try {
                Connection made = result.get(deadline.remainingNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
                made.socket().configureBlocking(true);
                return made;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new ChannelException(e.getCause().toString(), e.getCause());
            } catch (InterruptedException e) {
                cancel();
                Thread.currentThread().interrupt();
                throw new ChannelException("Direct: pairing '" + pairing + "' was interrupted", e);
            } catch (TimeoutException e) {
                // the attempt's own deadline ends it before this; it did not: a defect, reported as one
                cancel();
                throw new FmiTimeoutException("Direct: pairing '" + pairing + "' outlived its deadline of "
                        + deadline.budget().toMillis() + " ms");
            } catch (IOException e) {
                close(result.join().socket());
                throw new ChannelException("Direct: pairing '" + pairing + "': cannot make its socket blocking: " + e, e);
            }
        }

        void begin() {
            loop.add(this);
            try {
                if (punch) {
                    rendezvous = SocketChannel.open();
                    reuse(rendezvous);
                    rendezvous.bind(new InetSocketAddress(0));
                    localPort = ((InetSocketAddress) rendezvous.getLocalAddress()).getPort();
                    talk = new ServerTalk(rendezvous, Rendezvous.PAIR, pairing, Rendezvous.PEER, this::punch);
                } else {
                    relay("hole punching is off (backends.Direct.punch: false)");
                }
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }

        /** The server named the peer: listen on the local port and connect from it until one succeeds. */
        private void punch(ByteBuffer endpoint) throws IOException {
            peer = Rendezvous.parseEndpoint(endpoint);
            talk = null;
            // the connection only keeps the NAT's mapping alive from here on: nothing more is read
            // from it (were it still selected for reading, a server closing it would make the loop spin)
            SelectionKey idle = loop.keyOf(rendezvous);
            if (idle != null) {
                idle.interestOps(0);
            }
            LOG.debug("pairing {}: local port {}, peer at {}", pairing, localPort, peer);
            punchDeadline = relay && punchTimeout.toNanos() < deadline.remainingNanos() ? Deadline.after(punchTimeout) : deadline;
            listener = ServerSocketChannel.open();
            reuse(listener);
            listener.bind(new InetSocketAddress(localPort));
            listener.configureBlocking(false);
            loop.register(listener, SelectionKey.OP_ACCEPT, this);
            retryAt = System.nanoTime();
        }

        private void connectOnce(long now) {
            try {
                SocketChannel attempt = SocketChannel.open();
                out = attempt;
                reuse(attempt);
                attempt.bind(new InetSocketAddress(localPort));
                attempt.configureBlocking(false);
                outGivenUpAt = now + Math.min(ATTEMPT_NANOS, punchDeadline.remainingNanos());
                if (attempt.connect(peer)) {
                    connected(attempt);
                } else {
                    loop.register(attempt, SelectionKey.OP_CONNECT, this);
                }
            } catch (IOException e) {
                attemptFailed(e);
            }
        }

        private void attemptFailed(IOException e) {
            close(out);
            out = null;
            lastAttempt = e;
            retryAt = System.nanoTime() + RETRY_NANOS;
        }

        /** A punched connection (connected or accepted): the handshake decides whether it is the peer. */
        private void connected(SocketChannel connection) throws IOException {
            if (out != null && out != connection) {
                close(out);
            }
            out = null;
            close(listener);
            listener = null;
            handshake = new Handshake(connection, punchDeadline);
        }

        /** Punching failed: relay if allowed and there is time, else fail with {@code e}. */
        private void punchFailed(RuntimeException e) throws IOException {
            if (handshake != null) {
                close(handshake.socket);
                handshake = null;
            }
            close(out);
            out = null;
            close(listener);
            listener = null;
            if (!relay || deadline.expired()) {
                throw e;
            }
            String why = "hole punching to " + peer + " failed (" + e.getMessage() + ")";
            LOG.info("pairing {}: {}; relaying through the rendezvous server {}", pairing, why, server);
            relay(why);
        }

        private void relay(String why) throws IOException {
            relayedBecause = why;
            close(rendezvous);
            rendezvous = null;
            SocketChannel s = SocketChannel.open();
            talk = new ServerTalk(s, Rendezvous.RELAY, Rendezvous.RELAY_PREFIX + pairing, Rendezvous.RELAYED, payload -> {
                talk = null;
                handshake = new Handshake(s, deadline);
            });
        }

        @Override
        public void ready(SelectionKey key) throws IOException {
            if (talk != null && key.channel() == talk.socket) {
                talk.ready(key);
            } else if (handshake != null && key.channel() == handshake.socket) {
                handshake.ready(key);
            } else if (listener != null && key.channel() == listener && key.isAcceptable()) {
                SocketChannel accepted = listener.accept();
                if (accepted != null) {
                    accepted.configureBlocking(false);
                    connected(accepted);
                }
            } else if (out != null && key.channel() == out && key.isConnectable()) {
                try {
                    out.finishConnect();
                } catch (IOException e) {
                    key.cancel();
                    attemptFailed(e);
                    return;
                }
                connected(out);
            }
        }

        @Override
        public long tick(long now) throws IOException {
            if (over) {
                return Long.MAX_VALUE;
            }
            long next = now + deadline.remainingNanos();
            if (talk != null) {
                return Math.min(next, talk.tick(now));
            }
            if (handshake != null) {
                if (!handshake.by.expired()) {
                    return Math.min(next, now + handshake.by.remainingNanos());
                }
                ChannelException late = new ChannelException("Direct: handshake of pairing '" + pairing + "' failed: no"
                        + " answer within " + handshake.by.budget().toMillis() + " ms");
                if (relayedBecause == null) {
                    punchFailed(late);
                    return now;
                }
                throw late;
            }
            if (peer == null) {
                return next;
            }
            if (punchDeadline.expired()) {
                punchFailed(new FmiTimeoutException("Direct: could not open a connection to the peer of pairing '"
                        + pairing + "' at " + peer + " within " + punchDeadline.budget().toMillis() + " ms"
                        + (lastAttempt != null ? " (last attempt: " + lastAttempt.getMessage() + ")" : "")
                        + "; a symmetric NAT defeats hole punching: "
                        + (relay ? "relaying through the rendezvous server" : "turn on backends.Direct.relay, or use a"
                        + " storage channel for this job")));
                return now;
            }
            if (out != null && now - outGivenUpAt >= 0) {
                attemptFailed(new IOException("connect timed out"));
            }
            if (out == null && now - retryAt >= 0) {
                connectOnce(now);
            }
            next = Math.min(next, now + punchDeadline.remainingNanos());
            return Math.min(next, out != null ? outGivenUpAt : retryAt);
        }

        /** Done: hands the connection over once the loop has let go of its socket. */
        private void done(SocketChannel connection) throws IOException {
            connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
            over = true;
            loop.remove(this);
            closeAll(connection);
            Connection made = new Connection(connection, relayedBecause);
            loop.afterDeregistration(() -> {
                if (!result.complete(made)) {
                    close(connection);
                }
            });
        }

        private void end(RuntimeException failure) {
            if (over) {
                return;
            }
            over = true;
            loop.remove(this);
            closeAll(null);
            result.completeExceptionally(failure);
        }

        @Override
        public void failed(Throwable failure) {
            end(failure instanceof RuntimeException r ? r
                    : new ChannelException("Direct: pairing '" + pairing + "' via " + server + " failed: " + failure, failure));
        }

        /** Closes every socket of the attempt but {@code keep}, whose key with the loop is cancelled. */
        private void closeAll(SocketChannel keep) {
            for (java.nio.channels.SelectableChannel c : new java.nio.channels.SelectableChannel[] {
                    talk != null ? talk.socket : null, rendezvous, listener, out, handshake != null ? handshake.socket : null}) {
                if (c != null && c != keep) {
                    close(c);
                }
            }
            talk = null;
            rendezvous = null;
            listener = null;
            out = null;
            handshake = null;
            SelectionKey key = keep == null ? null : loop.keyOf(keep);
            if (key != null) {
                key.cancel();
            }
        }

        /**
         * Connects to the server, sends a PAIR or RELAY request and reads the server's frames until
         * the expected one, whose payload goes to {@code then}. Reads exactly one frame at a time: on
         * a relayed connection, the peer's bytes follow the last frame.
         */
        private final class ServerTalk {
            final SocketChannel socket;
            final byte expected;
            final Then then;
            final ByteBuffer request;
            final long connectBy;
            final ByteBuffer header = ByteBuffer.allocate(Rendezvous.HEADER);
            ByteBuffer payload;
            boolean connected;

            ServerTalk(SocketChannel socket, byte type, String name, byte expected, Then then) throws IOException {
                this.socket = socket;
                this.expected = expected;
                this.then = then;
                this.request = ByteBuffer.wrap(Rendezvous.frame(type,
                        Rendezvous.pairPayload(name, side, System.currentTimeMillis(), secret)));
                this.connectBy = System.nanoTime() + Math.min(SERVER_CONNECT_NANOS, deadline.remainingNanos());
                socket.configureBlocking(false);
                try {
                    connected = socket.connect(server);
                } catch (IOException e) {
                    throw unreachable(e.getMessage(), e);
                }
                loop.register(socket, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, Attempt.this);
            }

            private ChannelException unreachable(String why, IOException cause) {
                return new ChannelException("Direct: cannot reach the rendezvous server at " + server + ": " + why
                        + "; check backends.Direct host/port and that the server runs", cause);
            }

            long tick(long now) {
                if (!connected && now - connectBy >= 0) {
                    throw unreachable("connect timed out after "
                            + TimeUnit.NANOSECONDS.toMillis(Math.min(SERVER_CONNECT_NANOS, deadline.budget().toNanos())) + " ms", null);
                }
                if (deadline.expired()) {
                    throw new FmiTimeoutException("Direct: the peer of pairing '" + pairing + "' did not contact the"
                            + " rendezvous server " + server + " within " + deadline.budget().toMillis() + " ms"
                            + (expected == Rendezvous.RELAYED ? " to be relayed" : ""));
                }
                return connected ? now + deadline.remainingNanos() : Math.min(connectBy, now + deadline.remainingNanos());
            }

            void ready(SelectionKey key) throws IOException {
                if (!connected && key.isConnectable()) {
                    try {
                        socket.finishConnect();
                    } catch (IOException e) {
                        throw unreachable(e.getMessage(), e);
                    }
                    connected = true;
                    key.interestOps(SelectionKey.OP_WRITE);
                    return;
                }
                if (request.hasRemaining() && key.isWritable()) {
                    socket.write(request);
                    if (!request.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    return;
                }
                if (key.isReadable()) {
                    read();
                }
            }

            private void read() throws IOException {
                while (true) {
                    ByteBuffer into = payload != null ? payload : header;
                    int n = socket.read(into);
                    if (n < 0) {
                        throw new ChannelException("Direct: the rendezvous server " + server + " closed the connection"
                                + " of pairing '" + pairing + "' before " + (expected == Rendezvous.RELAYED
                                ? "relaying it" : "naming the peer") + "; is it an FMI rendezvous server, and running?");
                    }
                    if (into.hasRemaining()) {
                        return;
                    }
                    if (payload == null) {
                        if (header.get(0) != Rendezvous.MAGIC_0 || header.get(1) != Rendezvous.MAGIC_1
                                || header.get(2) != Rendezvous.VERSION) {
                            throw new ChannelException("Direct: " + server + " is not an FMI rendezvous server (version "
                                    + Rendezvous.VERSION + ")");
                        }
                        int length = header.getInt(4);
                        if (length < 0 || length > Rendezvous.MAX_PAYLOAD) {
                            throw new ChannelException("Direct: rendezvous server " + server + " sent a frame of " + length + " bytes");
                        }
                        payload = ByteBuffer.allocate(length);
                        continue;
                    }
                    ByteBuffer p = payload.flip();
                    byte type = header.get(3);
                    header.clear();
                    payload = null;
                    if (type == expected) {
                        then.accept(p);
                        return;
                    }
                    frame(type, p);
                }
            }

            private void frame(byte type, ByteBuffer p) {
                switch (type) {
                    case Rendezvous.OBSERVED:
                        LOG.debug("pairing {}: the server sees us as {}", pairing, Rendezvous.parseEndpoint(p));
                        break;
                    case Rendezvous.ERROR: {
                        int code = p.getShort() & 0xFFFF;
                        String message = StandardCharsets.UTF_8.decode(p).toString();
                        throw new ChannelException("Direct: rendezvous server " + server + " refused pairing '" + pairing
                                + "' (code " + code + "): " + message
                                + (code == Rendezvous.E_AUTH ? "; check backends.Direct.secret" : "")
                                + (code == Rendezvous.E_RELAY ? "; hole punching had failed (symmetric NAT?): use a storage"
                                + " channel for this job, or a rendezvous server that relays" : ""));
                    }
                    default:
                        throw new ChannelException("Direct: rendezvous server " + server + " sent an unknown frame type " + type);
                }
            }
        }

        /** What follows the server's expected frame. */
        private interface Then {
            void accept(ByteBuffer payload) throws IOException;
        }

        /** Both ends send {@code magic | hash of the pairing's name | side} and check the other's. */
        private final class Handshake {
            final SocketChannel socket;
            final Deadline by;
            final ByteBuffer mine = ByteBuffer.allocate(HANDSHAKE_BYTES);
            final ByteBuffer theirs = ByteBuffer.allocate(HANDSHAKE_BYTES);

            Handshake(SocketChannel socket, Deadline by) throws IOException {
                this.socket = socket;
                this.by = by;
                mine.putInt(HANDSHAKE_MAGIC).putInt(pairing.hashCode()).put((byte) side).flip();
                SelectionKey key = loop.keyOf(socket);
                if (key == null) {
                    loop.register(socket, SelectionKey.OP_WRITE | SelectionKey.OP_READ, Attempt.this);
                } else {
                    key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                }
            }

            void ready(SelectionKey key) throws IOException {
                try {
                    if (mine.hasRemaining() && key.isWritable()) {
                        socket.write(mine);
                        if (!mine.hasRemaining()) {
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (key.isReadable() && socket.read(theirs) < 0) {
                        throw new IOException("the connection was closed");
                    }
                } catch (IOException e) {
                    failedWith(new ChannelException("Direct: handshake of pairing '" + pairing + "' failed: "
                            + e.getMessage(), e));
                    return;
                }
                if (theirs.hasRemaining() || mine.hasRemaining()) {
                    return;
                }
                theirs.flip();
                if (theirs.getInt() != HANDSHAKE_MAGIC || theirs.getInt() != pairing.hashCode() || theirs.get() != 1 - side) {
                    failedWith(new ChannelException("Direct: the connection made for pairing '" + pairing
                            + "' reached something else than its peer"));
                    return;
                }
                done(socket);
            }

            private void failedWith(ChannelException e) throws IOException {
                if (relayedBecause == null) {
                    punchFailed(e);
                } else {
                    throw e;
                }
            }
        }
    }
}
