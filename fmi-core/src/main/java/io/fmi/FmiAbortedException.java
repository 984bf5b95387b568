package io.fmi;

/**
 * A peer called {@link Communicator#abort(String)}: every operation of the job fails with this,
 * carrying who aborted and why. Waiting peers get it within about one heartbeat interval on the
 * storage channels and at once on Direct and Local.
 */
public class FmiAbortedException extends FmiException {
    private static final long serialVersionUID = 1L;

    private final int abortingRank;
    private final String reason;

    public FmiAbortedException(int abortingRank, String reason) {
        super("rank " + abortingRank + " aborted the job: " + reason);
        this.abortingRank = abortingRank;
        this.reason = reason;
    }

    /** {@code cause} with more context in front of its message (which operation saw it). */
    public FmiAbortedException(String message, FmiAbortedException cause) {
        super(message, cause);
        this.abortingRank = cause.abortingRank;
        this.reason = cause.reason;
    }

    /** The rank (in the job's world communicator) that called abort. */
    public int abortingRank() {
        return abortingRank;
    }

    /** The reason it gave. */
    public String reason() {
        return reason;
    }
}
