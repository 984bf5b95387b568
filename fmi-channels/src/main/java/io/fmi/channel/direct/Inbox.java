package io.fmi.channel.direct;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Messages received from one peer, queued per tag until a receive asks for them (so messages with
 * other tags may overtake), plus the receive that is waiting for this peer right now, if any.
 *
 * <p>Only the thread that holds the channel's {@link Progress} lock touches an inbox, so it has no
 * locks of its own. A frame that arrives while a receive is posted with its tag and exactly its
 * length is written straight into that receive's buffer ({@link #claim}); anything else is queued.
 */
final class Inbox {
    /** A receive waiting with its destination buffer. */
    static final class Posted {
        final int tag;
        final ByteBuffer into;
        /** A frame is being written into {@link #into}. */
        boolean claimed;
        /** The whole frame is in {@link #into}. */
        boolean done;

        Posted(int tag, ByteBuffer into) {
            this.tag = tag;
            this.into = into;
        }
    }

    private final Map<Integer, ArrayDeque<byte[]>> queues = new HashMap<>();
    private Posted posted;
    private long queuedBytes;

    /** Posts a receive for {@code tag} into {@code into}; at most one is posted at a time. */
    Posted post(int tag, ByteBuffer into) {
        posted = new Posted(tag, into);
        return posted;
    }

    /** Withdraws the posted receive (done, failed or timed out). */
    void unpost() {
        posted = null;
    }

    /** The oldest queued message with {@code tag}, removed, or null. */
    byte[] poll(int tag) {
        ArrayDeque<byte[]> queue = queues.get(tag);
        byte[] message = queue == null ? null : queue.pollFirst();
        if (message != null) {
            queuedBytes -= message.length;
        }
        return message;
    }

    /**
     * The posted receive for a frame with {@code tag} and {@code length}, now claimed, or null if there
     * is none that fits (then the frame is queued; a queued message with the same tag goes first).
     */
    Posted claim(int tag, int length) {
        ArrayDeque<byte[]> queue = queues.get(tag);
        if (posted != null && !posted.claimed && posted.tag == tag && posted.into.remaining() == length
                && (queue == null || queue.isEmpty())) {
            posted.claimed = true;
            return posted;
        }
        return null;
    }

    void deliver(int tag, byte[] message) {
        queues.computeIfAbsent(tag, t -> new ArrayDeque<>()).addLast(message);
        queuedBytes += message.length;
    }

    /** Bytes received but not yet asked for. */
    long queuedBytes() {
        return queuedBytes;
    }
}
