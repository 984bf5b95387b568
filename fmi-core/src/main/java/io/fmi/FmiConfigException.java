package io.fmi;

/**
 * The configuration is invalid. The message names the JSON path of the offending field (for
 * example {@code backends.Redis.port}) or the builder setting, and what a valid value looks like.
 */
public class FmiConfigException extends FmiException {
    private static final long serialVersionUID = 1L;

    public FmiConfigException(String message) {
        super(message);
    }

    public FmiConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
