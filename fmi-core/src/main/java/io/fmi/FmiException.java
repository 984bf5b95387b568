package io.fmi;

/**
 * Root of every error this library reports. Unchecked: a failed collective is not something a
 * caller can usually recover from locally, and MPI-style code should not be littered with
 * {@code throws} clauses.
 *
 * <p>Messages name the operation, the peer(s) and the channel involved and say what to do. The
 * subclasses separate errors a caller may want to treat differently:
 * <ul>
 *   <li>{@link FmiTimeoutException}: a deadline passed (a peer is late, dead, or never started);</li>
 *   <li>{@link FmiConfigException}: the configuration or builder arguments are invalid;</li>
 *   <li>{@link ChannelException}: a backend failed (connection refused, request rejected);</li>
 *   <li>{@link MessageSizeException}: a received message does not have the size the receiver expected.</li>
 * </ul>
 * Invalid arguments to an operation (wrong root, null buffer, mismatched lengths, a closed
 * communicator) are reported as plain {@code FmiException}.
 */
public class FmiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FmiException(String message) {
        super(message);
    }

    public FmiException(String message, Throwable cause) {
        super(message, cause);
    }
}
