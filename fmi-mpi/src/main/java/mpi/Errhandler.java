package mpi;

/**
 * An error handler: {@link MPI#ERRORS_ARE_FATAL} (the default of every communicator: print the
 * error and abort the job, exit status 1) or {@link MPI#ERRORS_RETURN} (throw the
 * {@link MPIException}). Set with {@link Comm#setErrhandler(Errhandler)}.
 */
public final class Errhandler implements Freeable {
    final boolean fatal;
    private final String name;

    Errhandler(boolean fatal, String name) {
        this.fatal = fatal;
        this.name = name;
    }

    /** Predefined handlers are never freed; this does nothing. */
    @Override
    public void free() {
    }

    /**
     * Whether this is {@code MPI_ERRHANDLER_NULL}; the predefined handlers never are.
     *
     * @return false
     */
    public boolean isNull() {
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
