package io.fmi;

/**
 * A blocking call did not complete before its deadline. The usual causes are a peer that was
 * never started, started with another communicator name or size, crashed, or is much slower than
 * the configured {@code max_timeout} allows.
 */
public class FmiTimeoutException extends FmiException {
    private static final long serialVersionUID = 1L;

    public FmiTimeoutException(String message) {
        super(message);
    }

    public FmiTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
