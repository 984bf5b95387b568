package io.fmi;

/**
 * What a receive or a probe learnt about a message: its source (a rank of the communicator it was
 * received on), its tag and its size. {@code recv} returns one, so that a receive with
 * {@link Communicator#ANY_SOURCE} or {@link Communicator#ANY_TAG} can tell what it got, and a
 * receive into a larger buffer how much arrived.
 *
 * @param source      the sender's rank in the communicator
 * @param tag         the message's tag
 * @param bytes       the message's length in bytes
 * @param elementSize the size of one element of the buffer it was received into (1 for
 *                    {@code byte[]} and {@code ByteBuffer}), or of the buffer a probe was asked about
 * @param cancelled   whether the operation was cancelled ({@link Request#cancel()}) before a message
 *                    matched it (then source, tag and size are -1, -1 and 0)
 */
public record Status(int source, int tag, int bytes, int elementSize, boolean cancelled) {

    /** The status of a completed operation. */
    public Status(int source, int tag, int bytes, int elementSize) {
        this(source, tag, bytes, elementSize, false);
    }

    /** The status of a cancelled operation. */
    static Status cancelledStatus() {
        return new Status(-1, -1, 0, 1, true);
    }

    /** The number of elements received: {@code bytes / elementSize}. */
    public int count() {
        return bytes / elementSize;
    }

    /** The number of elements of {@code elementSize} bytes the message holds (for a probe before a receive). */
    public int count(int elementBytes) {
        return bytes / elementBytes;
    }
}
