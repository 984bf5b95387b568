package io.fmi.channel.direct;

import io.fmi.ChannelException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.Deadline;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP hole punching, TCPunch's scheme: contact the rendezvous server from a socket bound with
 * SO_REUSEADDR and SO_REUSEPORT, learn the peer's public endpoint, then listen on and repeatedly
 * connect from that same local port to the peer's endpoint until an accept or a connect succeeds
 * (through NATs, the two sides' SYNs open each other's mappings; on one host the connection is
 * simply made). The rendezvous connection stays open until the punch is done, keeping the NAT
 * mapping alive. Both ends then exchange a short handshake that names the pairing, so a stray
 * connection is never mistaken for the peer.
 */
final class HolePuncher {
    private static final Logger LOG = LoggerFactory.getLogger(HolePuncher.class);
    private static final int HANDSHAKE_MAGIC = 0x464D4944;
    private static final long ATTEMPT_MS = 1500;

    private HolePuncher() {
    }

    /** A connection to the peer: punched, or carried by the rendezvous server. */
    record Connection(SocketChannel socket, String relayedBecause) {
        boolean relayed() {
            return relayedBecause != null;
        }
    }

    /** Connects this side of {@code pairing} to the other side by punching only, until {@code deadline}. */
    static SocketChannel connect(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline) {
        return connect(server, pairing, side, secret, deadline, java.time.Duration.ZERO, false).socket();
    }

    /**
     * Connects this side of {@code pairing} to the other side. Once the server has named the peer,
     * punching gets {@code punchTimeout}; if it fails and {@code relay} is on, both sides fall back
     * to a connection relayed by the rendezvous server, until {@code deadline}.
     *
     * @param side 0 for the lower rank, 1 for the higher
     */
    static Connection connect(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline,
                              java.time.Duration punchTimeout, boolean relay) {
        SocketChannel rendezvous = null;
        try {
            rendezvous = SocketChannel.open();
            reuse(rendezvous);
            rendezvous.bind(new InetSocketAddress(0));
            connectToServer(rendezvous, server, deadline);
            int localPort = ((InetSocketAddress) rendezvous.getLocalAddress()).getPort();
            rendezvous.socket().getOutputStream().write(Rendezvous.frame(Rendezvous.PAIR,
                    Rendezvous.pairPayload(pairing, side, System.currentTimeMillis(), secret)));
            InetSocketAddress peer = Rendezvous.parseEndpoint(await(rendezvous, server, pairing, Rendezvous.PEER, deadline));
            LOG.debug("pairing {}: local port {}, peer at {}", pairing, localPort, peer);
            Deadline punchDeadline = relay && punchTimeout.toNanos() < deadline.remainingNanos()
                    ? Deadline.after(punchTimeout) : deadline;
            SocketChannel connection = null;
            String why;
            try {
                connection = punch(localPort, peer, pairing, punchDeadline, relay);
                handshake(connection, pairing, side, punchDeadline);
                return new Connection(connection, null);
            } catch (IOException | RuntimeException e) {
                // whatever failed (the handshake's own write included), the connection goes
                close(connection);
                if (!relay || deadline.expired() || e instanceof ClosedByInterruptException) {
                    throw e;
                }
                why = "hole punching to " + peer + " failed (" + e.getMessage() + ")";
                LOG.info("pairing {}: {}; relaying through the rendezvous server {}", pairing, why, server);
            }
            return new Connection(relayed(server, pairing, side, secret, deadline), why);
        } catch (IOException e) {
            throw new ChannelException("Direct: pairing '" + pairing + "' via " + server + " failed: " + e, e);
        } finally {
            close(rendezvous);
        }
    }

    /** Connects this side of {@code pairing} through the rendezvous server's relay, without punching. */
    static Connection relayOnly(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline) {
        try {
            return new Connection(relayed(server, pairing, side, secret, deadline),
                    "hole punching is off (backends.Direct.punch: false)");
        } catch (IOException e) {
            throw new ChannelException("Direct: relaying pairing '" + pairing + "' via " + server + " failed: " + e, e);
        }
    }

    private static void connectToServer(SocketChannel channel, InetSocketAddress server, Deadline deadline) {
        try {
            channel.socket().connect(server, (int) Math.max(1, Math.min(deadline.remainingMillis(), 10_000)));
        } catch (IOException e) {
            throw new ChannelException("Direct: cannot reach the rendezvous server at " + server + ": " + e.getMessage()
                    + "; check backends.Direct host/port and that the server runs", e);
        }
    }

    /** A connection to the peer carried by the rendezvous server, once both sides asked for it. */
    static SocketChannel relayed(InetSocketAddress server, String pairing, int side, byte[] secret, Deadline deadline)
            throws IOException {
        SocketChannel s = SocketChannel.open();
        try {
            connectToServer(s, server, deadline);
            s.socket().getOutputStream().write(Rendezvous.frame(Rendezvous.RELAY,
                    Rendezvous.pairPayload(Rendezvous.RELAY_PREFIX + pairing, side, System.currentTimeMillis(), secret)));
            await(s, server, pairing, Rendezvous.RELAYED, deadline);
            handshake(s, pairing, side, deadline);
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return s;
        } catch (IOException | RuntimeException e) {
            close(s);
            throw e;
        }
    }

    private static void reuse(java.nio.channels.NetworkChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }

    /** Reads the server's frames until one of type {@code expected}; returns its payload. */
    private static ByteBuffer await(SocketChannel rendezvous, InetSocketAddress server, String pairing, byte expected,
                                    Deadline deadline) throws IOException {
        DataInputStream in = new DataInputStream(rendezvous.socket().getInputStream());
        while (true) {
            int left = (int) Math.min(Integer.MAX_VALUE, deadline.remainingMillis());
            if (left <= 0) {
                throw new FmiTimeoutException("Direct: the peer of pairing '" + pairing + "' did not contact the"
                        + " rendezvous server " + server + " within " + deadline.budget().toMillis() + " ms"
                        + (expected == Rendezvous.RELAYED ? " to be relayed" : ""));
            }
            rendezvous.socket().setSoTimeout(left);
            byte[] header = new byte[Rendezvous.HEADER];
            try {
                in.readFully(header);
            } catch (SocketTimeoutException e) {
                continue;
            }
            ByteBuffer h = ByteBuffer.wrap(header);
            if (h.get(0) != Rendezvous.MAGIC_0 || h.get(1) != Rendezvous.MAGIC_1 || h.get(2) != Rendezvous.VERSION) {
                throw new ChannelException("Direct: " + server + " is not an FMI rendezvous server (version "
                        + Rendezvous.VERSION + ")");
            }
            int length = h.getInt(4);
            if (length < 0 || length > Rendezvous.MAX_PAYLOAD) {
                throw new ChannelException("Direct: rendezvous server " + server + " sent a frame of " + length + " bytes");
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            ByteBuffer p = ByteBuffer.wrap(payload);
            if (h.get(3) == expected) {
                return p;
            }
            switch (h.get(3)) {
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
                    throw new ChannelException("Direct: rendezvous server " + server + " sent an unknown frame type " + h.get(3));
            }
        }
    }

    private static SocketChannel punch(int localPort, InetSocketAddress peer, String pairing, Deadline deadline,
                                       boolean relay) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            reuse(listener);
            listener.bind(new InetSocketAddress(localPort));
            listener.configureBlocking(false);
            IOException last = null;
            while (true) {
                SocketChannel accepted = listener.accept();
                if (accepted != null) {
                    accepted.configureBlocking(true);
                    return accepted;
                }
                long left = deadline.remainingMillis();
                if (left <= 0) {
                    throw new FmiTimeoutException("Direct: could not open a connection to the peer of pairing '" + pairing
                            + "' at " + peer + " within " + deadline.budget().toMillis() + " ms"
                            + (last != null ? " (last attempt: " + last.getMessage() + ")" : "")
                            + "; a symmetric NAT defeats hole punching: "
                            + (relay ? "relaying through the rendezvous server" : "turn on backends.Direct.relay, or use a"
                            + " storage channel for this job"));
                }
                SocketChannel out = SocketChannel.open();
                try {
                    reuse(out);
                    out.bind(new InetSocketAddress(localPort));
                    out.socket().connect(peer, (int) Math.max(1, Math.min(left, ATTEMPT_MS)));
                    return out;
                } catch (IOException e) {
                    close(out);
                    last = e;
                    accepted = listener.accept();
                    if (accepted != null) {
                        accepted.configureBlocking(true);
                        return accepted;
                    }
                    io.fmi.spi.Poller.sleepNanos(5_000_000);
                }
            }
        } finally {
            close(listener);
        }
    }

    private static void handshake(SocketChannel connection, String pairing, int side, Deadline deadline) throws IOException {
        int id = pairing.hashCode();
        ByteBuffer mine = ByteBuffer.allocate(9).putInt(HANDSHAKE_MAGIC).putInt(id).put((byte) side);
        connection.socket().getOutputStream().write(mine.array());
        connection.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, deadline.remainingMillis())));
        byte[] theirs = new byte[9];
        try {
            new DataInputStream(connection.socket().getInputStream()).readFully(theirs);
        } catch (IOException e) {
            close(connection);
            throw new ChannelException("Direct: handshake of pairing '" + pairing + "' failed: " + e.getMessage(), e);
        }
        ByteBuffer t = ByteBuffer.wrap(theirs);
        if (t.getInt() != HANDSHAKE_MAGIC || t.getInt() != id || t.get() != 1 - side) {
            close(connection);
            throw new ChannelException("Direct: the connection made for pairing '" + pairing
                    + "' reached something else than its peer");
        }
        connection.socket().setSoTimeout(0);
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
}
