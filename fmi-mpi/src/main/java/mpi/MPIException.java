package mpi;

/**
 * An MPI error: what went wrong (with the rank, peer, operation and channel where known) and its
 * MPI error class ({@link MPI#ERR_TRUNCATE}, {@link MPI#ERR_RANK}, ...). Thrown by every method of
 * this package when the communicator's error handler is {@link MPI#ERRORS_RETURN}; with the default
 * {@link MPI#ERRORS_ARE_FATAL} the error is printed and the job aborted instead, as in Open MPI.
 */
public final class MPIException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final int errorClass;

    /**
     * An error with its code, class and message.
     *
     * @param code    the error code
     * @param clazz   the error class
     * @param message what went wrong
     */
    public MPIException(int code, int clazz, String message) {
        super(message);
        this.errorCode = code;
        this.errorClass = clazz;
    }

    /**
     * An error of class {@link MPI#ERR_OTHER}.
     *
     * @param message what went wrong
     */
    public MPIException(String message) {
        this(MPI.ERR_OTHER, MPI.ERR_OTHER, message);
    }

    /**
     * An error caused by another exception; class {@link MPI#ERR_OTHER}.
     *
     * @param cause what went wrong
     */
    public MPIException(Throwable cause) {
        super(cause.getMessage(), cause);
        this.errorCode = MPI.ERR_OTHER;
        this.errorClass = MPI.ERR_OTHER;
    }

    MPIException(int clazz, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = clazz;
        this.errorClass = clazz;
    }

    /**
     * The error code.
     *
     * @return the code ({@code MPI_ERROR} of a status)
     */
    public int getErrorCode() {
        return errorCode;
    }

    /**
     * The error class ({@code MPI_ERROR_CLASS}).
     *
     * @return one of the {@code MPI.ERR_*} constants
     */
    public int getErrorClass() {
        return errorClass;
    }
}
