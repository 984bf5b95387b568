package io.fmi;

/**
 * A message arrived whose size differs from the buffer the receiver supplied. Messages are never
 * truncated or padded: sender and receiver must agree on buffer lengths, as in MPI.
 */
public class MessageSizeException extends FmiException {
    private static final long serialVersionUID = 1L;

    private final long expectedBytes;
    private final long actualBytes;

    public MessageSizeException(String message, long expectedBytes, long actualBytes) {
        super(message);
        this.expectedBytes = expectedBytes;
        this.actualBytes = actualBytes;
    }

    /** The number of bytes the receiver's buffer holds. */
    public long expectedBytes() {
        return expectedBytes;
    }

    /** The number of bytes the sender sent. */
    public long actualBytes() {
        return actualBytes;
    }
}
