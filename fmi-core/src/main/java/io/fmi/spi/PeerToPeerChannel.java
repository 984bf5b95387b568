package io.fmi.spi;

import java.nio.ByteBuffer;

/**
 * A channel that moves messages between two peers. It only moves bytes: message matching
 * (sources, tags, wildcards, communicators, sizes) is done by the {@link Mailbox} the channel owns,
 * to which it hands every message that arrives, in the order each source sent them.
 *
 * <p>Every message carries the id of the communicator it belongs to ({@code comm}): the channel
 * is opened once, for the communicator made by the builder, and every communicator derived from it
 * ({@code split}, {@code dup}) reuses its connections, addressing peers by their rank in the
 * channel's {@link ChannelContext}. Tags {@code >= 0} belong to the user; the collective
 * algorithms use negative tags.
 *
 * <p>Thread safety: every method may be called from several threads at once (a communicator is
 * thread-safe; non-blocking operations run in background threads). Messages from one sender to
 * one destination must still be delivered in the order their {@code send} calls returned.
 *
 * <p>Adding a channel is this interface plus a {@link ChannelProvider}.
 */
public interface PeerToPeerChannel extends Channel {

    /** The mailbox the channel delivers arriving messages to; the same instance for the channel's life. */
    Mailbox mailbox();

    /**
     * Sends the bytes between {@code data}'s position and limit to channel rank {@code dest} (never
     * this peer's own rank; the communicator delivers self-messages itself). May return before the
     * receiver has received them, and must not block indefinitely on a receiver that is itself
     * sending to us (two peers that send to each other and then receive must not deadlock). Does not
     * change {@code data}'s position; {@code data} may be reused once this returns.
     *
     * @throws io.fmi.FmiTimeoutException if the message could not be handed over before the deadline
     * @throws io.fmi.ChannelException    if the connection to {@code dest} failed
     */
    void send(int dest, int comm, int tag, ByteBuffer data, Deadline deadline);

    /**
     * Sends {@code data[i]} to channel rank {@code dest[i]} for every {@code i}, all with {@code comm}
     * and {@code tag} (the sends of an allgather or alltoall): as {@link #send} of each in turn, which
     * is what this default does, but a channel may hand them over in whatever order its connections
     * take them, so that one receiver slow to read does not hold up the others. Returns once every
     * one is handed over as {@link #send} would have; if a destination failed, throws its failure
     * once the others are handed over (or the deadline passed). A destination may appear only once.
     *
     * @throws io.fmi.FmiTimeoutException if a message could not be handed over before the deadline
     * @throws io.fmi.ChannelException    if the connection to a destination failed
     */
    default void sendAll(int[] dest, int comm, int tag, ByteBuffer[] data, Deadline deadline) {
        for (int i = 0; i < dest.length; i++) {
            send(dest[i], comm, tag, data[i], deadline);
        }
    }

    /**
     * Makes progress until {@code receive} (posted on {@link #mailbox()}) is done, then returns its
     * envelope; connects to the receive's {@link Mailbox.Receive#candidates() candidates} if it
     * has to. At the deadline the receive is withdrawn and an {@link io.fmi.FmiTimeoutException}
     * thrown, unless its message is already arriving.
     *
     * @throws io.fmi.MessageSizeException if the message does not fit the receive
     * @throws io.fmi.ChannelException     if the connection to a candidate sender failed
     */
    Mailbox.Envelope await(Mailbox.Receive receive, Deadline deadline);

    /**
     * A receive was posted that nobody waits for yet (a non-blocking receive): get ready to hear from
     * its candidates (a lazily connecting channel starts connecting) and deliver its message without a
     * caller. Must not block.
     */
    default void expect(Mailbox.Receive receive, Deadline deadline) {
    }

    /** Reads what has arrived without blocking (before a non-blocking probe looks at the mailbox). */
    default void poll() {
    }

    /**
     * Whether an alltoall or allgather of large blocks from the heap should send one block at a time
     * rather than all at once (the receives are posted first either way). By default it should. Direct
     * says so only while it is the sole Direct channel of its JVM: with separate processes one at a
     * time took 10-30% less time, with ranks as threads of one JVM 20-35% more (alltoall, 8 ranks,
     * 2 cores, 1 MiB).
     */
    default boolean largeBlocksOneAtATime() {
        return true;
    }

    /**
     * Whether a message of {@code bytes} in a heap buffer ({@code byte[]}-backed) is sent and received
     * in place, never copied through direct memory. Where it is, the engine hands the channel the
     * user's arrays instead of staging them in pooled direct buffers (a bcast or allgather from a
     * {@code byte[]}). By default false: a channel that copies heap buffers per send would otherwise
     * copy once per destination what the engine stages once. Direct says true for messages of
     * 128 KiB and more where it reads and writes Java arrays in place (JDK 22 and later, see its docs).
     */
    default boolean movesHeapInPlace(long bytes) {
        return false;
    }
}
