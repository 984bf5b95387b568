package io.fmi;

/**
 * A channel's backend failed: a server could not be reached, a request was rejected, or a peer's
 * connection broke. The message names the channel and, where known, the endpoint.
 */
public class ChannelException extends FmiException {
    private static final long serialVersionUID = 1L;

    public ChannelException(String message) {
        super(message);
    }

    public ChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
