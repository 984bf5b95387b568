package io.fmi;

import io.fmi.config.BackendConfig;
import io.fmi.config.FmiConfig;
import io.fmi.model.ChannelModel;
import io.fmi.model.ChannelPolicy;
import io.fmi.model.Explanation;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.ChannelProvider;
import io.fmi.spi.Mailbox;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One peer's handle on a group of {@link #size()} peers that exchange data MPI-style, over
 * channels chosen per operation (S3, DynamoDB, Redis, direct TCP, or in-memory for tests).
 *
 * <pre>{@code
 * try (Communicator comm = Communicator.builder()
 *         .rank(peerId).size(numPeers)
 *         .config(Path.of("config/fmi.json"))
 *         .name("MyApp-" + jobId)          // unique per concurrently running job
 *         .memoryMiB(512)                  // function memory, for the cost model
 *         .build()) {
 *     double[] local = {rankResult}, total = new double[1];
 *     comm.allreduce(local, total, Op.SUM);
 * }
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Operations block until this peer's part is done, and every operation has a deadline (the
 *       channel's {@code max_timeout}, or {@link Builder#timeout(Duration)}): a peer that never
 *       arrives causes an {@link FmiTimeoutException}, never a hang.</li>
 *   <li>Collectives must be called by every rank, in the same order, with the same root, operator
 *       and lengths, as in MPI. A length mismatch between peers is a {@link MessageSizeException}:
 *       data is never truncated or padded.</li>
 *   <li>Buffers are {@code byte[] int[] long[] float[] double[]} or {@code ByteBuffer} (the bytes
 *       between position and limit; positions are never moved). Data travels little-endian.
 *       For large collectives over a peer-to-peer channel, direct {@code ByteBuffer}s
 *       ({@link java.nio.ByteBuffer#allocateDirect}) are the fast path: sockets read and write them
 *       as they are, while every byte of a Java array is copied once more on each side (the JDK's
 *       sockets cannot take heap memory; byte arrays are received in place, chunk by chunk, typed
 *       arrays are encoded). On JDK 22 and later, with native access enabled and
 *       {@code sun.nio.ch} opened (fmirun does both), Direct reads and writes large byte arrays in
 *       place too. How close each collective comes to Open MPI's time, from arrays and from direct
 *       buffers, on JDK 17 and 25: README, "Separate processes".</li>
 *   <li>{@code recv} returns a {@link Status} and takes {@link #ANY_SOURCE} and {@link #ANY_TAG}; a
 *       message may be shorter than the receive buffer, never longer ({@link MessageSizeException}).
 *       Messages from one sender that match a receive are never reordered. Point-to-point messages
 *       of a communicator all take one channel (the one pinned for {@link Operation#SEND}, else the
 *       policy's choice for a 64 KiB send).</li>
 *   <li>{@link #split(int, int)} and {@link #dup()} make communicators that share this one's
 *       channels and connections; their traffic is kept apart by a communicator id.</li>
 *   <li>Threads: point-to-point operations ({@code send}, {@code recv}, {@code probe},
 *       {@code sendrecv} and their non-blocking forms) may be called from several threads at once
 *       on one communicator; messages from one thread to one destination keep their order.
 *       Collectives on different communicators (e.g. from {@link #dup()}) may run in different
 *       threads at once. Collectives on one communicator follow MPI's rule: every rank calls them in
 *       the same order (from one thread, or ordered by the caller); a collective's place in that
 *       order is taken when it is called, so non-blocking collectives may be in flight together.</li>
 *   <li>Non-blocking operations ({@code isend}, {@code irecv}, {@code iallreduce}, ...) return a
 *       {@link Request} and progress in the background without further calls; waiting for one
 *       throws what the blocking form would throw.</li>
 *   <li>It is {@link AutoCloseable}: {@link #close()} releases connections and deletes what this
 *       peer stored.</li>
 * </ul>
 * Errors are unchecked {@link FmiException}s whose message names the operation, its sequence
 * number, the channel, this rank and the communicator.
 */
public final class Communicator implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    private final Engine engine;
    private final int rank;
    private final int size;
    private final String name;
    private final int memoryMiB;
    private final ObjectOps objects;

    private Communicator(Builder b, Engine engine) {
        this.engine = engine;
        this.rank = b.rank;
        this.size = b.size;
        this.name = b.name;
        this.memoryMiB = b.memoryMiB;
        this.objects = new ObjectOps(this, b.codec);
    }

    private Communicator(Engine derived, int memoryMiB, ObjectCodec codec) {
        this.engine = derived;
        this.rank = derived.rank();
        this.size = derived.size();
        this.name = derived.name();
        this.memoryMiB = memoryMiB;
        this.objects = new ObjectOps(this, codec);
    }

    /** A new builder; {@link Builder#rank}, {@link Builder#size}, {@link Builder#name} and a config or channel are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The communicator of a function started by {@code fmirun} (or by anything that sets the same
     * environment, see {@link Job}): rank, size, job name, configuration and secret come from the
     * environment. Started alone (no {@code FMI_SIZE}), it is rank 0 of 1 over the in-memory channel,
     * so the same program runs on a laptop without a launcher.
     */
    public static Communicator fromEnvironment() {
        return Job.fromEnvironment(System.getenv()).communicator();
    }

    /** Shorthand for the builder, like the C++ original's constructor. */
    public static Communicator create(int rank, int size, Path config, String name, int memoryMiB) {
        return builder().rank(rank).size(size).config(config).name(name).memoryMiB(memoryMiB).build();
    }

    /**
     * Builds a {@link Communicator}; validates everything once in {@link #build()}. A builder may be
     * reused to build the communicators of several peers (change {@link #rank(int)} in between).
     */
    public static final class Builder {
        private int rank = -1;
        private int size = -1;
        private FmiConfig config;
        private Path configPath;
        private String name;
        private int memoryMiB = 1024;
        private Hint hint = Hint.CHEAP;
        private FmiEventListener listener = FmiEventListener.NONE;
        private boolean abortOnFailure;
        private Duration timeout;
        private final List<Channel> channels = new ArrayList<>();
        private final Map<Operation, String> pins = new EnumMap<>(Operation.class);
        private ChannelPolicy policy = ChannelPolicy.byModel();
        private ObjectCodec codec = ObjectCodec.serializable();

        private Builder() {
        }

        /**
         * How {@code sendObject}, {@code bcastObject} and the other object operations encode values
         * (default {@link ObjectCodec#serializable()}; {@link ObjectCodec#jackson()} for records and
         * beans). Every peer must use the same codec.
         */
        public Builder codec(ObjectCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * How the channel for each operation is chosen from the model's estimates (default
         * {@link ChannelPolicy#byModel()}). It must depend only on its arguments, so that every peer
         * chooses alike.
         */
        public Builder policy(ChannelPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** This peer's rank in {@code [0, size)}. Required. */
        public Builder rank(int rank) {
            this.rank = rank;
            return this;
        }

        /** The number of peers, at least 1. Required. */
        public Builder size(int size) {
            this.size = size;
            return this;
        }

        /** The JSON config file (see {@link FmiConfig}); read in {@link #build()}. */
        public Builder config(Path path) {
            this.configPath = Objects.requireNonNull(path, "path");
            this.config = null;
            return this;
        }

        /** An already parsed config. */
        public Builder config(FmiConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            this.configPath = null;
            return this;
        }

        /**
         * The communicator's name: peers with the same name (and config) form one group, so it must
         * be unique per concurrently running job (e.g. {@code "MyApp-" + jobId}). 1-200 characters
         * from {@code [A-Za-z0-9._:-]}. Required.
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The function's memory in MiB, used by the cost model (default 1024). */
        public Builder memoryMiB(int memoryMiB) {
            this.memoryMiB = memoryMiB;
            return this;
        }

        /** What the channel policy optimises for (default {@link Hint#CHEAP}, like the original). */
        public Builder hint(Hint hint) {
            this.hint = Objects.requireNonNull(hint, "hint");
            return this;
        }

        /**
         * Who is told of every operation (start, end with duration and requests, failure) and of
         * close; default none. {@link FmiEventListener#summary} writes a per-job summary at close.
         */
        public Builder eventListener(FmiEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether an operation that fails because of a lost peer, a passed deadline or a channel
         * error {@link Communicator#abort aborts} the job for every peer (default false: only this
         * peer's operation fails, and the others find out through their own failure detection).
         */
        public Builder abortOnFailure(boolean abortOnFailure) {
            this.abortOnFailure = abortOnFailure;
            return this;
        }

        /** Overrides every channel's {@code max_timeout}: the deadline of each operation. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new FmiConfigException("timeout must be positive, is " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Adds a channel instance (unopened, one per peer) in addition to the configured ones, under
         * its {@link Channel#name()}; e.g. {@code new LocalChannel(hub)} in tests. Every peer must add
         * the same channels in the same order.
         */
        public Builder channel(Channel channel) {
            channels.add(Objects.requireNonNull(channel, "channel"));
            return this;
        }

        /** Routes {@code op} always through {@code channelName}, bypassing the policy (send and recv share SEND's pin). */
        public Builder pin(Operation op, String channelName) {
            pins.put(Objects.requireNonNull(op, "op"), Objects.requireNonNull(channelName, "channelName"));
            return this;
        }

        /**
         * Validates the settings, creates and opens every enabled channel, and returns the
         * communicator. If a channel fails to open, those already opened are closed again.
         *
         * @throws FmiConfigException for invalid settings or configuration
         * @throws ChannelException   if a backend cannot be reached
         */
        public Communicator build() {
            if (size < 1) {
                throw new FmiConfigException("size is " + (size == -1 ? "not set" : size)
                        + "; set the number of peers with size(n), n >= 1");
            }
            if (rank < 0 || rank >= size) {
                throw new FmiConfigException("rank is " + (rank == -1 ? "not set" : rank)
                        + "; set this peer's rank with rank(r), r in [0, " + size + ")");
            }
            if (name == null || !NAME.matcher(name).matches()) {
                throw new FmiConfigException("name is " + (name == null ? "not set" : "\"" + name + "\"")
                        + "; set a name unique per running job, 1-200 characters from [A-Za-z0-9._:-]");
            }
            if (memoryMiB < 1) {
                throw new FmiConfigException("memoryMiB is " + memoryMiB + "; give the function's memory in MiB");
            }
            FmiConfig cfg = config != null ? config : configPath != null ? FmiConfig.load(configPath) : null;
            if (cfg == null && channels.isEmpty()) {
                throw new FmiConfigException("no config and no channel given; call config(path), config(FmiConfig)"
                        + " or channel(Channel)");
            }
            String namespace = cfg != null ? cfg.namespace() : "fmi";
            double gibSecondPrice = cfg != null
                    ? cfg.model("FaaS").getOrDefault("gib_second_price", DEFAULT_GIB_SECOND_PRICE) : DEFAULT_GIB_SECOND_PRICE;
            Engine engine = new Engine(rank, size, name, namespace, memoryMiB, gibSecondPrice, policy, hint);
            engine.listen(listener);
            engine.abortOnFailure(abortOnFailure);
            try {
                if (cfg != null) {
                    for (BackendConfig backend : cfg.enabledBackends().values()) {
                        Channel channel = Providers.find(backend.name()).create(backend);
                        engine.add(backend.name(), channel, timeout != null ? timeout : backend.maxTimeout(),
                                ChannelModel.of(cfg, backend, channel instanceof io.fmi.spi.PeerToPeerChannel, Map.of()));
                    }
                }
                for (Channel channel : channels) {
                    engine.add(channel.name(), channel,
                            timeout != null ? timeout : Duration.ofMillis(BackendConfig.DEFAULT_MAX_TIMEOUT_MS), null);
                }
                if (!engine.hasChannels()) {
                    throw new FmiConfigException("backends: no channel is enabled; enable at least one backend");
                }
                pins.forEach(engine::pin);
            } catch (RuntimeException e) {
                engine.close();
                throw e;
            }
            return new Communicator(this, engine);
        }
    }

    /** AWS Lambda's price per GiB-second (x86), used when the config's {@code model.FaaS} has none. */
    static final double DEFAULT_GIB_SECOND_PRICE = 0.0000166667;

    /** The provider of a configured backend, or an error naming the ones there are. */
    private static final class Providers {
        static ChannelProvider find(String backend) {
            return io.fmi.spi.ChannelProviders.find(backend).orElseThrow(() -> new FmiConfigException("backends."
                    + backend + " is enabled but no channel provider named '" + backend + "' is on the classpath"
                    + " (available: " + io.fmi.spi.ChannelProviders.names() + "); add the io.fmi:fmi-channels"
                    + " dependency, fix the name, or set \"enabled\": false"));
        }
    }

    /** This peer's rank, in {@code [0, size())}. */
    public int rank() {
        return rank;
    }

    /** The number of peers. */
    public int size() {
        return size;
    }

    /** The communicator's name. */
    public String name() {
        return name;
    }

    /** The function memory in MiB given to the builder. */
    public int memoryMiB() {
        return memoryMiB;
    }

    /** The current hint. */
    public Hint hint() {
        return engine.hint();
    }

    /** Changes the hint for subsequent operations. Every peer must change it at the same point. */
    public void hint(Hint hint) {
        engine.hint(Objects.requireNonNull(hint, "hint"));
    }

    /**
     * Every channel's predicted seconds and dollars for {@code op} with {@code bytes} per peer, and
     * the channel the operation would use now. {@code bytes} is the buffer for send, bcast, reduce,
     * allreduce, scan and exscan, and one block for gather, scatter, allgather, alltoall and
     * reduceScatter.
     */
    public Explanation explain(Operation op, long bytes) {
        Objects.requireNonNull(op, "op");
        if (bytes < 0) {
            throw new FmiException("explain: bytes must be >= 0, is " + bytes);
        }
        return engine.explain(op, bytes);
    }

    /**
     * Corrects the model with what this job has observed: every collective on a communicator with
     * more than one channel is timed, and this call (a collective: every peer calls it at the same
     * point, say between iterations, where a tiny allreduce costs nothing) makes every peer agree
     * on each channel's factor, the geometric mean of observed ÷ predicted times so far. From then
     * on the channel choice, {@link #explain} included, uses the corrected times ("model 3 ms × 4.1
     * observed"), identical on every peer. A channel the model over-rates is found out as soon as
     * it is used; one it under-rates is not tried again by this alone (pin an operation to it to
     * measure it). The peers also agree on how many pairs a peer-to-peer channel relays (hole
     * punching failed), which its model then prices (the relay's hop and shared bandwidth). Only on
     * the communicator the builder made; derived ones share its corrections.
     */
    public void correctModel() {
        engine.correctModel();
    }

    /** The names of this communicator's channels, in configuration order. */
    public List<String> channels() {
        return engine.channelNames();
    }

    /**
     * The requests each channel has made so far, by kind (e.g. {@code {"S3": {"put": 12, "get": 30}}}):
     * what the backend bills for.
     */
    public Map<String, Map<String, Long>> requestCounts() {
        return engine.requestCounts();
    }

    /**
     * Adds an unopened channel under {@code name} and opens it. Every peer must register the same
     * channels in the same order, so that all peers route operations alike.
     */
    public void registerChannel(String name, Channel channel) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(channel, "channel");
        engine.add(name, channel, Duration.ofMillis(BackendConfig.DEFAULT_MAX_TIMEOUT_MS), null);
    }

    /** Blocks until every rank has entered the barrier. */
    public void barrier() {
        engine.barrier();
    }

    /**
     * Sends {@code buf} to rank {@code dest} with tag 0. Returns once {@code buf} may be reused; the
     * receiver must call {@code recv} with a buffer of the same length. Sending to oneself is allowed
     * (the message is queued until this rank receives it).
     */
    public void send(byte[] buf, int dest) {
        engine.send(Buf.of(buf), dest, 0);
    }

    /** {@link #send(byte[], int)} for {@code int[]}. */
    public void send(int[] buf, int dest) {
        engine.send(Buf.of(buf), dest, 0);
    }

    /** {@link #send(byte[], int)} for {@code long[]}. */
    public void send(long[] buf, int dest) {
        engine.send(Buf.of(buf), dest, 0);
    }

    /** {@link #send(byte[], int)} for {@code float[]}. */
    public void send(float[] buf, int dest) {
        engine.send(Buf.of(buf), dest, 0);
    }

    /** {@link #send(byte[], int)} for {@code double[]}. */
    public void send(double[] buf, int dest) {
        engine.send(Buf.of(buf), dest, 0);
    }

    /** {@link #send(byte[], int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void send(ByteBuffer buf, int dest) {
        engine.send(Buf.of(buf), dest, 0);
    }

    /**
     * Sends {@code buf} to rank {@code dest} with {@code tag} (>= 0). Messages with the same source and
     * tag arrive in order; the receiver picks them by tag, queueing messages with other tags.
     */
    public void send(byte[] buf, int dest, int tag) {
        engine.send(Buf.of(buf), dest, tag);
    }

    /** {@link #send(byte[], int, int)} for {@code int[]}. */
    public void send(int[] buf, int dest, int tag) {
        engine.send(Buf.of(buf), dest, tag);
    }

    /** {@link #send(byte[], int, int)} for {@code long[]}. */
    public void send(long[] buf, int dest, int tag) {
        engine.send(Buf.of(buf), dest, tag);
    }

    /** {@link #send(byte[], int, int)} for {@code float[]}. */
    public void send(float[] buf, int dest, int tag) {
        engine.send(Buf.of(buf), dest, tag);
    }

    /** {@link #send(byte[], int, int)} for {@code double[]}. */
    public void send(double[] buf, int dest, int tag) {
        engine.send(Buf.of(buf), dest, tag);
    }

    /** {@link #send(byte[], int, int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void send(ByteBuffer buf, int dest, int tag) {
        engine.send(Buf.of(buf), dest, tag);
    }

    /**
     * Receives the next tag-0 message from rank {@code src} (or {@link #ANY_SOURCE}) into {@code buf};
     * see {@link #recv(byte[], int, int)}.
     */
    public Status recv(byte[] buf, int src) {
        return engine.recv(Buf.of(buf), src, 0, false);
    }

    /** {@link #recv(byte[], int)} for {@code int[]}. */
    public Status recv(int[] buf, int src) {
        return engine.recv(Buf.of(buf), src, 0, false);
    }

    /** {@link #recv(byte[], int)} for {@code long[]}. */
    public Status recv(long[] buf, int src) {
        return engine.recv(Buf.of(buf), src, 0, false);
    }

    /** {@link #recv(byte[], int)} for {@code float[]}. */
    public Status recv(float[] buf, int src) {
        return engine.recv(Buf.of(buf), src, 0, false);
    }

    /** {@link #recv(byte[], int)} for {@code double[]}. */
    public Status recv(double[] buf, int src) {
        return engine.recv(Buf.of(buf), src, 0, false);
    }

    /** {@link #recv(byte[], int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public Status recv(ByteBuffer buf, int src) {
        return engine.recv(Buf.of(buf), src, 0, false);
    }

    /**
     * Receives the next message from rank {@code src} with {@code tag} into {@code buf} and says what
     * arrived. {@code src} may be {@link #ANY_SOURCE} and {@code tag} {@link #ANY_TAG} (any tag
     * {@code >= 0}); the {@link Status} names the source, the tag and the size. The message may be
     * shorter than {@code buf} (the rest of {@code buf} is untouched); a longer one is a
     * {@link MessageSizeException} naming both sizes, and nothing is written. Messages from one
     * source that match the receive arrive in the order they were sent, also with wildcards.
     * {@link #recvExact(byte[], int, int)} insists on the exact length.
     */
    public Status recv(byte[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, false);
    }

    /** {@link #recv(byte[], int, int)} for {@code int[]}. */
    public Status recv(int[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, false);
    }

    /** {@link #recv(byte[], int, int)} for {@code long[]}. */
    public Status recv(long[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, false);
    }

    /** {@link #recv(byte[], int, int)} for {@code float[]}. */
    public Status recv(float[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, false);
    }

    /** {@link #recv(byte[], int, int)} for {@code double[]}. */
    public Status recv(double[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, false);
    }

    /** {@link #recv(byte[], int, int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public Status recv(ByteBuffer buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, false);
    }

    /**
     * Broadcasts {@code buf} from {@code root}: read on the root, overwritten on every other rank.
     * All ranks pass buffers of the same length.
     */
    public void bcast(byte[] buf, int root) {
        engine.bcast(Buf.of(buf), root);
    }

    /** {@link #bcast(byte[], int)} for {@code int[]}. */
    public void bcast(int[] buf, int root) {
        engine.bcast(Buf.of(buf), root);
    }

    /** {@link #bcast(byte[], int)} for {@code long[]}. */
    public void bcast(long[] buf, int root) {
        engine.bcast(Buf.of(buf), root);
    }

    /** {@link #bcast(byte[], int)} for {@code float[]}. */
    public void bcast(float[] buf, int root) {
        engine.bcast(Buf.of(buf), root);
    }

    /** {@link #bcast(byte[], int)} for {@code double[]}. */
    public void bcast(double[] buf, int root) {
        engine.bcast(Buf.of(buf), root);
    }

    /** {@link #bcast(byte[], int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void bcast(ByteBuffer buf, int root) {
        engine.bcast(Buf.of(buf), root);
    }

    /**
     * Gathers every rank's {@code send} on {@code root}: block {@code i} of the root's {@code recv} (length
     * {@code size() * send.length}) receives rank {@code i}'s {@code send}. {@code recv} is only used on the
     * root and may be null elsewhere.
     */
    public void gather(byte[] send, byte[] recv, int root) {
        engine.gather(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #gather(byte[], byte[], int)} for {@code int[]}. */
    public void gather(int[] send, int[] recv, int root) {
        engine.gather(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #gather(byte[], byte[], int)} for {@code long[]}. */
    public void gather(long[] send, long[] recv, int root) {
        engine.gather(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #gather(byte[], byte[], int)} for {@code float[]}. */
    public void gather(float[] send, float[] recv, int root) {
        engine.gather(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #gather(byte[], byte[], int)} for {@code double[]}. */
    public void gather(double[] send, double[] recv, int root) {
        engine.gather(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #gather(byte[], byte[], int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void gather(ByteBuffer send, ByteBuffer recv, int root) {
        engine.gather(Buf.of(send), Buf.of(recv), root);
    }

    /**
     * Scatters the root's {@code send} (length {@code size() * recv.length}): rank {@code i} receives block
     * {@code i} in {@code recv}. {@code send} is only read on the root and may be null elsewhere.
     */
    public void scatter(byte[] send, byte[] recv, int root) {
        engine.scatter(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #scatter(byte[], byte[], int)} for {@code int[]}. */
    public void scatter(int[] send, int[] recv, int root) {
        engine.scatter(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #scatter(byte[], byte[], int)} for {@code long[]}. */
    public void scatter(long[] send, long[] recv, int root) {
        engine.scatter(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #scatter(byte[], byte[], int)} for {@code float[]}. */
    public void scatter(float[] send, float[] recv, int root) {
        engine.scatter(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #scatter(byte[], byte[], int)} for {@code double[]}. */
    public void scatter(double[] send, double[] recv, int root) {
        engine.scatter(Buf.of(send), Buf.of(recv), root);
    }

    /** {@link #scatter(byte[], byte[], int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void scatter(ByteBuffer send, ByteBuffer recv, int root) {
        engine.scatter(Buf.of(send), Buf.of(recv), root);
    }

    /**
     * Reduces every rank's {@code send} element-wise with {@code op} into the root's {@code recv}
     * ({@code send_0 ⊕ send_1 ⊕ ... ⊕ send_(n-1)}, in rank order for non-commutative operators).
     * {@code recv} has the length of {@code send}, is only used on the root and may be null elsewhere.
     */
    public void reduce(byte[] send, byte[] recv, Op op, int root) {
        engine.reduce(Buf.of(send), Buf.of(recv), op, root);
    }

    /** {@link #reduce(byte[], byte[], Op, int)} for {@code int[]}. */
    public void reduce(int[] send, int[] recv, Op op, int root) {
        engine.reduce(Buf.of(send), Buf.of(recv), op, root);
    }

    /** {@link #reduce(byte[], byte[], Op, int)} for {@code long[]}. */
    public void reduce(long[] send, long[] recv, Op op, int root) {
        engine.reduce(Buf.of(send), Buf.of(recv), op, root);
    }

    /** {@link #reduce(byte[], byte[], Op, int)} for {@code float[]}. */
    public void reduce(float[] send, float[] recv, Op op, int root) {
        engine.reduce(Buf.of(send), Buf.of(recv), op, root);
    }

    /** {@link #reduce(byte[], byte[], Op, int)} for {@code double[]}. */
    public void reduce(double[] send, double[] recv, Op op, int root) {
        engine.reduce(Buf.of(send), Buf.of(recv), op, root);
    }

    /** {@link #reduce(byte[], byte[], Op, int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void reduce(ByteBuffer send, ByteBuffer recv, Op op, int root) {
        engine.reduce(Buf.of(send), Buf.of(recv), op, root);
    }

    /**
     * Like {@code reduce}, but every rank receives the result in {@code recv} (same length as
     * {@code send}). Every rank receives bit-identical results. {@code send} and {@code recv} may be the
     * same array. When it throws, {@code recv}'s content is unspecified, as in MPI: a large allreduce
     * stores each part of the result as it is complete, so it may hold some of it (and, in place,
     * have lost some of the operand).
     */
    public void allreduce(byte[] send, byte[] recv, Op op) {
        engine.allreduce(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #allreduce(byte[], byte[], Op)} for {@code int[]}. */
    public void allreduce(int[] send, int[] recv, Op op) {
        engine.allreduce(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #allreduce(byte[], byte[], Op)} for {@code long[]}. */
    public void allreduce(long[] send, long[] recv, Op op) {
        engine.allreduce(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #allreduce(byte[], byte[], Op)} for {@code float[]}. */
    public void allreduce(float[] send, float[] recv, Op op) {
        engine.allreduce(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #allreduce(byte[], byte[], Op)} for {@code double[]}. */
    public void allreduce(double[] send, double[] recv, Op op) {
        engine.allreduce(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #allreduce(byte[], byte[], Op)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void allreduce(ByteBuffer send, ByteBuffer recv, Op op) {
        engine.allreduce(Buf.of(send), Buf.of(recv), op);
    }

    /**
     * {@link #allreduce(byte[], byte[], Op)} of the elements of the primitive class {@code elements}
     * ({@code int.class}, {@code long.class}, {@code float.class}, {@code double.class}; {@code byte.class}
     * is {@link #allreduce(ByteBuffer, ByteBuffer, Op)}) that {@code ByteBuffer}s hold between position
     * and limit, little-endian: data kept off the heap, in direct buffers, are reduced in {@code recv}
     * itself where the channel reads and writes direct memory (Direct, from 64 KiB), with no copy
     * into or out of Java arrays. Buffers of other elements than bytes must be in
     * {@link java.nio.ByteOrder#LITTLE_ENDIAN} order, and hold whole elements; positions are not moved.
     * {@code send} and {@code recv} may be the same buffer.
     */
    public void allreduce(ByteBuffer send, ByteBuffer recv, Class<?> elements, Op op) {
        engine.allreduce(typed(Operation.ALLREDUCE, "send", send, elements),
                typed(Operation.ALLREDUCE, "receive", recv, elements), op);
    }

    /**
     * {@link #reduce(byte[], byte[], Op, int)} of elements of the primitive class {@code elements} in
     * {@code ByteBuffer}s, as {@link #allreduce(ByteBuffer, ByteBuffer, Class, Op)} ({@code recv} is
     * only used on the root).
     */
    public void reduce(ByteBuffer send, ByteBuffer recv, Class<?> elements, Op op, int root) {
        engine.reduce(typed(Operation.REDUCE, "send", send, elements), typed(Operation.REDUCE, "receive", recv, elements),
                op, root);
    }

    private static Buf typed(Operation op, String role, ByteBuffer buffer, Class<?> elements) {
        return Buf.of(buffer, elements, op.label() + ": the " + role + " ByteBuffer");
    }

    /**
     * Inclusive prefix reduction: rank {@code r} receives {@code send_0 ⊕ ... ⊕ send_r} in {@code recv}.
     */
    public void scan(byte[] send, byte[] recv, Op op) {
        engine.scan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #scan(byte[], byte[], Op)} for {@code int[]}. */
    public void scan(int[] send, int[] recv, Op op) {
        engine.scan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #scan(byte[], byte[], Op)} for {@code long[]}. */
    public void scan(long[] send, long[] recv, Op op) {
        engine.scan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #scan(byte[], byte[], Op)} for {@code float[]}. */
    public void scan(float[] send, float[] recv, Op op) {
        engine.scan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #scan(byte[], byte[], Op)} for {@code double[]}. */
    public void scan(double[] send, double[] recv, Op op) {
        engine.scan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #scan(byte[], byte[], Op)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void scan(ByteBuffer send, ByteBuffer recv, Op op) {
        engine.scan(Buf.of(send), Buf.of(recv), op);
    }

    /**
     * Exclusive prefix reduction: rank {@code r > 0} receives {@code send_0 ⊕ ... ⊕ send_(r-1)} in
     * {@code recv}; rank 0's {@code recv} is left unchanged.
     */
    public void exscan(byte[] send, byte[] recv, Op op) {
        engine.exscan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #exscan(byte[], byte[], Op)} for {@code int[]}. */
    public void exscan(int[] send, int[] recv, Op op) {
        engine.exscan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #exscan(byte[], byte[], Op)} for {@code long[]}. */
    public void exscan(long[] send, long[] recv, Op op) {
        engine.exscan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #exscan(byte[], byte[], Op)} for {@code float[]}. */
    public void exscan(float[] send, float[] recv, Op op) {
        engine.exscan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #exscan(byte[], byte[], Op)} for {@code double[]}. */
    public void exscan(double[] send, double[] recv, Op op) {
        engine.exscan(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #exscan(byte[], byte[], Op)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void exscan(ByteBuffer send, ByteBuffer recv, Op op) {
        engine.exscan(Buf.of(send), Buf.of(recv), op);
    }

    /**
     * Every rank receives every rank's {@code send}: block {@code i} of {@code recv} (length
     * {@code size() * send.length}) holds rank {@code i}'s {@code send}.
     */
    public void allgather(byte[] send, byte[] recv) {
        engine.allgather(Buf.of(send), Buf.of(recv));
    }

    /** {@link #allgather(byte[], byte[])} for {@code int[]}. */
    public void allgather(int[] send, int[] recv) {
        engine.allgather(Buf.of(send), Buf.of(recv));
    }

    /** {@link #allgather(byte[], byte[])} for {@code long[]}. */
    public void allgather(long[] send, long[] recv) {
        engine.allgather(Buf.of(send), Buf.of(recv));
    }

    /** {@link #allgather(byte[], byte[])} for {@code float[]}. */
    public void allgather(float[] send, float[] recv) {
        engine.allgather(Buf.of(send), Buf.of(recv));
    }

    /** {@link #allgather(byte[], byte[])} for {@code double[]}. */
    public void allgather(double[] send, double[] recv) {
        engine.allgather(Buf.of(send), Buf.of(recv));
    }

    /** {@link #allgather(byte[], byte[])} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void allgather(ByteBuffer send, ByteBuffer recv) {
        engine.allgather(Buf.of(send), Buf.of(recv));
    }

    /**
     * Personalised exchange: {@code send} and {@code recv} have equal length, a multiple of {@code size()};
     * block {@code j} of {@code send} goes to rank {@code j}, block {@code i} of {@code recv} comes from
     * rank {@code i}.
     */
    public void alltoall(byte[] send, byte[] recv) {
        engine.alltoall(Buf.of(send), Buf.of(recv));
    }

    /** {@link #alltoall(byte[], byte[])} for {@code int[]}. */
    public void alltoall(int[] send, int[] recv) {
        engine.alltoall(Buf.of(send), Buf.of(recv));
    }

    /** {@link #alltoall(byte[], byte[])} for {@code long[]}. */
    public void alltoall(long[] send, long[] recv) {
        engine.alltoall(Buf.of(send), Buf.of(recv));
    }

    /** {@link #alltoall(byte[], byte[])} for {@code float[]}. */
    public void alltoall(float[] send, float[] recv) {
        engine.alltoall(Buf.of(send), Buf.of(recv));
    }

    /** {@link #alltoall(byte[], byte[])} for {@code double[]}. */
    public void alltoall(double[] send, double[] recv) {
        engine.alltoall(Buf.of(send), Buf.of(recv));
    }

    /** {@link #alltoall(byte[], byte[])} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void alltoall(ByteBuffer send, ByteBuffer recv) {
        engine.alltoall(Buf.of(send), Buf.of(recv));
    }

    /**
     * Reduces the ranks' {@code send} buffers (length {@code size() * recv.length}) element-wise and
     * scatters the result: rank {@code r} receives block {@code r} of the reduction in {@code recv}.
     */
    public void reduceScatter(byte[] send, byte[] recv, Op op) {
        engine.reduceScatter(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} for {@code int[]}. */
    public void reduceScatter(int[] send, int[] recv, Op op) {
        engine.reduceScatter(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} for {@code long[]}. */
    public void reduceScatter(long[] send, long[] recv, Op op) {
        engine.reduceScatter(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} for {@code float[]}. */
    public void reduceScatter(float[] send, float[] recv, Op op) {
        engine.reduceScatter(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} for {@code double[]}. */
    public void reduceScatter(double[] send, double[] recv, Op op) {
        engine.reduceScatter(Buf.of(send), Buf.of(recv), op);
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void reduceScatter(ByteBuffer send, ByteBuffer recv, Op op) {
        engine.reduceScatter(Buf.of(send), Buf.of(recv), op);
    }


    // ---- point-to-point beyond send/recv ----

    /** Receives from any rank ({@code recv}'s {@code src}). */
    public static final int ANY_SOURCE = Mailbox.ANY_SOURCE;
    /** Receives with any tag {@code >= 0} ({@code recv}'s {@code tag}). */
    public static final int ANY_TAG = Mailbox.ANY_TAG;
    /** The colour of a rank that joins no communicator in {@link #split(int, int)}. */
    public static final int UNDEFINED = -32766;

    /**
     * Like {@link #recv(byte[], int, int)}, but the message must have exactly {@code buf}'s length:
     * anything else is a {@link MessageSizeException} and nothing is written.
     */
    public Status recvExact(byte[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, true);
    }

    /** {@link #recvExact(byte[], int, int)} for {@code int[]}. */
    public Status recvExact(int[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, true);
    }

    /** {@link #recvExact(byte[], int, int)} for {@code long[]}. */
    public Status recvExact(long[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, true);
    }

    /** {@link #recvExact(byte[], int, int)} for {@code float[]}. */
    public Status recvExact(float[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, true);
    }

    /** {@link #recvExact(byte[], int, int)} for {@code double[]}. */
    public Status recvExact(double[] buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, true);
    }

    /** {@link #recvExact(byte[], int, int)} for {@code ByteBuffer}. */
    public Status recvExact(ByteBuffer buf, int src, int tag) {
        return engine.recv(Buf.of(buf), src, tag, true);
    }

    /**
     * Waits for the next message that a {@code recv(buf, src, tag)} would receive and returns its
     * status without receiving it ({@link Status#bytes()} says how large a buffer it needs). The
     * status's element size is 1; use {@link Status#count(int)} for other element types.
     */
    public Status probe(int src, int tag) {
        return engine.probe(src, tag);
    }

    /** {@link #probe(int, int)} without waiting: the status of a matching message that has arrived, or empty. */
    public java.util.Optional<Status> iprobe(int src, int tag) {
        return java.util.Optional.ofNullable(engine.iprobe(src, tag));
    }

    /**
     * Sends {@code send} to {@code dest} and receives into {@code recv} from {@code src} (which may be
     * {@link #ANY_SOURCE}, with {@code recvTag} {@link #ANY_TAG}) as one operation, so that
     * exchanges in a ring or between pairs never deadlock. Returns the receive's status.
     */
    public Status sendrecv(byte[] send, int dest, int sendTag, byte[] recv, int src, int recvTag) {
        return engine.sendrecv(Buf.of(send), dest, sendTag, Buf.of(recv), src, recvTag);
    }

    /**
     * Sends {@code buf} to {@code dest} and replaces its content with the message received from
     * {@code src}; see {@link #sendrecv(byte[], int, int, byte[], int, int)}.
     */
    public Status sendrecvReplace(byte[] buf, int dest, int sendTag, int src, int recvTag) {
        return engine.sendrecv(Buf.of(buf), dest, sendTag, Buf.of(buf), src, recvTag);
    }

    /** {@link #sendrecv(byte[], int, int, byte[], int, int)} for {@code int[]}. */
    public Status sendrecv(int[] send, int dest, int sendTag, int[] recv, int src, int recvTag) {
        return engine.sendrecv(Buf.of(send), dest, sendTag, Buf.of(recv), src, recvTag);
    }

    /** {@link #sendrecvReplace(byte[], int, int, int, int)} for {@code int[]}. */
    public Status sendrecvReplace(int[] buf, int dest, int sendTag, int src, int recvTag) {
        return engine.sendrecv(Buf.of(buf), dest, sendTag, Buf.of(buf), src, recvTag);
    }

    /** {@link #sendrecv(byte[], int, int, byte[], int, int)} for {@code long[]}. */
    public Status sendrecv(long[] send, int dest, int sendTag, long[] recv, int src, int recvTag) {
        return engine.sendrecv(Buf.of(send), dest, sendTag, Buf.of(recv), src, recvTag);
    }

    /** {@link #sendrecvReplace(byte[], int, int, int, int)} for {@code long[]}. */
    public Status sendrecvReplace(long[] buf, int dest, int sendTag, int src, int recvTag) {
        return engine.sendrecv(Buf.of(buf), dest, sendTag, Buf.of(buf), src, recvTag);
    }

    /** {@link #sendrecv(byte[], int, int, byte[], int, int)} for {@code float[]}. */
    public Status sendrecv(float[] send, int dest, int sendTag, float[] recv, int src, int recvTag) {
        return engine.sendrecv(Buf.of(send), dest, sendTag, Buf.of(recv), src, recvTag);
    }

    /** {@link #sendrecvReplace(byte[], int, int, int, int)} for {@code float[]}. */
    public Status sendrecvReplace(float[] buf, int dest, int sendTag, int src, int recvTag) {
        return engine.sendrecv(Buf.of(buf), dest, sendTag, Buf.of(buf), src, recvTag);
    }

    /** {@link #sendrecv(byte[], int, int, byte[], int, int)} for {@code double[]}. */
    public Status sendrecv(double[] send, int dest, int sendTag, double[] recv, int src, int recvTag) {
        return engine.sendrecv(Buf.of(send), dest, sendTag, Buf.of(recv), src, recvTag);
    }

    /** {@link #sendrecvReplace(byte[], int, int, int, int)} for {@code double[]}. */
    public Status sendrecvReplace(double[] buf, int dest, int sendTag, int src, int recvTag) {
        return engine.sendrecv(Buf.of(buf), dest, sendTag, Buf.of(buf), src, recvTag);
    }

    /** {@link #sendrecv(byte[], int, int, byte[], int, int)} for {@code ByteBuffer}. */
    public Status sendrecv(ByteBuffer send, int dest, int sendTag, ByteBuffer recv, int src, int recvTag) {
        return engine.sendrecv(Buf.of(send), dest, sendTag, Buf.of(recv), src, recvTag);
    }

    /** {@link #sendrecvReplace(byte[], int, int, int, int)} for {@code ByteBuffer}. */
    public Status sendrecvReplace(ByteBuffer buf, int dest, int sendTag, int src, int recvTag) {
        return engine.sendrecv(Buf.of(buf), dest, sendTag, Buf.of(buf), src, recvTag);
    }

    // ---- v-collectives ----

    /**
     * Gathers blocks of different lengths: rank r sends its whole {@code send} buffer, which must
     * hold {@code counts[r]} elements, and the root stores it at element offset {@code displs[r]} of
     * {@code recv} (null on other ranks). Elements of {@code recv} outside the blocks are untouched.
     * In place: the root passes its receive buffer as {@code send} and its own block is already at
     * {@code displs[root]}.
     */
    public void gatherv(byte[] send, byte[] recv, int[] counts, int[] displs, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root);
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} with the blocks packed one after another. */
    public void gatherv(byte[] send, byte[] recv, int[] counts, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, null, root);
    }

    /**
     * Scatters blocks of different lengths: rank r receives {@code counts[r]} elements from element
     * offset {@code displs[r]} of the root's {@code send} (null elsewhere) into {@code recv}, which
     * must hold exactly that many. In place: the root passes its send buffer as {@code recv} and keeps
     * its own block where it is.
     */
    public void scatterv(byte[] send, int[] counts, int[] displs, byte[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root);
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} with the blocks packed one after another. */
    public void scatterv(byte[] send, int[] counts, byte[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, null, Buf.of(recv), root);
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} to every rank. In place: pass {@code recv} as {@code send}. */
    public void allgatherv(byte[] send, byte[] recv, int[] counts, int[] displs) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs);
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} with the blocks packed one after another. */
    public void allgatherv(byte[] send, byte[] recv, int[] counts) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, null);
    }

    /**
     * Every rank sends {@code sendCounts[j]} elements from offset {@code sendDispls[j]} to rank j and
     * receives {@code recvCounts[i]} elements from rank i at offset {@code recvDispls[i]}; what rank i
     * sends to j must be what j expects from i.
     */
    public void alltoallv(byte[] send, int[] sendCounts, int[] sendDispls, byte[] recv, int[] recvCounts,
                          int[] recvDispls) {
        engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls);
    }

    /**
     * Reduces {@code send} (the sum of {@code counts} elements, the same on every rank) element-wise
     * across ranks and gives rank r the {@code counts[r]} elements starting after the blocks of ranks
     * below it. In place: pass {@code send} as {@code recv}; the result is put at its start.
     */
    public void reduceScatter(byte[] send, byte[] recv, int[] counts, Op op) {
        engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op);
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} for {@code int[]}. */
    public void gatherv(int[] send, int[] recv, int[] counts, int[] displs, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root);
    }

    /** {@link #gatherv(byte[], byte[], int[], int)} for {@code int[]}. */
    public void gatherv(int[] send, int[] recv, int[] counts, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, null, root);
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} for {@code int[]}. */
    public void scatterv(int[] send, int[] counts, int[] displs, int[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root);
    }

    /** {@link #scatterv(byte[], int[], byte[], int)} for {@code int[]}. */
    public void scatterv(int[] send, int[] counts, int[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, null, Buf.of(recv), root);
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} for {@code int[]}. */
    public void allgatherv(int[] send, int[] recv, int[] counts, int[] displs) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs);
    }

    /** {@link #allgatherv(byte[], byte[], int[])} for {@code int[]}. */
    public void allgatherv(int[] send, int[] recv, int[] counts) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, null);
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} for {@code int[]}. */
    public void alltoallv(int[] send, int[] sendCounts, int[] sendDispls, int[] recv, int[] recvCounts, int[] recvDispls) {
        engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls);
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} for {@code int[]}. */
    public void reduceScatter(int[] send, int[] recv, int[] counts, Op op) {
        engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op);
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} for {@code long[]}. */
    public void gatherv(long[] send, long[] recv, int[] counts, int[] displs, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root);
    }

    /** {@link #gatherv(byte[], byte[], int[], int)} for {@code long[]}. */
    public void gatherv(long[] send, long[] recv, int[] counts, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, null, root);
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} for {@code long[]}. */
    public void scatterv(long[] send, int[] counts, int[] displs, long[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root);
    }

    /** {@link #scatterv(byte[], int[], byte[], int)} for {@code long[]}. */
    public void scatterv(long[] send, int[] counts, long[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, null, Buf.of(recv), root);
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} for {@code long[]}. */
    public void allgatherv(long[] send, long[] recv, int[] counts, int[] displs) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs);
    }

    /** {@link #allgatherv(byte[], byte[], int[])} for {@code long[]}. */
    public void allgatherv(long[] send, long[] recv, int[] counts) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, null);
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} for {@code long[]}. */
    public void alltoallv(long[] send, int[] sendCounts, int[] sendDispls, long[] recv, int[] recvCounts, int[] recvDispls) {
        engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls);
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} for {@code long[]}. */
    public void reduceScatter(long[] send, long[] recv, int[] counts, Op op) {
        engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op);
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} for {@code float[]}. */
    public void gatherv(float[] send, float[] recv, int[] counts, int[] displs, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root);
    }

    /** {@link #gatherv(byte[], byte[], int[], int)} for {@code float[]}. */
    public void gatherv(float[] send, float[] recv, int[] counts, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, null, root);
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} for {@code float[]}. */
    public void scatterv(float[] send, int[] counts, int[] displs, float[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root);
    }

    /** {@link #scatterv(byte[], int[], byte[], int)} for {@code float[]}. */
    public void scatterv(float[] send, int[] counts, float[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, null, Buf.of(recv), root);
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} for {@code float[]}. */
    public void allgatherv(float[] send, float[] recv, int[] counts, int[] displs) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs);
    }

    /** {@link #allgatherv(byte[], byte[], int[])} for {@code float[]}. */
    public void allgatherv(float[] send, float[] recv, int[] counts) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, null);
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} for {@code float[]}. */
    public void alltoallv(float[] send, int[] sendCounts, int[] sendDispls, float[] recv, int[] recvCounts, int[] recvDispls) {
        engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls);
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} for {@code float[]}. */
    public void reduceScatter(float[] send, float[] recv, int[] counts, Op op) {
        engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op);
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} for {@code double[]}. */
    public void gatherv(double[] send, double[] recv, int[] counts, int[] displs, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root);
    }

    /** {@link #gatherv(byte[], byte[], int[], int)} for {@code double[]}. */
    public void gatherv(double[] send, double[] recv, int[] counts, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, null, root);
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} for {@code double[]}. */
    public void scatterv(double[] send, int[] counts, int[] displs, double[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root);
    }

    /** {@link #scatterv(byte[], int[], byte[], int)} for {@code double[]}. */
    public void scatterv(double[] send, int[] counts, double[] recv, int root) {
        engine.scatterv(Buf.of(send), counts, null, Buf.of(recv), root);
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} for {@code double[]}. */
    public void allgatherv(double[] send, double[] recv, int[] counts, int[] displs) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs);
    }

    /** {@link #allgatherv(byte[], byte[], int[])} for {@code double[]}. */
    public void allgatherv(double[] send, double[] recv, int[] counts) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, null);
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} for {@code double[]}. */
    public void alltoallv(double[] send, int[] sendCounts, int[] sendDispls, double[] recv, int[] recvCounts, int[] recvDispls) {
        engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls);
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} for {@code double[]}. */
    public void reduceScatter(double[] send, double[] recv, int[] counts, Op op) {
        engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op);
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} for {@code ByteBuffer}. */
    public void gatherv(ByteBuffer send, ByteBuffer recv, int[] counts, int[] displs, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root);
    }

    /** {@link #gatherv(byte[], byte[], int[], int)} for {@code ByteBuffer}. */
    public void gatherv(ByteBuffer send, ByteBuffer recv, int[] counts, int root) {
        engine.gatherv(Buf.of(send), Buf.of(recv), counts, null, root);
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} for {@code ByteBuffer}. */
    public void scatterv(ByteBuffer send, int[] counts, int[] displs, ByteBuffer recv, int root) {
        engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root);
    }

    /** {@link #scatterv(byte[], int[], byte[], int)} for {@code ByteBuffer}. */
    public void scatterv(ByteBuffer send, int[] counts, ByteBuffer recv, int root) {
        engine.scatterv(Buf.of(send), counts, null, Buf.of(recv), root);
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} for {@code ByteBuffer}. */
    public void allgatherv(ByteBuffer send, ByteBuffer recv, int[] counts, int[] displs) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs);
    }

    /** {@link #allgatherv(byte[], byte[], int[])} for {@code ByteBuffer}. */
    public void allgatherv(ByteBuffer send, ByteBuffer recv, int[] counts) {
        engine.allgatherv(Buf.of(send), Buf.of(recv), counts, null);
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} for {@code ByteBuffer}. */
    public void alltoallv(ByteBuffer send, int[] sendCounts, int[] sendDispls, ByteBuffer recv, int[] recvCounts, int[] recvDispls) {
        engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls);
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} for {@code ByteBuffer}. */
    public void reduceScatter(ByteBuffer send, ByteBuffer recv, int[] counts, Op op) {
        engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op);
    }

    // ---- non-blocking operations ----

    /**
     * Starts a collective in the background and returns at once; see {@link Request}. Non-blocking
     * and blocking collectives of one communicator take their place in MPI's order when they are
     * called, so every rank must call them in the same order; the buffers belong to the operation
     * until it completes. {@code ibarrier} is the barrier.
     */
    public Request ibarrier() {
        return engine.icollective(Operation.BARRIER, engine::barrier);
    }

    /** Sends {@code buf} to {@code dest} with {@code tag} in the background; non-blocking sends of a communicator leave in the order they were started (MPI's {@code Isend}). */
    public Request isend(byte[] buf, int dest, int tag) {
        return engine.isend(Buf.of(buf), dest, tag);
    }

    /** Sends {@code buf} to {@code dest} with {@code tag} in the background; non-blocking sends of a communicator leave in the order they were started (MPI's {@code Isend}). ({@code int[]}) */
    public Request isend(int[] buf, int dest, int tag) {
        return engine.isend(Buf.of(buf), dest, tag);
    }

    /** Sends {@code buf} to {@code dest} with {@code tag} in the background; non-blocking sends of a communicator leave in the order they were started (MPI's {@code Isend}). ({@code long[]}) */
    public Request isend(long[] buf, int dest, int tag) {
        return engine.isend(Buf.of(buf), dest, tag);
    }

    /** Sends {@code buf} to {@code dest} with {@code tag} in the background; non-blocking sends of a communicator leave in the order they were started (MPI's {@code Isend}). ({@code float[]}) */
    public Request isend(float[] buf, int dest, int tag) {
        return engine.isend(Buf.of(buf), dest, tag);
    }

    /** Sends {@code buf} to {@code dest} with {@code tag} in the background; non-blocking sends of a communicator leave in the order they were started (MPI's {@code Isend}). ({@code double[]}) */
    public Request isend(double[] buf, int dest, int tag) {
        return engine.isend(Buf.of(buf), dest, tag);
    }

    /** Sends {@code buf} to {@code dest} with {@code tag} in the background; non-blocking sends of a communicator leave in the order they were started (MPI's {@code Isend}). ({@code ByteBuffer}) */
    public Request isend(ByteBuffer buf, int dest, int tag) {
        return engine.isend(Buf.of(buf), dest, tag);
    }

    /** Posts a receive now (wildcards allowed) that completes in the background; {@link Request#cancel()} withdraws it until a message matches (MPI's {@code Irecv}). */
    public Request irecv(byte[] buf, int src, int tag) {
        return engine.irecv(Buf.of(buf), src, tag);
    }

    /** Posts a receive now (wildcards allowed) that completes in the background; {@link Request#cancel()} withdraws it until a message matches (MPI's {@code Irecv}). ({@code int[]}) */
    public Request irecv(int[] buf, int src, int tag) {
        return engine.irecv(Buf.of(buf), src, tag);
    }

    /** Posts a receive now (wildcards allowed) that completes in the background; {@link Request#cancel()} withdraws it until a message matches (MPI's {@code Irecv}). ({@code long[]}) */
    public Request irecv(long[] buf, int src, int tag) {
        return engine.irecv(Buf.of(buf), src, tag);
    }

    /** Posts a receive now (wildcards allowed) that completes in the background; {@link Request#cancel()} withdraws it until a message matches (MPI's {@code Irecv}). ({@code float[]}) */
    public Request irecv(float[] buf, int src, int tag) {
        return engine.irecv(Buf.of(buf), src, tag);
    }

    /** Posts a receive now (wildcards allowed) that completes in the background; {@link Request#cancel()} withdraws it until a message matches (MPI's {@code Irecv}). ({@code double[]}) */
    public Request irecv(double[] buf, int src, int tag) {
        return engine.irecv(Buf.of(buf), src, tag);
    }

    /** Posts a receive now (wildcards allowed) that completes in the background; {@link Request#cancel()} withdraws it until a message matches (MPI's {@code Irecv}). ({@code ByteBuffer}) */
    public Request irecv(ByteBuffer buf, int src, int tag) {
        return engine.irecv(Buf.of(buf), src, tag);
    }

    /** {@link #bcast(byte[], int)} in the background. */
    public Request ibcast(byte[] buf, int root) {
        return engine.icollective(Operation.BCAST, () -> engine.bcast(Buf.of(buf), root));
    }

    /** {@link #bcast(byte[], int)} in the background. ({@code int[]}) */
    public Request ibcast(int[] buf, int root) {
        return engine.icollective(Operation.BCAST, () -> engine.bcast(Buf.of(buf), root));
    }

    /** {@link #bcast(byte[], int)} in the background. ({@code long[]}) */
    public Request ibcast(long[] buf, int root) {
        return engine.icollective(Operation.BCAST, () -> engine.bcast(Buf.of(buf), root));
    }

    /** {@link #bcast(byte[], int)} in the background. ({@code float[]}) */
    public Request ibcast(float[] buf, int root) {
        return engine.icollective(Operation.BCAST, () -> engine.bcast(Buf.of(buf), root));
    }

    /** {@link #bcast(byte[], int)} in the background. ({@code double[]}) */
    public Request ibcast(double[] buf, int root) {
        return engine.icollective(Operation.BCAST, () -> engine.bcast(Buf.of(buf), root));
    }

    /** {@link #bcast(byte[], int)} in the background. ({@code ByteBuffer}) */
    public Request ibcast(ByteBuffer buf, int root) {
        return engine.icollective(Operation.BCAST, () -> engine.bcast(Buf.of(buf), root));
    }

    /** {@link #gather(byte[], byte[], int)} in the background. */
    public Request igather(byte[] send, byte[] recv, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gather(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #gather(byte[], byte[], int)} in the background. ({@code int[]}) */
    public Request igather(int[] send, int[] recv, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gather(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #gather(byte[], byte[], int)} in the background. ({@code long[]}) */
    public Request igather(long[] send, long[] recv, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gather(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #gather(byte[], byte[], int)} in the background. ({@code float[]}) */
    public Request igather(float[] send, float[] recv, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gather(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #gather(byte[], byte[], int)} in the background. ({@code double[]}) */
    public Request igather(double[] send, double[] recv, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gather(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #gather(byte[], byte[], int)} in the background. ({@code ByteBuffer}) */
    public Request igather(ByteBuffer send, ByteBuffer recv, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gather(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #scatter(byte[], byte[], int)} in the background. */
    public Request iscatter(byte[] send, byte[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatter(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #scatter(byte[], byte[], int)} in the background. ({@code int[]}) */
    public Request iscatter(int[] send, int[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatter(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #scatter(byte[], byte[], int)} in the background. ({@code long[]}) */
    public Request iscatter(long[] send, long[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatter(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #scatter(byte[], byte[], int)} in the background. ({@code float[]}) */
    public Request iscatter(float[] send, float[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatter(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #scatter(byte[], byte[], int)} in the background. ({@code double[]}) */
    public Request iscatter(double[] send, double[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatter(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #scatter(byte[], byte[], int)} in the background. ({@code ByteBuffer}) */
    public Request iscatter(ByteBuffer send, ByteBuffer recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatter(Buf.of(send), Buf.of(recv), root));
    }

    /** {@link #reduce(byte[], byte[], Op, int)} in the background. */
    public Request ireduce(byte[] send, byte[] recv, Op op, int root) {
        return engine.icollective(Operation.REDUCE, () -> engine.reduce(Buf.of(send), Buf.of(recv), op, root));
    }

    /** {@link #reduce(byte[], byte[], Op, int)} in the background. ({@code int[]}) */
    public Request ireduce(int[] send, int[] recv, Op op, int root) {
        return engine.icollective(Operation.REDUCE, () -> engine.reduce(Buf.of(send), Buf.of(recv), op, root));
    }

    /** {@link #reduce(byte[], byte[], Op, int)} in the background. ({@code long[]}) */
    public Request ireduce(long[] send, long[] recv, Op op, int root) {
        return engine.icollective(Operation.REDUCE, () -> engine.reduce(Buf.of(send), Buf.of(recv), op, root));
    }

    /** {@link #reduce(byte[], byte[], Op, int)} in the background. ({@code float[]}) */
    public Request ireduce(float[] send, float[] recv, Op op, int root) {
        return engine.icollective(Operation.REDUCE, () -> engine.reduce(Buf.of(send), Buf.of(recv), op, root));
    }

    /** {@link #reduce(byte[], byte[], Op, int)} in the background. ({@code double[]}) */
    public Request ireduce(double[] send, double[] recv, Op op, int root) {
        return engine.icollective(Operation.REDUCE, () -> engine.reduce(Buf.of(send), Buf.of(recv), op, root));
    }

    /** {@link #reduce(byte[], byte[], Op, int)} in the background. ({@code ByteBuffer}) */
    public Request ireduce(ByteBuffer send, ByteBuffer recv, Op op, int root) {
        return engine.icollective(Operation.REDUCE, () -> engine.reduce(Buf.of(send), Buf.of(recv), op, root));
    }

    /** {@link #allreduce(ByteBuffer, ByteBuffer, Class, Op)} in the background. */
    public Request iallreduce(ByteBuffer send, ByteBuffer recv, Class<?> elements, Op op) {
        Buf in = typed(Operation.ALLREDUCE, "send", send, elements);
        Buf out = typed(Operation.ALLREDUCE, "receive", recv, elements);
        return engine.icollective(Operation.ALLREDUCE, () -> engine.allreduce(in, out, op));
    }

    /** {@link #reduce(ByteBuffer, ByteBuffer, Class, Op, int)} in the background. */
    public Request ireduce(ByteBuffer send, ByteBuffer recv, Class<?> elements, Op op, int root) {
        Buf in = typed(Operation.REDUCE, "send", send, elements);
        Buf out = typed(Operation.REDUCE, "receive", recv, elements);
        return engine.icollective(Operation.REDUCE, () -> engine.reduce(in, out, op, root));
    }

    /** {@link #allreduce(byte[], byte[], Op)} in the background. */
    public Request iallreduce(byte[] send, byte[] recv, Op op) {
        return engine.icollective(Operation.ALLREDUCE, () -> engine.allreduce(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #allreduce(byte[], byte[], Op)} in the background. ({@code int[]}) */
    public Request iallreduce(int[] send, int[] recv, Op op) {
        return engine.icollective(Operation.ALLREDUCE, () -> engine.allreduce(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #allreduce(byte[], byte[], Op)} in the background. ({@code long[]}) */
    public Request iallreduce(long[] send, long[] recv, Op op) {
        return engine.icollective(Operation.ALLREDUCE, () -> engine.allreduce(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #allreduce(byte[], byte[], Op)} in the background. ({@code float[]}) */
    public Request iallreduce(float[] send, float[] recv, Op op) {
        return engine.icollective(Operation.ALLREDUCE, () -> engine.allreduce(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #allreduce(byte[], byte[], Op)} in the background. ({@code double[]}) */
    public Request iallreduce(double[] send, double[] recv, Op op) {
        return engine.icollective(Operation.ALLREDUCE, () -> engine.allreduce(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #allreduce(byte[], byte[], Op)} in the background. ({@code ByteBuffer}) */
    public Request iallreduce(ByteBuffer send, ByteBuffer recv, Op op) {
        return engine.icollective(Operation.ALLREDUCE, () -> engine.allreduce(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #scan(byte[], byte[], Op)} in the background. */
    public Request iscan(byte[] send, byte[] recv, Op op) {
        return engine.icollective(Operation.SCAN, () -> engine.scan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #scan(byte[], byte[], Op)} in the background. ({@code int[]}) */
    public Request iscan(int[] send, int[] recv, Op op) {
        return engine.icollective(Operation.SCAN, () -> engine.scan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #scan(byte[], byte[], Op)} in the background. ({@code long[]}) */
    public Request iscan(long[] send, long[] recv, Op op) {
        return engine.icollective(Operation.SCAN, () -> engine.scan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #scan(byte[], byte[], Op)} in the background. ({@code float[]}) */
    public Request iscan(float[] send, float[] recv, Op op) {
        return engine.icollective(Operation.SCAN, () -> engine.scan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #scan(byte[], byte[], Op)} in the background. ({@code double[]}) */
    public Request iscan(double[] send, double[] recv, Op op) {
        return engine.icollective(Operation.SCAN, () -> engine.scan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #scan(byte[], byte[], Op)} in the background. ({@code ByteBuffer}) */
    public Request iscan(ByteBuffer send, ByteBuffer recv, Op op) {
        return engine.icollective(Operation.SCAN, () -> engine.scan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #exscan(byte[], byte[], Op)} in the background. */
    public Request iexscan(byte[] send, byte[] recv, Op op) {
        return engine.icollective(Operation.EXSCAN, () -> engine.exscan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #exscan(byte[], byte[], Op)} in the background. ({@code int[]}) */
    public Request iexscan(int[] send, int[] recv, Op op) {
        return engine.icollective(Operation.EXSCAN, () -> engine.exscan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #exscan(byte[], byte[], Op)} in the background. ({@code long[]}) */
    public Request iexscan(long[] send, long[] recv, Op op) {
        return engine.icollective(Operation.EXSCAN, () -> engine.exscan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #exscan(byte[], byte[], Op)} in the background. ({@code float[]}) */
    public Request iexscan(float[] send, float[] recv, Op op) {
        return engine.icollective(Operation.EXSCAN, () -> engine.exscan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #exscan(byte[], byte[], Op)} in the background. ({@code double[]}) */
    public Request iexscan(double[] send, double[] recv, Op op) {
        return engine.icollective(Operation.EXSCAN, () -> engine.exscan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #exscan(byte[], byte[], Op)} in the background. ({@code ByteBuffer}) */
    public Request iexscan(ByteBuffer send, ByteBuffer recv, Op op) {
        return engine.icollective(Operation.EXSCAN, () -> engine.exscan(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #allgather(byte[], byte[])} in the background. */
    public Request iallgather(byte[] send, byte[] recv) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgather(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #allgather(byte[], byte[])} in the background. ({@code int[]}) */
    public Request iallgather(int[] send, int[] recv) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgather(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #allgather(byte[], byte[])} in the background. ({@code long[]}) */
    public Request iallgather(long[] send, long[] recv) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgather(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #allgather(byte[], byte[])} in the background. ({@code float[]}) */
    public Request iallgather(float[] send, float[] recv) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgather(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #allgather(byte[], byte[])} in the background. ({@code double[]}) */
    public Request iallgather(double[] send, double[] recv) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgather(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #allgather(byte[], byte[])} in the background. ({@code ByteBuffer}) */
    public Request iallgather(ByteBuffer send, ByteBuffer recv) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgather(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #alltoall(byte[], byte[])} in the background. */
    public Request ialltoall(byte[] send, byte[] recv) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoall(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #alltoall(byte[], byte[])} in the background. ({@code int[]}) */
    public Request ialltoall(int[] send, int[] recv) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoall(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #alltoall(byte[], byte[])} in the background. ({@code long[]}) */
    public Request ialltoall(long[] send, long[] recv) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoall(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #alltoall(byte[], byte[])} in the background. ({@code float[]}) */
    public Request ialltoall(float[] send, float[] recv) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoall(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #alltoall(byte[], byte[])} in the background. ({@code double[]}) */
    public Request ialltoall(double[] send, double[] recv) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoall(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #alltoall(byte[], byte[])} in the background. ({@code ByteBuffer}) */
    public Request ialltoall(ByteBuffer send, ByteBuffer recv) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoall(Buf.of(send), Buf.of(recv)));
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} in the background. */
    public Request ireduceScatter(byte[] send, byte[] recv, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatter(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} in the background. ({@code int[]}) */
    public Request ireduceScatter(int[] send, int[] recv, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatter(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} in the background. ({@code long[]}) */
    public Request ireduceScatter(long[] send, long[] recv, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatter(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} in the background. ({@code float[]}) */
    public Request ireduceScatter(float[] send, float[] recv, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatter(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} in the background. ({@code double[]}) */
    public Request ireduceScatter(double[] send, double[] recv, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatter(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #reduceScatter(byte[], byte[], Op)} in the background. ({@code ByteBuffer}) */
    public Request ireduceScatter(ByteBuffer send, ByteBuffer recv, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatter(Buf.of(send), Buf.of(recv), op));
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} in the background. */
    public Request igatherv(byte[] send, byte[] recv, int[] counts, int[] displs, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root));
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} in the background. ({@code int[]}) */
    public Request igatherv(int[] send, int[] recv, int[] counts, int[] displs, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root));
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} in the background. ({@code long[]}) */
    public Request igatherv(long[] send, long[] recv, int[] counts, int[] displs, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root));
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} in the background. ({@code float[]}) */
    public Request igatherv(float[] send, float[] recv, int[] counts, int[] displs, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root));
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} in the background. ({@code double[]}) */
    public Request igatherv(double[] send, double[] recv, int[] counts, int[] displs, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root));
    }

    /** {@link #gatherv(byte[], byte[], int[], int[], int)} in the background. ({@code ByteBuffer}) */
    public Request igatherv(ByteBuffer send, ByteBuffer recv, int[] counts, int[] displs, int root) {
        return engine.icollective(Operation.GATHER, () -> engine.gatherv(Buf.of(send), Buf.of(recv), counts, displs, root));
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} in the background. */
    public Request iscatterv(byte[] send, int[] counts, int[] displs, byte[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root));
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} in the background. ({@code int[]}) */
    public Request iscatterv(int[] send, int[] counts, int[] displs, int[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root));
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} in the background. ({@code long[]}) */
    public Request iscatterv(long[] send, int[] counts, int[] displs, long[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root));
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} in the background. ({@code float[]}) */
    public Request iscatterv(float[] send, int[] counts, int[] displs, float[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root));
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} in the background. ({@code double[]}) */
    public Request iscatterv(double[] send, int[] counts, int[] displs, double[] recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root));
    }

    /** {@link #scatterv(byte[], int[], int[], byte[], int)} in the background. ({@code ByteBuffer}) */
    public Request iscatterv(ByteBuffer send, int[] counts, int[] displs, ByteBuffer recv, int root) {
        return engine.icollective(Operation.SCATTER, () -> engine.scatterv(Buf.of(send), counts, displs, Buf.of(recv), root));
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} in the background. */
    public Request iallgatherv(byte[] send, byte[] recv, int[] counts, int[] displs) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs));
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} in the background. ({@code int[]}) */
    public Request iallgatherv(int[] send, int[] recv, int[] counts, int[] displs) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs));
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} in the background. ({@code long[]}) */
    public Request iallgatherv(long[] send, long[] recv, int[] counts, int[] displs) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs));
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} in the background. ({@code float[]}) */
    public Request iallgatherv(float[] send, float[] recv, int[] counts, int[] displs) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs));
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} in the background. ({@code double[]}) */
    public Request iallgatherv(double[] send, double[] recv, int[] counts, int[] displs) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs));
    }

    /** {@link #allgatherv(byte[], byte[], int[], int[])} in the background. ({@code ByteBuffer}) */
    public Request iallgatherv(ByteBuffer send, ByteBuffer recv, int[] counts, int[] displs) {
        return engine.icollective(Operation.ALLGATHER, () -> engine.allgatherv(Buf.of(send), Buf.of(recv), counts, displs));
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} in the background. */
    public Request ialltoallv(byte[] send, int[] sendCounts, int[] sendDispls, byte[] recv, int[] recvCounts, int[] recvDispls) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls));
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} in the background. ({@code int[]}) */
    public Request ialltoallv(int[] send, int[] sendCounts, int[] sendDispls, int[] recv, int[] recvCounts, int[] recvDispls) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls));
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} in the background. ({@code long[]}) */
    public Request ialltoallv(long[] send, int[] sendCounts, int[] sendDispls, long[] recv, int[] recvCounts, int[] recvDispls) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls));
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} in the background. ({@code float[]}) */
    public Request ialltoallv(float[] send, int[] sendCounts, int[] sendDispls, float[] recv, int[] recvCounts, int[] recvDispls) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls));
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} in the background. ({@code double[]}) */
    public Request ialltoallv(double[] send, int[] sendCounts, int[] sendDispls, double[] recv, int[] recvCounts, int[] recvDispls) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls));
    }

    /** {@link #alltoallv(byte[], int[], int[], byte[], int[], int[])} in the background. ({@code ByteBuffer}) */
    public Request ialltoallv(ByteBuffer send, int[] sendCounts, int[] sendDispls, ByteBuffer recv, int[] recvCounts, int[] recvDispls) {
        return engine.icollective(Operation.ALLTOALL, () -> engine.alltoallv(Buf.of(send), sendCounts, sendDispls, Buf.of(recv), recvCounts, recvDispls));
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} in the background. */
    public Request ireduceScatter(byte[] send, byte[] recv, int[] counts, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op));
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} in the background. ({@code int[]}) */
    public Request ireduceScatter(int[] send, int[] recv, int[] counts, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op));
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} in the background. ({@code long[]}) */
    public Request ireduceScatter(long[] send, long[] recv, int[] counts, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op));
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} in the background. ({@code float[]}) */
    public Request ireduceScatter(float[] send, float[] recv, int[] counts, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op));
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} in the background. ({@code double[]}) */
    public Request ireduceScatter(double[] send, double[] recv, int[] counts, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op));
    }

    /** {@link #reduceScatter(byte[], byte[], int[], Op)} in the background. ({@code ByteBuffer}) */
    public Request ireduceScatter(ByteBuffer send, ByteBuffer recv, int[] counts, Op op) {
        return engine.icollective(Operation.REDUCE_SCATTER, () -> engine.reduceScatterv(Buf.of(send), Buf.of(recv), counts, op));
    }

    // ---- communicators ----

    /**
     * MPI's {@code split}: called by every rank; the ranks that pass the same {@code color} (>= 0)
     * form a new communicator, ranked by {@code key} and then by their rank here. {@link #UNDEFINED}
     * joins none and gets null. The new communicator reuses this one's channels and connections
     * (no new pairing, no new connection to a store); its traffic never mixes with this one's or
     * any other's. Close it (or {@link #free()} it) when done; closing this communicator's root (the
     * one the builder made) ends it too.
     */
    public Communicator split(int color, int key) {
        Engine sub = engine.split(color, key);
        return sub == null ? null : new Communicator(sub, memoryMiB, objects.codec());
    }

    /** A copy of this communicator with the same ranks and its own traffic (MPI's {@code dup}). */
    public Communicator dup() {
        return new Communicator(engine.dup(), memoryMiB, objects.codec());
    }

    /** The communicator's id, the same on every member, distinct among communicators that share a member. */
    public int id() {
        return engine.id();
    }

    /** Releases this communicator (MPI's {@code free}); the same as {@link #close()}. */
    public void free() {
        close();
    }

    // ---- objects ----

    /** Sends {@code value}, encoded with the builder's {@link ObjectCodec}, to {@code dest} with {@code tag}. */
    public void sendObject(Object value, int dest, int tag) {
        objects.send(value, dest, tag);
    }

    /** Receives an object sent with {@link #sendObject}; {@code src} may be {@link #ANY_SOURCE}. */
    public <T> T recvObject(int src, int tag, Class<T> type) {
        return objects.recv(src, tag, type);
    }

    /** Broadcasts {@code value} from {@code root} (other ranks pass anything, e.g. null) and returns it on every rank. */
    public <T> T bcastObject(T value, int root, Class<T> type) {
        return objects.bcast(value, root, type);
    }

    /** Gathers every rank's {@code value} on {@code root}, in rank order; null on other ranks. */
    public <T> List<T> gatherObject(T value, int root, Class<T> type) {
        return objects.gather(value, root, type);
    }

    /** Gathers every rank's {@code value} on every rank, in rank order. */
    public <T> List<T> allgatherObject(T value, Class<T> type) {
        return objects.allgather(value, type);
    }

    /**
     * Combines every rank's {@code value} with {@code op} in rank order ({@code ((v0 op v1) op v2)...})
     * and returns the result on every rank, identical everywhere.
     */
    public <T> T allreduceObject(T value, java.util.function.BinaryOperator<T> op, Class<T> type) {
        return objects.allreduce(value, op, type);
    }

    /**
     * Releases connections and deletes what this peer stored. Idempotent; operations afterwards
     * fail with an {@link FmiException}.
     *
     * @throws ChannelException if a channel could not deliver messages that a send had already
     *                          accepted (a send to a peer that could not be reached, or that left
     *                          before reading): every channel is still closed, and the message says
     *                          how many bytes to which rank were lost and why
     */
    @Override
    public void close() {
        engine.close();
    }

    /**
     * Ends the job for every peer: each channel tells the other peers (Direct sends an abort frame
     * over each connection, at once; the storage channels write an abort mark that waiting peers
     * read within about one heartbeat interval), their operations then fail with an
     * {@link FmiAbortedException} carrying this rank and {@code reason}, and this communicator
     * (with every one derived from it) is closed without waiting for peers to read what was sent.
     * Failures to reach a channel are logged, not thrown: abort always completes. For MPI's
     * {@code Comm.abort}, and for a peer that hit an error it cannot recover from.
     */
    public void abort(String reason) {
        engine.abort(reason == null || reason.isBlank() ? "(no reason given)" : reason);
        try {
            engine.close();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Communicator.class).debug("close after abort: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "Communicator[" + name + ", rank " + rank + " of " + size + ", channels " + engine.channelNames() + "]";
    }
}
