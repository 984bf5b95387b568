package io.fmi.local;

import io.fmi.FmiException;
import io.fmi.spi.ChannelContext;
import io.fmi.spi.Deadline;
import io.fmi.spi.ObjectStoreChannel;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An in-memory object store shared by threads of one JVM ({@code LocalStore} backend). Values are
 * deleted after their last reader has read them; {@link #close()} deletes what this peer wrote and
 * nobody read. For fast tests of the object-store algorithms and for demos.
 */
public final class LocalStoreChannel implements ObjectStoreChannel {
    /** The backend name. */
    public static final String NAME = "LocalStore";

    /** How long {@link #close()} waits for peers to read this peer's values. */
    static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofSeconds(10);

    private final LocalHub hub;
    private final long maxValueBytes;
    private final io.fmi.spi.WrittenKeys written = new io.fmi.spi.WrittenKeys("LocalStore channel",
            new io.fmi.spi.WrittenKeys.Store() {
                @Override
                public java.util.List<String> existing(java.util.List<String> keys) {
                    return keys.stream().filter(hub::contains).collect(java.util.stream.Collectors.toList());
                }

                @Override
                public java.util.List<String> delete(java.util.List<String> keys) {
                    keys.forEach(hub::delete);
                    return java.util.List.of();
                }
            });
    private ChannelContext context;
    private java.time.Duration heartbeat = java.time.Duration.ofMillis(200);

    /** A store on the JVM-wide {@link LocalHub#shared() shared} hub. */
    public LocalStoreChannel() {
        this(LocalHub.shared(), Integer.MAX_VALUE - 8);
    }

    /**
     * A store on {@code hub} whose values may hold at most {@code maxValueBytes} (a small limit
     * exercises the splitting of large messages, as DynamoDB's 400 KB items need).
     */
    public LocalStoreChannel(LocalHub hub, long maxValueBytes) {
        this.hub = Objects.requireNonNull(hub, "hub");
        if (maxValueBytes < 16) {
            throw new IllegalArgumentException("maxValueBytes must be at least 16, is " + maxValueBytes);
        }
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void open(ChannelContext context) {
        if (this.context != null) {
            throw new FmiException("LocalStore channel is already open; create one channel per peer");
        }
        this.context = context;
    }

    @Override
    public long maxValueBytes() {
        return maxValueBytes;
    }

    @Override
    public void put(String key, ByteBuffer value, int readers, Deadline deadline) {
        if (value.remaining() > maxValueBytes) {
            throw new FmiException("LocalStore: value of " + value.remaining() + " bytes for key " + key
                    + " exceeds the limit of " + maxValueBytes + " bytes");
        }
        byte[] copy = new byte[value.remaining()];
        value.duplicate().get(copy);
        String full = context.keyPrefix() + key;
        hub.put(full, copy, readers);
        written.add(full);
    }

    @Override
    public byte[] get(String key, Deadline deadline) {
        return hub.get(context.communicatorName(), context.keyPrefix() + key, deadline);
    }

    @Override
    public byte[] tryGet(String key) {
        return hub.tryGet(context.keyPrefix() + key);
    }

    @Override
    public Taken getAny(java.util.List<String> keys, Deadline deadline) {
        return hub.getAny(context.communicatorName(),
                keys.stream().map(k -> context.keyPrefix() + k).collect(java.util.stream.Collectors.toList()), deadline);
    }

    /** Marks live in the hub's memory: {@link #heartbeat} 200 ms unless set, so that tests exercise failure detection. */
    @Override
    public java.time.Duration heartbeat() {
        return heartbeat;
    }

    /** Sets the heartbeat interval ({@code heartbeat_ms}); zero turns failure detection off. */
    public LocalStoreChannel heartbeat(java.time.Duration interval) {
        this.heartbeat = Objects.requireNonNull(interval, "interval");
        return this;
    }

    @Override
    public void putMark(String key, byte[] value, java.time.Duration ttl) {
        hub.putMark(context.keyPrefix() + key, value);
    }

    @Override
    public byte[][] getMarks(java.util.List<String> keys) {
        return keys.stream().map(k -> hub.getMark(context.keyPrefix() + k)).toArray(byte[][]::new);
    }

    @Override
    public void deleteMarks(java.util.List<String> keys) {
        keys.forEach(k -> hub.deleteMark(context.keyPrefix() + k));
    }

    /** Deletes every value under the prefix. */
    @Override
    public void sweep(String relativePrefix) {
        hub.deletePrefix(context.keyPrefix() + relativePrefix);
    }

    /**
     * Waits up to {@link #CLOSE_GRACE} for slower peers to read what this peer wrote (a fast peer
     * may finish while others still download its values), then deletes whatever is left.
     */
    @Override
    public void close() {
        close(CLOSE_GRACE);
    }

    /** The job failed: delete what this peer wrote without waiting for readers. */
    @Override
    public void abandon() {
        close(java.time.Duration.ZERO);
    }

    private void close(java.time.Duration grace) {
        written.close(grace, java.time.Duration.ofMillis(5), java.time.Duration.ofSeconds(10));
    }
}
