package io.fmi;

import io.fmi.config.BackendConfig;
import io.fmi.config.FmiConfig;
import io.fmi.model.ChannelModel;
import io.fmi.model.ChannelPolicy;
import io.fmi.model.Explanation;
import io.fmi.spi.Channel;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.ChannelProvider;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
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
 *       between position and limit; positions are never moved). Data travels little-endian.</li>
 *   <li>A communicator is used by one thread at a time. It is {@link AutoCloseable}: {@link #close()}
 *       releases connections and deletes what this peer stored.</li>
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

    private Communicator(Builder b, Engine engine) {
        this.engine = engine;
        this.rank = b.rank;
        this.size = b.size;
        this.name = b.name;
        this.memoryMiB = b.memoryMiB;
    }

    /** A new builder; {@link Builder#rank}, {@link Builder#size}, {@link Builder#name} and a config or channel are required. */
    public static Builder builder() {
        return new Builder();
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
        private Duration timeout;
        private final List<Channel> channels = new ArrayList<>();
        private final Map<Operation, String> pins = new EnumMap<>(Operation.class);
        private ChannelPolicy policy = ChannelPolicy.byModel();

        private Builder() {
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
            Engine engine = new Engine(new ChannelContext(rank, size, name, namespace), memoryMiB, gibSecondPrice,
                    policy, hint);
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

    /** Finds channel providers through {@link ServiceLoader}, once per class loader. */
    private static final class Providers {
        private static final Map<String, ChannelProvider> BY_NAME = load();

        private static Map<String, ChannelProvider> load() {
            Map<String, ChannelProvider> byName = new HashMap<>();
            for (ChannelProvider provider : ServiceLoader.load(ChannelProvider.class, Communicator.class.getClassLoader())) {
                byName.putIfAbsent(provider.name(), provider);
            }
            return byName;
        }

        static ChannelProvider find(String backend) {
            ChannelProvider provider = BY_NAME.get(backend);
            if (provider == null) {
                throw new FmiConfigException("backends." + backend + " is enabled but no channel provider named '"
                        + backend + "' is on the classpath (available: " + new java.util.TreeSet<>(BY_NAME.keySet())
                        + "); add the io.fmi:fmi-channels dependency, fix the name, or set \"enabled\": false");
            }
            return provider;
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
     * Receives the next tag-0 message from rank {@code src} into {@code buf}, which must have exactly the
     * message's length ({@link MessageSizeException} otherwise).
     */
    public void recv(byte[] buf, int src) {
        engine.recv(Buf.of(buf), src, 0);
    }

    /** {@link #recv(byte[], int)} for {@code int[]}. */
    public void recv(int[] buf, int src) {
        engine.recv(Buf.of(buf), src, 0);
    }

    /** {@link #recv(byte[], int)} for {@code long[]}. */
    public void recv(long[] buf, int src) {
        engine.recv(Buf.of(buf), src, 0);
    }

    /** {@link #recv(byte[], int)} for {@code float[]}. */
    public void recv(float[] buf, int src) {
        engine.recv(Buf.of(buf), src, 0);
    }

    /** {@link #recv(byte[], int)} for {@code double[]}. */
    public void recv(double[] buf, int src) {
        engine.recv(Buf.of(buf), src, 0);
    }

    /** {@link #recv(byte[], int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void recv(ByteBuffer buf, int src) {
        engine.recv(Buf.of(buf), src, 0);
    }

    /**
     * Receives the next message from rank {@code src} with {@code tag} into {@code buf}, which must have
     * exactly the message's length.
     */
    public void recv(byte[] buf, int src, int tag) {
        engine.recv(Buf.of(buf), src, tag);
    }

    /** {@link #recv(byte[], int, int)} for {@code int[]}. */
    public void recv(int[] buf, int src, int tag) {
        engine.recv(Buf.of(buf), src, tag);
    }

    /** {@link #recv(byte[], int, int)} for {@code long[]}. */
    public void recv(long[] buf, int src, int tag) {
        engine.recv(Buf.of(buf), src, tag);
    }

    /** {@link #recv(byte[], int, int)} for {@code float[]}. */
    public void recv(float[] buf, int src, int tag) {
        engine.recv(Buf.of(buf), src, tag);
    }

    /** {@link #recv(byte[], int, int)} for {@code double[]}. */
    public void recv(double[] buf, int src, int tag) {
        engine.recv(Buf.of(buf), src, tag);
    }

    /** {@link #recv(byte[], int, int)} for {@code ByteBuffer} (bytes between position and limit; positions are not moved). */
    public void recv(ByteBuffer buf, int src, int tag) {
        engine.recv(Buf.of(buf), src, tag);
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
     * same array.
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

    /**
     * Releases connections and deletes what this peer stored. Idempotent; operations afterwards
     * fail with an {@link FmiException}.
     */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String toString() {
        return "Communicator[" + name + ", rank " + rank + " of " + size + ", channels " + engine.channelNames() + "]";
    }
}
