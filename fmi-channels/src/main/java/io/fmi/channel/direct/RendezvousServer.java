package io.fmi.channel.direct;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rendezvous server of the Direct channel: it tells two peers each other's public endpoint so
 * that they can open a TCP connection to each other through their NATs. Non-blocking (Netty), many
 * pairings at once; pairing requests are authenticated with the job secret (HMAC-SHA256) when the
 * server has one; the table of half-complete pairings is bounded and its entries expire; clients
 * that stay silent are disconnected; oversized or malformed frames, wrong versions, bad MACs and
 * duplicate names are rejected with an {@code ERROR} frame and a logged reason, without affecting
 * other pairings.
 *
 * <p>When hole punching fails between two peers (symmetric NATs), both ask to be relayed: the
 * server then carries their connection, authenticated like a pairing, rate-limited per job
 * ({@link Options#relayBytesPerSecond()}), with at most {@link Options#maxRelaysPerJob()} pairs per
 * job and about 64 KiB buffered per direction; {@link #relayedPairs()} and {@link #relayedBytes()}
 * count them.
 *
 * <pre>
 * java -cp fmi-examples/target/fmi-demo.jar io.fmi.channel.direct.RendezvousServer --port 10000 [--bind 0.0.0.0] [--secret-file s.txt]
 *      [--relay-mib-per-second 128] [--max-relays-per-job 1024]
 * </pre>
 * Embedded: {@code RendezvousServer.start(new InetSocketAddress("127.0.0.1", 0), Options.defaults())}.
 */
public final class RendezvousServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RendezvousServer.class);

    /**
     * Netty's constants, in a class of their own: this class's initialisation must not touch Netty,
     * so that {@link #withoutUnsafeWarnings()} can still act when it is called.
     */
    private static final class Keys {
        /** When a connection's pairing completed; it is closed once idle for {@code linger} after that. */
        static final io.netty.util.AttributeKey<Long> PAIRED_AT = io.netty.util.AttributeKey.valueOf("fmi.pairedAt");
    }

    /**
     * Server settings. {@code relayBytesPerSecond}: what the relayed connections of one job may
     * carry per second, both directions together (0: no limit); {@code maxRelaysPerJob}: how many
     * pairs of one job may be relayed at once (0: no relaying).
     */
    public record Options(byte[] secret, int maxPending, Duration pairingTimeout, Duration helloTimeout,
                          Duration linger, long relayBytesPerSecond, int maxRelaysPerJob) {
        /**
         * No secret, 100000 pending pairings, 60 s to find a partner, 5 s to say hello, 60 s linger;
         * relaying for up to 1024 pairs per job at 128 MiB/s per job.
         */
        public static Options defaults() {
            return new Options(null, 100_000, Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(60),
                    128L << 20, 1024);
        }

        /** These options with {@code secret} (null: no authentication). */
        public Options withSecret(byte[] secret) {
            return new Options(secret == null ? null : secret.clone(), maxPending, pairingTimeout, helloTimeout, linger,
                    relayBytesPerSecond, maxRelaysPerJob);
        }

        /** These options with another bound on half-complete pairings. */
        public Options withMaxPending(int max) {
            return new Options(secret, max, pairingTimeout, helloTimeout, linger, relayBytesPerSecond, maxRelaysPerJob);
        }

        /** These options with other timeouts. */
        public Options withTimeouts(Duration pairing, Duration hello) {
            return new Options(secret, maxPending, pairing, hello, linger, relayBytesPerSecond, maxRelaysPerJob);
        }

        /** These options with other relay limits per job (bytes per second, 0: unlimited; pairs, 0: no relaying). */
        public Options withRelay(long bytesPerSecond, int maxPairs) {
            return new Options(secret, maxPending, pairingTimeout, helloTimeout, linger, bytesPerSecond, maxPairs);
        }
    }

    private record Waiting(Channel channel, InetSocketAddress endpoint, int side, long sinceNanos) {
    }

    private final Options options;
    private final EventLoopGroup group;
    /** The listening channel, set once bound (connections are only accepted after that). */
    private volatile Channel server;
    private final Map<String, Waiting> pending = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweeper;
    private final AtomicLong paired = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong relayedPairs = new AtomicLong();
    private final AtomicLong relayedBytes = new AtomicLong();
    /** The relays under way, per job: their shared rate limit and how many there are. */
    private final Map<String, JobRelays> relays = new ConcurrentHashMap<>();

    private static final class JobRelays {
        final GlobalTrafficShapingHandler shaper;
        int pairs;

        JobRelays(GlobalTrafficShapingHandler shaper) {
            this.shaper = shaper;
        }
    }

    private RendezvousServer(Options options, EventLoopGroup group) {
        this.options = options;
        this.group = group;
        this.sweeper = group.next().scheduleAtFixedRate(this::expire, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Starts a server on {@code bind} (port 0 picks a free port). */
    public static RendezvousServer start(InetSocketAddress bind, Options options) {
        EventLoopGroup group = new NioEventLoopGroup(2, new DefaultThreadFactory("fmi-rendezvous", true));
        // the server exists before it binds, so a client that connects at once finds its handler
        RendezvousServer self = new RendezvousServer(options, group);
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new IdleStateHandler(0, 0, options.helloTimeout().toMillis(), TimeUnit.MILLISECONDS),
                                    new LengthFieldBasedFrameDecoder(Rendezvous.HEADER + Rendezvous.MAX_PAYLOAD, 4, 4, 0, 0),
                                    self.new Handler());
                        }
                    })
                    .bind(bind).sync().channel();
            self.server = channel;
            LOG.info("rendezvous server listening on {}{}", channel.localAddress(),
                    options.secret() == null ? " (no authentication)" : " (HMAC authentication)");
            return self;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new io.fmi.ChannelException("interrupted while starting the rendezvous server", e);
        } catch (Exception e) {
            // Netty rethrows the bind's IOException unchecked-in-disguise: catch every exception here
            self.sweeper.cancel(false);
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new io.fmi.ChannelException("cannot start the rendezvous server on " + bind + ": " + e.getMessage(), e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Pairings waiting for their second side. */
    public int pendingPairings() {
        return pending.size();
    }

    /** Pairings completed so far. */
    public long completedPairings() {
        return paired.get();
    }

    /** Pairs whose connection this server relayed (hole punching had failed between them). */
    public long relayedPairs() {
        return relayedPairs.get();
    }

    /** Bytes this server carried for relayed pairs, both directions. */
    public long relayedBytes() {
        return relayedBytes.get();
    }

    /** Relays under way now. */
    public int activeRelays() {
        synchronized (relays) {
            return relays.values().stream().mapToInt(r -> r.pairs).sum();
        }
    }

    /** Requests rejected so far (malformed, unauthenticated, duplicate, over capacity, expired, silent). */
    public long rejectedRequests() {
        return rejected.get();
    }

    private void expire() {
        long limit = options.pairingTimeout().toNanos();
        long now = System.nanoTime();
        pending.forEach((name, w) -> {
            if (now - w.sinceNanos() > limit || !w.channel().isActive()) {
                if (pending.remove(name, w) && w.channel().isActive()) {
                    reject(w.channel(), Rendezvous.E_EXPIRED, "no partner for pairing '" + name + "' within "
                            + options.pairingTimeout().toMillis() + " ms");
                }
            }
        });
    }

    private void reject(Channel channel, int code, String reason) {
        rejected.incrementAndGet();
        LOG.warn("rendezvous: rejected {}: {}", channel.remoteAddress(), reason);
        channel.writeAndFlush(Unpooled.wrappedBuffer(Rendezvous.frame(Rendezvous.ERROR, Rendezvous.error(code, reason))))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private static void send(Channel channel, byte type, byte[] payload) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(Rendezvous.frame(type, payload)));
    }

    /** The job a pairing belongs to: its communicator's name (a pairing is named {@code <communicator>/<a>-<b>}). */
    private static String jobOf(String pairing) {
        int slash = pairing.lastIndexOf('/');
        return slash > 0 ? pairing.substring(0, slash) : pairing;
    }

    /**
     * Joins the connections of a pair whose hole punching failed: each becomes a byte pipe to the
     * other. {@code first} is told RELAYED first; {@code second} only once {@code first}'s pipe is in
     * place, so neither side's bytes can overtake the RELAYED frame the other reads.
     */
    private void relay(Channel first, Channel second, String pairing) {
        String job = jobOf(pairing);
        JobRelays r;
        synchronized (relays) {
            r = relays.get(job);
            if (r != null && r.pairs >= options.maxRelaysPerJob()) {
                r = null;
            } else {
                if (r == null) {
                    r = new JobRelays(new GlobalTrafficShapingHandler(group.next(), 0, options.relayBytesPerSecond(), 100));
                    relays.put(job, r);
                }
                r.pairs++;
            }
        }
        if (r == null) {
            String reason = "job '" + job + "' already has " + options.maxRelaysPerJob() + " relayed pairs (the server's limit)";
            reject(first, Rendezvous.E_BUSY, reason);
            reject(second, Rendezvous.E_BUSY, reason);
            return;
        }
        relayedPairs.incrementAndGet();
        LOG.info("rendezvous: relaying pairing '{}' ({} <-> {})", pairing, first.remoteAddress(), second.remoteAddress());
        JobRelays relay = r;
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(2);
        first.eventLoop().execute(() -> {
            if (!first.isActive() || !second.isActive()) {
                abandon(first, second, relay, job);
                return;
            }
            pipe(first, second, relay, job, open);
            send(first, Rendezvous.RELAYED, new byte[0]);
            second.eventLoop().execute(() -> {
                if (!second.isActive()) {
                    // first's pipe is in place: second's share is given up here, first's pipe gives
                    // the job's slot back when it closes
                    open.decrementAndGet();
                    first.close();
                    second.close();
                    return;
                }
                pipe(second, first, relay, job, open);
                send(second, Rendezvous.RELAYED, new byte[0]);
            });
        });
    }

    /** One side left before the relay was set up: close both and give the job's slot back. */
    private void abandon(Channel first, Channel second, JobRelays relay, String job) {
        first.close();
        second.close();
        release(relay, job);
    }

    /** A relayed pair ended: the job has one relay fewer (and no shaper once it has none). */
    private void release(JobRelays relay, String job) {
        synchronized (relays) {
            if (--relay.pairs <= 0 && relays.remove(job, relay)) {
                relay.shaper.release();
            }
        }
    }

    /** Turns {@code ch}'s pipeline from the request decoder into a pipe to {@code other}. */
    private void pipe(Channel ch, Channel other, JobRelays relay, String job, java.util.concurrent.atomic.AtomicInteger open) {
        io.netty.channel.ChannelPipeline p = ch.pipeline();
        p.addLast(relay.shaper, new Pipe(other, relay, job, open));
        p.remove(IdleStateHandler.class);
        p.remove(LengthFieldBasedFrameDecoder.class);
        p.remove(Handler.class);
    }

    /**
     * One direction of a relay: what arrives is written to the other side; while the other side's
     * outbound buffer is over its high-water mark this side is not read (so a relay holds at most
     * about 64 KiB per direction, whatever the two sides' speeds). When either side closes, the
     * other is closed after what was already forwarded.
     */
    private final class Pipe extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final Channel other;
        private final JobRelays relay;
        private final String job;
        /** The pair's sides still open (shared by its two pipes). */
        private final java.util.concurrent.atomic.AtomicInteger open;
        private boolean ended;

        Pipe(Channel other, JobRelays relay, String job, java.util.concurrent.atomic.AtomicInteger open) {
            this.other = other;
            this.relay = relay;
            this.job = job;
            this.open = open;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                relayedBytes.addAndGet(b.readableBytes());
            }
            other.writeAndFlush(msg).addListener(f -> {
                if (!f.isSuccess()) {
                    ctx.close();
                }
            });
            if (!other.isWritable()) {
                ctx.channel().config().setAutoRead(false);
                other.eventLoop().execute(() -> {
                    // the other side drained before this side stopped reading: read on
                    if (other.isWritable()) {
                        ctx.channel().config().setAutoRead(true);
                    }
                });
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                other.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (other.isActive()) {
                other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            end();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("rendezvous: relayed connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }

        /** One side's end; the pair's count goes when the second side ends. */
        private void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (open.decrementAndGet() == 0) {
                release(relay, job);
            }
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        private boolean asked;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            Channel ch = ctx.channel();
            if (frame.getByte(0) != Rendezvous.MAGIC_0 || frame.getByte(1) != Rendezvous.MAGIC_1) {
                reject(ch, Rendezvous.E_MALFORMED, "not an FMI rendezvous frame");
                return;
            }
            if (frame.getByte(2) != Rendezvous.VERSION) {
                reject(ch, Rendezvous.E_VERSION, "protocol version " + frame.getByte(2) + " is not supported (this server speaks "
                        + Rendezvous.VERSION + ")");
                return;
            }
            byte type = frame.getByte(3);
            if ((type != Rendezvous.PAIR && type != Rendezvous.RELAY) || asked) {
                reject(ch, Rendezvous.E_MALFORMED, asked ? "a second request on one connection" : "expected a PAIR or RELAY request");
                return;
            }
            boolean relay = type == Rendezvous.RELAY;
            asked = true;
            byte[] payload = new byte[frame.readableBytes() - Rendezvous.HEADER];
            frame.getBytes(Rendezvous.HEADER, payload);
            Rendezvous.Pair pair = Rendezvous.parsePair(java.nio.ByteBuffer.wrap(payload));
            if (pair == null || relay != pair.name().startsWith(Rendezvous.RELAY_PREFIX)) {
                reject(ch, Rendezvous.E_MALFORMED, "malformed " + (relay ? "RELAY" : "PAIR") + " request");
                return;
            }
            if (relay && options.maxRelaysPerJob() == 0) {
                reject(ch, Rendezvous.E_RELAY, "this rendezvous server does not relay (started with relaying off)");
                return;
            }
            if (options.secret() != null) {
                if (!Rendezvous.verify(options.secret(), pair)) {
                    reject(ch, Rendezvous.E_AUTH, "bad MAC for pairing '" + pair.name() + "' (wrong job secret?)");
                    return;
                }
                if (Math.abs(System.currentTimeMillis() - pair.timeMillis()) > Rendezvous.MAX_SKEW_MS) {
                    reject(ch, Rendezvous.E_AUTH, "stale PAIR request (clock skew over " + Rendezvous.MAX_SKEW_MS + " ms)");
                    return;
                }
            }
            InetSocketAddress observed = (InetSocketAddress) ch.remoteAddress();
            if (!relay) {
                send(ch, Rendezvous.OBSERVED, Rendezvous.endpoint(observed));
            }
            Waiting me = new Waiting(ch, observed, pair.side(), System.nanoTime());
            while (true) {
                Waiting other = pending.get(pair.name());
                if (other == null) {
                    boolean full;
                    boolean added = false;
                    // checking the bound and adding are one step: concurrent requests cannot overshoot it
                    synchronized (pending) {
                        full = pending.size() >= options.maxPending();
                        if (!full) {
                            added = pending.putIfAbsent(pair.name(), me) == null;
                        }
                    }
                    if (full) {
                        reject(ch, Rendezvous.E_BUSY, "too many pending pairings (" + options.maxPending() + ")");
                        return;
                    }
                    if (added) {
                        return;
                    }
                    continue;
                }
                if (!other.channel().isActive()) {
                    pending.remove(pair.name(), other);
                    continue;
                }
                if (other.side() == pair.side()) {
                    reject(ch, Rendezvous.E_DUPLICATE, "pairing '" + pair.name() + "' side " + pair.side()
                            + " is already waiting");
                    return;
                }
                if (pending.remove(pair.name(), other)) {
                    if (relay) {
                        relay(other.channel(), ch, pair.name().substring(Rendezvous.RELAY_PREFIX.length()));
                        return;
                    }
                    long now = System.nanoTime();
                    other.channel().attr(Keys.PAIRED_AT).set(now);
                    ch.attr(Keys.PAIRED_AT).set(now);
                    paired.incrementAndGet();
                    send(other.channel(), Rendezvous.PEER, Rendezvous.endpoint(observed));
                    send(ch, Rendezvous.PEER, Rendezvous.endpoint(other.endpoint()));
                    return;
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                if (!asked) {
                    reject(ctx.channel(), Rendezvous.E_TIMEOUT, "no request within " + options.helloTimeout().toMillis() + " ms");
                } else {
                    Long pairedAt = ctx.channel().attr(Keys.PAIRED_AT).get();
                    if (pairedAt != null && System.nanoTime() - pairedAt > options.linger().toNanos()) {
                        ctx.close();
                    }
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                reject(ctx.channel(), Rendezvous.E_MALFORMED, "frame too long (at most " + Rendezvous.MAX_PAYLOAD
                        + " payload bytes)");
            } else {
                LOG.debug("rendezvous: connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
                ctx.close();
            }
        }
    }

    @Override
    public void close() {
        sweeper.cancel(false);
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** {@code --port 10000 [--bind 0.0.0.0] [--secret-file path]}: runs until killed. */
    /**
     * For a program's {@code main}, before anything uses Netty: on JDK 24 and later, where every
     * first use of {@code sun.misc.Unsafe}'s memory access prints four lines of warning (JEP 498),
     * Netty is told not to use it ({@code io.netty.noUnsafe}), unless the property is set already.
     * The server handles a few small requests per pair; it does not need it. It must run before
     * anything in the JVM first uses Netty, so this class's own initialisation does not.
     */
    public static void withoutUnsafeWarnings() {
        if (Runtime.version().feature() >= 24 && System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }

    public static void main(String[] args) throws Exception {
        withoutUnsafeWarnings();
        int port = 10000;
        String bind = "0.0.0.0";
        byte[] secret = null;
        long relayRate = Options.defaults().relayBytesPerSecond();
        int maxRelays = Options.defaults().maxRelaysPerJob();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port":
                    port = Integer.parseInt(args[i + 1]);
                    break;
                case "--bind":
                    bind = args[i + 1];
                    break;
                case "--secret-file":
                    secret = Files.readString(Path.of(args[i + 1])).trim().getBytes(StandardCharsets.UTF_8);
                    break;
                case "--relay-mib-per-second":
                    relayRate = Long.parseLong(args[i + 1]) << 20;
                    break;
                case "--max-relays-per-job":
                    maxRelays = Integer.parseInt(args[i + 1]);
                    break;
                default:
                    System.err.println("usage: RendezvousServer --port 10000 [--bind 0.0.0.0] [--secret-file s.txt]"
                            + " [--relay-mib-per-second 128 (per job; 0: unlimited)] [--max-relays-per-job 1024 (0: no relay)]");
                    System.exit(2);
            }
        }
        RendezvousServer server;
        try {
            server = start(new InetSocketAddress(bind, port), Options.defaults().withSecret(secret).withRelay(relayRate, maxRelays));
        } catch (io.fmi.ChannelException e) {
            // one clear line and a non-zero exit, not a stack trace and a JVM kept alive by its threads
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.err.println("rendezvous server: cannot listen on " + bind + ":" + port + ": " + root.getMessage()
                    + " (is another server using the port? choose one with --port)");
            System.exit(1);
            return;
        }
        System.out.println("rendezvous server listening on " + bind + ":" + server.port()
                + (secret == null ? " (no authentication)" : " (HMAC authentication)"));
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
