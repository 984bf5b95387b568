package io.fmi.collective;

import io.fmi.spi.Deadline;
import io.fmi.spi.Mailbox;
import java.nio.ByteBuffer;

/**
 * Point-to-point messages within one communicator, addressed by communicator ranks; the wildcards
 * are {@link Mailbox#ANY_SOURCE} and {@link Mailbox#ANY_TAG}. Envelopes name communicator ranks.
 * One implementation per channel kind: {@link ChannelMessages} over a peer-to-peer channel, and
 * the per-pair message streams of {@link ObjectStoreCollectives}.
 */
public interface Messages {

    /** Sends the bytes between {@code data}'s position and limit; sending to oneself queues them. */
    void send(int dest, int tag, ByteBuffer data, Deadline deadline);

    /** {@link io.fmi.spi.PeerToPeerChannel#largeBlocksOneAtATime}; by default true. */
    default boolean largeBlocksOneAtATime() {
        return true;
    }

    /** {@link io.fmi.spi.PeerToPeerChannel#movesHeapInPlace}; by default false. */
    default boolean movesHeapInPlace(long bytes) {
        return false;
    }

    /**
     * Sends {@code data} to {@code dest} and receives a message of exactly {@code into}'s remaining
     * bytes from {@code source} (both with {@code tag}), as one exchange. Implementations where the
     * receive can be posted before the send ({@link ChannelMessages}) do so, so the partner's message
     * lands in place instead of being queued and copied while this peer is still sending.
     */
    default void sendrecv(int dest, ByteBuffer data, int source, ByteBuffer into, int tag, Deadline deadline) {
        send(dest, tag, data, deadline);
        recv(source, tag, into, true, deadline);
    }

    /**
     * Many exchanges at once, all with {@code tag}: {@code out[i]} goes to {@code to[i]} and a message
     * of exactly {@code in[i]}'s remaining bytes comes from {@code from[i]}, with no rank named twice in
     * {@code from} and none of them this rank. Implementations that can post receives before sending
     * ({@link ChannelMessages}) post every receive, send everything, then wait: what arrives while this
     * rank still sends lands in place, and no exchange waits for a partner that is busy with another
     * (a rank that is descheduled on a shared core holds up only the blocks it sends and receives: the
     * channel writes each block as its connection takes it, {@link io.fmi.spi.PeerToPeerChannel#sendAll}). By default,
     * one {@link #sendrecv} after another.
     */
    default void exchange(int[] to, ByteBuffer[] out, int[] from, ByteBuffer[] in, int tag, Deadline deadline) {
        for (int i = 0; i < to.length; i++) {
            sendrecv(to[i], out[i], from[i], in[i], tag, deadline);
        }
    }

    /**
     * A receive posted ahead of its turn ({@link #post}): finished by {@link #complete}, or given up by
     * {@link #withdraw} when the caller fails before awaiting it.
     */
    interface Posted {
    }

    /**
     * Posts a receive of exactly {@code into}'s remaining bytes from {@code source} now and returns at
     * once, so that the message lands in place whenever it arrives (while this rank still works on
     * an earlier step) instead of being queued and copied; receives from one source with one tag
     * match its messages in the order they are posted. By default nothing is posted before
     * {@link #complete} receives.
     */
    default Posted post(int source, int tag, ByteBuffer into, Deadline deadline) {
        return new Deferred(source, tag, into);
    }

    /** Waits until a receive from {@link #post} is complete. */
    default void complete(Posted posted, Deadline deadline) {
        Deferred d = (Deferred) posted;
        recv(d.source(), d.tag(), d.into(), true, deadline);
    }

    /**
     * Gives up a receive from {@link #post} that will not be awaited (the caller failed): whatever
     * arrives for it is queued as if it had never been posted. A message being written into it
     * already finishes there, so a caller that withdraws must not reuse {@code into} for anything else.
     */
    default void withdraw(Posted posted) {
    }

    /** {@link #post}'s receive where nothing is posted ahead. */
    record Deferred(int source, int tag, ByteBuffer into) implements Posted {
    }

    /**
     * Receives the next matching message into the bytes between {@code into}'s position and limit.
     * {@code exact}: the message must fill the buffer exactly (otherwise it may be shorter).
     */
    Mailbox.Envelope recv(int source, int tag, ByteBuffer into, boolean exact, Deadline deadline);

    /**
     * Posts a receive now (so it matches messages in posting order) and returns at once; the receive
     * completes in the background, or fails at the deadline.
     */
    Pending irecv(int source, int tag, ByteBuffer into, boolean exact, Deadline deadline);

    /** Waits for the next matching message and returns its envelope without receiving it. */
    Mailbox.Envelope probe(int source, int tag, Deadline deadline);

    /** The envelope of a matching message that has arrived, or null; never waits. */
    Mailbox.Envelope iprobe(int source, int tag);
}
