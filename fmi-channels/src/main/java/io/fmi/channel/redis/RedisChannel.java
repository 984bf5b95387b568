package io.fmi.channel.redis;

import io.fmi.ChannelException;
import io.fmi.FmiException;
import io.fmi.FmiTimeoutException;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.ObjectStoreChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.KeyValue;

/**
 * The Redis channel: values live in Redis lists, so a reader waits with {@code BLPOP} instead of
 * polling, and reading consumes.
 *
 * <ul>
 *   <li>One reader: {@code RPUSH key value}; the reader's {@code BLPOP} takes it and the key is gone.</li>
 *   <li>Several readers and a small value (readers × size ≤ {@code copy_limit_bytes}, default
 *       1 MiB): one copy per reader in the list; each reader pops one; the last pop removes the key.</li>
 *   <li>Several readers and a large value: the value once under {@code key#v}, a reader counter
 *       {@code key#c}, and one token per reader in the list {@code key#n}; a reader pops a token,
 *       then a script reads the value and decrements the counter, and the last reader deletes all three.
 *       ({@code key} itself is always a list, so one {@code BLPOP} on {@code key} and {@code key#n}
 *       waits for either form.)</li>
 * </ul>
 * Writes are one Lua script each (by SHA1), so a value and its TTL ({@code ttl_seconds}) are set in
 * one atomic step and one round trip. Nothing is ever
 * listed or scanned. {@link #close()} gives slower peers {@code close_grace} ms to read this peer's
 * values, then deletes what is left.
 *
 * <p>A peer runs its operations one at a time, so each channel owns one connection; after a
 * connection failure the operation fails with a {@link ChannelException} naming the endpoint and
 * the next operation reconnects.
 */
public final class RedisChannel implements ObjectStoreChannel {
    /** The backend name. */
    public static final String NAME = "Redis";

    private static final Logger LOG = LoggerFactory.getLogger(RedisChannel.class);
    private static final long WAIT_SLICE_MS = 1000;
    /** The socket timeout of requests without a deadline (clean-up, marks); others get their deadline's rest. */
    private static final int SOCKET_TIMEOUT_MS = 10_000;
    /** What a request made at its deadline still gets. */
    private static final int LAST_LOOK_MS = 200;
    /**
     * A connection idle for longer than this is checked with PING before use, so that a server
     * restart while this peer was computing costs a reconnect instead of a failed operation. (A
     * failed command itself is never retried: Redis may have executed it.)
     */
    private static final long IDLE_CHECK_NANOS = 250_000_000L;
    /** KEYS[1] = list; ARGV[1] = TTL ms, ARGV[2..] = copies: push and expire in one atomic step. */
    private static final byte[] PUSH_COPIES = utf8("redis.call('RPUSH', KEYS[1], unpack(ARGV, 2)) "
            + "return redis.call('PEXPIRE', KEYS[1], ARGV[1])");
    /** KEYS = value, counter, tokens; ARGV = TTL ms, value, readers. */
    private static final byte[] PUT_SHARED = utf8("redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1]) "
            + "redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[1]) "
            + "for i = 1, tonumber(ARGV[3]) do redis.call('RPUSH', KEYS[3], '1') end "
            + "return redis.call('PEXPIRE', KEYS[3], ARGV[1])");
    /** KEYS = value, counter, tokens: read the value; the last reader deletes all three. */
    private static final byte[] READ_SHARED = utf8("local v = redis.call('GET', KEYS[1]) "
            + "if redis.call('DECR', KEYS[2]) <= 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end "
            + "return v");
    private static final byte[] PUSH_COPIES_SHA = sha1(PUSH_COPIES);
    private static final byte[] PUT_SHARED_SHA = sha1(PUT_SHARED);
    private static final byte[] READ_SHARED_SHA = sha1(READ_SHARED);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha1(byte[] script) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(script);
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return utf8(hex.toString());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private final RedisSettings settings;
    /** What this peer wrote and no reader has consumed yet, as far as it knows; deleted at close. */
    private final io.fmi.spi.WrittenKeys written = new io.fmi.spi.WrittenKeys("Redis channel", new io.fmi.spi.WrittenKeys.Store() {
        @Override
        public List<String> existing(List<String> keys) {
            return leased(() -> {
                try {
                    redis.clients.jedis.Pipeline pipeline = connection().pipelined();
                    List<redis.clients.jedis.Response<Boolean>> exists = new ArrayList<>(keys.size());
                    for (String key : keys) {
                        exists.add(pipeline.exists(key));
                    }
                    pipeline.sync();
                    List<String> left = new ArrayList<>();
                    for (int i = 0; i < keys.size(); i++) {
                        if (exists.get(i).get()) {
                            left.add(keys.get(i));
                        }
                    }
                    return left;
                } catch (JedisException e) {
                    throw failure("checking written keys", e);
                }
            });
        }

        @Override
        public List<String> delete(List<String> keys) {
            return leased(() -> {
                try {
                    for (int i = 0; i < keys.size(); i += 1000) {
                        connection().del(keys.subList(i, Math.min(keys.size(), i + 1000)).toArray(new String[0]));
                    }
                    return List.of();
                } catch (JedisException e) {
                    throw failure("deleting written keys", e);
                }
            });
        }
    });
    private ChannelContext context;

    /**
     * One connection with its last use. A call borrows one for its duration (see {@link #leased});
     * one thread at a time, as before, uses one connection and never opens a second; threads that
     * call at once (non-blocking operations, several threads on one communicator) get their own.
     */
    private static final class Slot {
        Jedis jedis;
        long lastUsedNanos;
    }

    private final ThreadLocal<Slot> current = new ThreadLocal<>();
    private final java.util.ArrayDeque<Slot> idle = new java.util.ArrayDeque<>();
    private final List<Slot> slots = new ArrayList<>();

    RedisChannel(RedisSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(ChannelContext context) {
        if (this.context != null) {
            throw new FmiException("Redis channel is already open; create one channel per peer");
        }
        this.context = context;
        leased(this::connection);
    }

    /** Runs {@code call} with a connection of this thread's (borrowed for the outermost call). */
    private <T> T leased(java.util.function.Supplier<T> call) {
        if (current.get() != null) {
            return call.get();
        }
        Slot slot;
        synchronized (idle) {
            slot = idle.pollFirst();
            if (slot == null) {
                slot = new Slot();
                slots.add(slot);
            }
        }
        current.set(slot);
        try {
            return call.get();
        } finally {
            current.remove();
            synchronized (idle) {
                idle.addFirst(slot);
            }
        }
    }

    @Override
    public long maxValueBytes() {
        return settings.maxValueBytes;
    }

    /** This thread's connection, with the socket timeout of requests without a deadline. */
    private Jedis connection() {
        return connection(SOCKET_TIMEOUT_MS);
    }

    /** This thread's connection (checked or made anew), its socket timeout set to {@code timeoutMs}. */
    private Jedis connection(int timeoutMs) {
        Slot slot = current.get();
        long now = System.nanoTime();
        if (slot.jedis != null && now - slot.lastUsedNanos > IDLE_CHECK_NANOS) {
            Jedis jedis = slot.jedis;
            try {
                jedis.ping();
            } catch (JedisException e) {
                LOG.debug("Redis connection to {} went stale while idle ({}); reconnecting", settings.endpoint(), e.toString());
                try {
                    jedis.close();
                } catch (RuntimeException ignored) {
                    // already broken
                }
                slot.jedis = null;
            }
        }
        slot.lastUsedNanos = now;
        if (slot.jedis == null) {
            DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(settings.connectTimeoutMs)
                    .socketTimeoutMillis(SOCKET_TIMEOUT_MS)
                    .blockingSocketTimeoutMillis((int) (WAIT_SLICE_MS + 5_000))
                    .database(settings.database)
                    .ssl(settings.tls)
                    .clientName("fmi-" + context.rank());
            if (settings.password != null) {
                config.user(settings.user).password(settings.password);
            }
            Jedis fresh = null;
            try {
                fresh = new Jedis(new HostAndPort(settings.host, settings.port), config.build());
                fresh.ping();
            } catch (JedisException e) {
                if (fresh != null) {
                    fresh.close();
                }
                throw failure("connecting", e);
            }
            slot.jedis = fresh;
        }
        if (slot.jedis.getConnection().getSoTimeout() != timeoutMs) {
            slot.jedis.getConnection().setSoTimeout(timeoutMs);
        }
        return slot.jedis;
    }

    /**
     * This thread's connection with its socket timeout cut to what is left of {@code deadline}
     * (at least {@link #LAST_LOOK_MS}): a silent server fails the request at the operation's
     * deadline, not after the fixed socket timeout.
     */
    private Jedis connection(Deadline deadline) {
        return connection((int) Math.max(LAST_LOOK_MS, Math.min(deadline.remainingMillis(), SOCKET_TIMEOUT_MS)));
    }

    /** A failed request: an {@link FmiTimeoutException} if the deadline cut it, else {@link #failure}. */
    private io.fmi.FmiException failure(String what, JedisException e, Deadline deadline) {
        ChannelException failure = failure(what, e);
        if (deadline.expired()) {
            return new FmiTimeoutException("Redis at " + settings.endpoint() + ": " + what + " did not complete within "
                    + deadline.budget().toMillis() + " ms", failure);
        }
        return failure;
    }

    /** A {@link ChannelException} naming the endpoint; drops a broken connection so the next call reconnects. */
    private ChannelException failure(String what, JedisException e) {
        Slot slot = current.get();
        if (e instanceof JedisConnectionException && slot != null && slot.jedis != null) {
            try {
                slot.jedis.close();
            } catch (RuntimeException ignored) {
                // the connection is broken already
            }
            slot.jedis = null;
        }
        String hint = e instanceof JedisConnectionException
                ? "; check that Redis is running and reachable there (backends.Redis host/port or url)"
                : "; check backends.Redis credentials and database";
        return new ChannelException("Redis at " + settings.endpoint() + ": " + what + " failed: " + e.getMessage()
                + hint, e);
    }

    private byte[] key(String relative) {
        return (context.keyPrefix() + relative).getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes between position and limit, without a copy when they are a whole heap array. */
    private static byte[] bytesOf(ByteBuffer value) {
        if (value.hasArray() && value.arrayOffset() == 0 && value.position() == 0
                && value.remaining() == value.array().length) {
            return value.array();
        }
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public void put(String key, ByteBuffer value, int readers, Deadline deadline) {
        leased(() -> {
            putLeased(key, value, readers, deadline);
            return null;
        });
    }

    private void putLeased(String key, ByteBuffer value, int readers, Deadline deadline) {
        byte[] bytes = bytesOf(value);
        String full = context.keyPrefix() + key;
        byte[] k = full.getBytes(StandardCharsets.UTF_8);
        byte[] ttl = Long.toString(settings.ttlMillis).getBytes(StandardCharsets.US_ASCII);
        try {
            if (readers == 1 || (long) bytes.length * readers <= settings.copyLimitBytes) {
                byte[][] args = new byte[2 + readers][];
                args[0] = k;
                args[1] = ttl;
                Arrays.fill(args, 2, args.length, bytes);
                script(deadline, PUSH_COPIES, PUSH_COPIES_SHA, 1, args);
                written.add(full);
            } else {
                byte[] shared = (full + "#v").getBytes(StandardCharsets.UTF_8);
                byte[] counter = (full + "#c").getBytes(StandardCharsets.UTF_8);
                byte[] tokens = (full + "#n").getBytes(StandardCharsets.UTF_8);
                script(deadline, PUT_SHARED, PUT_SHARED_SHA, 3, shared, counter, tokens, ttl, bytes,
                        Integer.toString(readers).getBytes(StandardCharsets.US_ASCII));
                written.add(full + "#v");
                written.add(full + "#c");
                written.add(full + "#n");
            }
        } catch (JedisException e) {
            throw failure("writing " + full + " (" + bytes.length + " bytes)", e, deadline);
        }
    }

    /** Runs a script by its SHA1 (one short command), loading it on the first NOSCRIPT. */
    private Object script(Deadline deadline, byte[] script, byte[] sha, int keyCount, byte[]... args) {
        try {
            return connection(deadline).evalsha(sha, keyCount, args);
        } catch (redis.clients.jedis.exceptions.JedisNoScriptException e) {
            return connection(deadline).eval(script, keyCount, args);
        }
    }

    @Override
    public byte[] get(String key, Deadline deadline) {
        return getAny(List.of(key), deadline).value();
    }

    /**
     * One {@code BLPOP} over every key (and its token list, for values stored once for several
     * readers), in slices of at most a second until the deadline: the wildcard receive costs one
     * blocking command however many senders there are.
     */
    @Override
    public Taken getAny(List<String> keys, Deadline deadline) {
        return leased(() -> getAnyLeased(keys, deadline));
    }

    private Taken getAnyLeased(List<String> keys, Deadline deadline) {
        int n = keys.size();
        byte[][] waitOn = new byte[2 * n][];
        for (int i = 0; i < n; i++) {
            String full = context.keyPrefix() + keys.get(i);
            waitOn[2 * i] = full.getBytes(StandardCharsets.UTF_8);
            waitOn[2 * i + 1] = (full + "#n").getBytes(StandardCharsets.UTF_8);
        }
        String what = n == 1 ? "key " + context.keyPrefix() + keys.get(0) : "none of the keys " + keys + " under "
                + context.keyPrefix();
        try {
            while (true) {
                long leftMs = deadline.remainingMillis();
                if (leftMs <= 0 || deadline.expired()) {
                    throw new FmiTimeoutException("Redis at " + settings.endpoint() + ": " + what
                            + (n == 1 ? " did not appear" : " appeared") + " within " + deadline.budget().toMillis() + " ms");
                }
                double slice = Math.max(0.01, Math.min(leftMs, WAIT_SLICE_MS) / 1000.0);
                KeyValue<byte[], byte[]> popped = connection().blpop(slice, waitOn);
                if (popped == null) {
                    continue;
                }
                for (int i = 0; i < 2 * n; i++) {
                    if (Arrays.equals(popped.getKey(), waitOn[i])) {
                        String full = context.keyPrefix() + keys.get(i / 2);
                        // a token taken is this reader's only one: the read must not be cut by what is
                        // left of a short wait (a slice between liveness checks), or the value is lost
                        // to this reader and it waits for a token that never comes
                        return new Taken(i / 2, i % 2 == 0 ? popped.getValue() : readShared(full, committed(deadline)));
                    }
                }
                throw new ChannelException("Redis at " + settings.endpoint() + ": BLPOP answered with a key it was not"
                        + " asked for");
            }
        } catch (JedisException e) {
            throw failure("waiting for " + what, e, deadline);
        }
    }

    /** At least {@link #SOCKET_TIMEOUT_MS} for a request that must complete once started (a token is taken). */
    private static Deadline committed(Deadline deadline) {
        return deadline.remainingMillis() >= SOCKET_TIMEOUT_MS ? deadline
                : Deadline.after(java.time.Duration.ofMillis(SOCKET_TIMEOUT_MS));
    }

    /** A reader's turn at a value stored once for several readers (it has taken a token). */
    private byte[] readShared(String full, Deadline deadline) {
        byte[] shared = (full + "#v").getBytes(StandardCharsets.UTF_8);
        byte[] counter = (full + "#c").getBytes(StandardCharsets.UTF_8);
        byte[] tokens = (full + "#n").getBytes(StandardCharsets.UTF_8);
        Object value = script(deadline, READ_SHARED, READ_SHARED_SHA, 3, shared, counter, tokens);
        if (!(value instanceof byte[])) {
            throw new ChannelException("Redis at " + settings.endpoint() + ": value " + full
                    + " vanished before it was read (expired? raise backends.Redis.ttl_seconds)");
        }
        return (byte[]) value;
    }

    @Override
    public byte[] tryGet(String key) {
        return leased(() -> tryGetLeased(key));
    }

    private byte[] tryGetLeased(String key) {
        String full = context.keyPrefix() + key;
        try {
            byte[] value = connection().lpop(full.getBytes(StandardCharsets.UTF_8));
            if (value != null) {
                return value;
            }
            byte[] token = connection().lpop((full + "#n").getBytes(StandardCharsets.UTF_8));
            return token == null ? null : readShared(full, Deadline.after(java.time.Duration.ofMillis(SOCKET_TIMEOUT_MS)));
        } catch (JedisException e) {
            throw failure("reading " + full, e);
        }
    }

    @Override
    public java.time.Duration heartbeat() {
        return settings.heartbeat;
    }

    /** {@code SET key value PX ttl}. */
    @Override
    public void putMark(String key, byte[] value, java.time.Duration ttl) {
        leased(() -> {
            try {
                connection().psetex(key(key), Math.max(1, ttl.toMillis()), value);
            } catch (JedisException e) {
                throw failure("writing mark " + context.keyPrefix() + key, e);
            }
            return null;
        });
    }

    /** One {@code MGET}. */
    @Override
    public byte[][] getMarks(List<String> keys) {
        return leased(() -> {
            byte[][] full = keys.stream().map(this::key).toArray(byte[][]::new);
            try {
                return connection().mget(full).toArray(new byte[0][]);
            } catch (JedisException e) {
                throw failure("reading marks " + keys + " under " + context.keyPrefix(), e);
            }
        });
    }

    /** One {@code DEL}. */
    @Override
    public void deleteMarks(List<String> keys) {
        leased(() -> {
            try {
                connection().del(keys.stream().map(this::key).toArray(byte[][]::new));
            } catch (JedisException e) {
                throw failure("deleting marks " + keys + " under " + context.keyPrefix(), e);
            }
            return null;
        });
    }

    /**
     * Walks the job's prefix with {@code SCAN MATCH} and deletes what is there: only after a peer
     * was found gone (operations never scan).
     */
    @Override
    public void sweep(String relativePrefix) {
        leased(() -> {
            String match = (context.keyPrefix() + relativePrefix).replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "*";
            redis.clients.jedis.params.ScanParams params = new redis.clients.jedis.params.ScanParams().match(match)
                    .count(1000);
            String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
            try {
                do {
                    redis.clients.jedis.resps.ScanResult<String> page = connection().scan(cursor, params);
                    if (!page.getResult().isEmpty()) {
                        connection().del(page.getResult().toArray(new String[0]));
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
            } catch (JedisException e) {
                throw failure("sweeping " + match, e);
            }
            return null;
        });
    }

    @Override
    public void close() {
        close(settings.closeGrace);
    }

    /** The job failed: delete this peer's values without waiting {@code close_grace} for readers. */
    @Override
    public void abandon() {
        close(java.time.Duration.ZERO);
    }

    private void close(java.time.Duration grace) {
        boolean anything;
        synchronized (idle) {
            anything = !slots.isEmpty();
        }
        anything |= written.size() > 0;
        if (!anything) {
            return;
        }
        try {
            leased(() -> {
                cleanUp(grace);
                return null;
            });
        } finally {
            synchronized (idle) {
                for (Slot slot : slots) {
                    if (slot.jedis != null) {
                        try {
                            slot.jedis.close();
                        } catch (RuntimeException ignored) {
                            // closing a broken connection
                        }
                        slot.jedis = null;
                    }
                }
                slots.clear();
                idle.clear();
            }
        }
    }

    private void cleanUp(java.time.Duration graceTime) {
        try {
            int unread = written.close(graceTime, java.time.Duration.ofMillis(50), java.time.Duration.ofSeconds(10));
            if (unread > 0) {
                LOG.warn("Redis channel of '{}' rank {}: deleted {} value(s) no peer read within {} ms",
                        context.communicatorName(), context.rank(), unread, graceTime.toMillis());
            }
        } catch (RuntimeException e) {
            LOG.warn("Redis channel of '{}' rank {}: cleanup at {} failed ({}); the keys expire after {} s",
                    context.communicatorName(), context.rank(), settings.endpoint(), e.toString(),
                    settings.ttlMillis / 1000);
        }
    }

    @Override
    public String toString() {
        return "RedisChannel[" + settings.endpoint() + "]";
    }
}
