package io.fmi.channel.direct;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.MessageSizeException;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.PeerToPeerChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Direct channel: TCP connections between functions, opened by hole punching through the
 * rendezvous server ({@link HolePuncher}) and driven by Netty.
 *
 * <p>Connections are made lazily, one per peer pair, in the background: the first send to or
 * receive from a peer starts the pairing, a send before the connection exists is queued (copied)
 * and flushed in order once it does, so peers that all send first and receive later never wait on
 * each other's pairing. Frames carry a 12-byte header (version, flags, tag, length) and optionally
 * a CRC32C; receives are matched per source and tag, with unexpected messages queued; a message of
 * another size than the receive buffer is a {@link MessageSizeException}.
 *
 * <p>Reads run on Netty's event loops (shared by all channels of a JVM), which always drain every
 * connection, so peers that send to each other at once never deadlock. Writes go straight from the
 * calling thread to the socket with a gathering write of header and payload — no copy and no
 * hand-off to the event loop, which halves the latency of a message — waiting for writability on a
 * selector of the peer's own when the socket buffer is full, never past the deadline. A send
 * returns when its bytes are in the socket (the buffer may then be reused). A lost connection
 * fails the operations waiting on that peer at once with a {@link ChannelException}.
 */
public final class DirectChannel implements PeerToPeerChannel {
    /** The backend name. */
    public static final String NAME = "Direct";

    private static final Logger LOG = LoggerFactory.getLogger(DirectChannel.class);
    private static final EventLoopGroup GROUP = new NioEventLoopGroup(0, new DefaultThreadFactory("fmi-direct", true));
    private static final ExecutorService PAIRING = Executors.newCachedThreadPool(new DefaultThreadFactory("fmi-pairing", true));

    private final DirectSettings settings;
    private ChannelContext context;
    private Peer[] peers;
    private volatile boolean closed;

    DirectChannel(DirectSettings settings) {
        this.settings = settings;
    }

    /** One remote peer: its connection (once made), what waits to be sent, and what it sent us. */
    private final class Peer {
        final int rank;
        final Inbox inbox = new Inbox();
        final List<ByteBuffer[]> queued = new ArrayList<>();
        Channel connection;
        SocketChannel socket;
        Selector writable;
        boolean pairing;
        RuntimeException failure;

        Peer(int rank) {
            this.rank = rank;
        }

        /** Starts pairing in the background unless it is under way; it may last until the later of {@code opDeadline} and the pairing timeout. */
        synchronized void start(Deadline opDeadline) {
            if (pairing || connection != null || failure != null) {
                return;
            }
            pairing = true;
            Deadline own = Deadline.after(settings.pairingTimeout);
            Deadline deadline = opDeadline.remainingNanos() > own.remainingNanos() ? opDeadline : own;
            PAIRING.execute(() -> connect(deadline));
        }

        private void connect(Deadline deadline) {
            int me = context.rank();
            String pairingName = context.communicatorName() + "/" + Math.min(me, rank) + "-" + Math.max(me, rank);
            try {
                SocketChannel socket = HolePuncher.connect(settings.server, pairingName, me < rank ? 0 : 1, settings.secret,
                        deadline);
                NioSocketChannel channel = new NioSocketChannel(socket);
                channel.config().setOption(ChannelOption.TCP_NODELAY, true);
                channel.config().setAutoRead(true);
                channel.pipeline().addLast(new FrameDecoder(inbox), new Receiver(this));
                GROUP.register(channel).syncUninterruptibly();
                synchronized (this) {
                    if (closed) {
                        channel.close();
                        return;
                    }
                    this.socket = socket;
                    for (ByteBuffer[] frame : queued) {
                        writeFully(frame, deadline);
                    }
                    queued.clear();
                    connection = channel;
                    pairing = false;
                    notifyAll();
                }
                LOG.debug("rank {} connected to rank {} ({})", me, rank, channel.remoteAddress());
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        synchronized void fail(RuntimeException e) {
            if (failure == null) {
                failure = e;
                pairing = false;
                queued.clear();
                notifyAll();
            }
            inbox.fail(e);
        }

        /**
         * Writes one frame straight to the socket from the calling thread (no hand-off to the event
         * loop, which only reads), or queues a copy while the connection is being made.
         */
        synchronized void send(ByteBuffer[] frame, Deadline deadline) {
            if (failure != null) {
                throw failure instanceof FmiException ? new ChannelException(failure.getMessage(), failure) : failure;
            }
            if (connection == null) {
                ByteBuffer[] copy = new ByteBuffer[frame.length];
                for (int i = 0; i < frame.length; i++) {
                    ByteBuffer c = ByteBuffer.allocate(frame[i].remaining());
                    c.put(frame[i].duplicate()).flip();
                    copy[i] = c;
                }
                queued.add(copy);
                start(deadline);
                return;
            }
            writeFully(frame, deadline);
        }

        /**
         * Writes all of {@code frame}; while the socket's buffer is full, waits on a selector of this
         * peer's own for writability (the event loop keeps reading meanwhile, so two peers that send
         * to each other never deadlock), never past the deadline.
         */
        private void writeFully(ByteBuffer[] frame, Deadline deadline) {
            try {
                long left = 0;
                for (ByteBuffer b : frame) {
                    left += b.remaining();
                }
                while (left > 0) {
                    long n = socket.write(frame);
                    left -= n;
                    if (n == 0 && left > 0) {
                        if (writable == null) {
                            writable = Selector.open();
                            socket.register(writable, SelectionKey.OP_WRITE);
                        }
                        long ms = deadline.remainingMillis();
                        if (ms <= 0) {
                            throw new FmiTimeoutException("Direct: sending to rank " + rank + " did not complete within "
                                    + deadline.budget().toMillis() + " ms (the receiver is not reading?)");
                        }
                        writable.select(Math.min(ms, 100));
                        writable.selectedKeys().clear();
                    }
                }
            } catch (java.io.IOException e) {
                ChannelException failed = new ChannelException("Direct: sending to rank " + rank + " failed: " + e, e);
                fail(failed);
                throw failed;
            }
        }

        /**
         * Delivers what was sent before closing: waits (bounded) for a pairing that has queued
         * messages to finish, then closes the connection once everything written is flushed.
         */
        void close(Deadline deadline) {
            Channel toClose;
            synchronized (this) {
                while (connection == null && failure == null && pairing && !queued.isEmpty() && !deadline.expired()) {
                    try {
                        wait(Math.max(1, deadline.remainingMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                queued.clear();
                toClose = connection;
                HolePuncher.close(writable);
            }
            if (toClose != null) {
                toClose.close().awaitUninterruptibly(Math.max(1, deadline.remainingMillis()));
            }
        }
    }

    /** Watches the connection: a closed or broken one fails the peer (frames go to its inbox in the decoder). */
    private final class Receiver extends ChannelInboundHandlerAdapter {
        private final Peer peer;

        Receiver(Peer peer) {
            this.peer = peer;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closed) {
                peer.fail(new ChannelException("Direct: the connection to rank " + peer.rank + " ("
                        + ctx.channel().remoteAddress() + ") was closed; the peer exited or crashed"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            peer.fail(new ChannelException("Direct: the connection to rank " + peer.rank + " failed: " + cause, cause));
            ctx.close();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(ChannelContext context) {
        if (this.context != null) {
            throw new FmiException("Direct channel is already open; create one channel per peer");
        }
        this.context = context;
        this.peers = new Peer[context.size()];
        for (int r = 0; r < peers.length; r++) {
            peers[r] = new Peer(r);
        }
        if (settings.eager) {
            Deadline deadline = Deadline.after(settings.pairingTimeout);
            for (Peer p : peers) {
                if (p.rank != context.rank()) {
                    p.start(deadline);
                }
            }
        }
    }

    private Peer peer(int rank) {
        if (rank == context.rank()) {
            throw new FmiException("Direct: rank " + rank + " cannot open a connection to itself");
        }
        return peers[rank];
    }

    @Override
    public void send(int dest, int tag, ByteBuffer data, Deadline deadline) {
        Peer peer = peer(dest);
        int length = data.remaining();
        ByteBuffer header = ByteBuffer.allocate(FrameDecoder.HEADER);
        header.put(FrameDecoder.VERSION).put((byte) (settings.checksum ? FrameDecoder.FLAG_CRC : 0)).putShort((short) 0)
                .putInt(tag).putInt(length).flip();
        ByteBuffer payload = data.duplicate();
        if (settings.checksum) {
            CRC32C crc = new CRC32C();
            crc.update(data.duplicate());
            ByteBuffer trailer = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
            peer.send(new ByteBuffer[] {header, payload, trailer}, deadline);
        } else {
            peer.send(new ByteBuffer[] {header, payload}, deadline);
        }
    }

    @Override
    public void recv(int src, int tag, ByteBuffer into, Deadline deadline) {
        Peer peer = peer(src);
        peer.start(deadline);
        byte[] message = peer.inbox.take(tag, into, deadline, () -> {
            synchronized (peer) {
                return peer.connection != null
                        ? "Direct: no message from rank " + src + " with tag " + tag + " arrived within "
                                + deadline.budget().toMillis() + " ms (connected to it)"
                        : "Direct: no connection to rank " + src + " within " + deadline.budget().toMillis()
                                + " ms via the rendezvous server " + settings.server + ": either rank " + src
                                + " is not running, or a NAT between you is symmetric, which defeats hole punching"
                                + " (then use a storage channel for this job)";
            }
        });
        if (message == Inbox.IN_PLACE) {
            return;
        }
        if (message.length != into.remaining()) {
            throw new MessageSizeException("rank " + src + " sent " + message.length + " bytes (tag " + tag
                    + ") but the receiving buffer holds " + into.remaining() + " bytes; sender and receiver must use"
                    + " buffers of the same length", into.remaining(), message.length);
        }
        into.duplicate().put(message);
    }

    /**
     * Closes every connection after flushing what this peer sent; sends still waiting for their
     * connection get up to {@code close_grace} (default 10 s) to be delivered.
     */
    @Override
    public void close() {
        if (peers != null && !closed) {
            Deadline deadline = Deadline.after(settings.closeGrace);
            for (Peer p : peers) {
                p.close(deadline);
            }
        }
        closed = true;
    }

    @Override
    public String toString() {
        return "DirectChannel[rendezvous " + settings.server + "]";
    }
}
