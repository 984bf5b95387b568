package mpi;

/**
 * A persistent request ({@code MPI_SEND_INIT}/{@code MPI_RECV_INIT}): made once, started any
 * number of times with {@link #start()} and completed like any request. Between runs it is
 * inactive but not null; {@link #free()} ends it.
 */
public final class Prequest extends Request {
    /** Starts one run of the operation. */
    interface Starter {
        Request start() throws MPIException;
    }

    private final Starter starter;
    private boolean freed;

    Prequest(Comm comm, String op, Starter starter) {
        super(comm, op, null, null);
        this.starter = starter;
    }

    /**
     * Starts the operation ({@code MPI_START}).
     *
     * @throws MPIException of class {@link MPI#ERR_REQUEST} if it is still running or was freed
     */
    public void start() throws MPIException {
        MPI.check();
        if (freed || active()) {
            throw comm.fail(op, new MPIException(MPI.ERR_REQUEST, MPI.ERR_REQUEST, op + ": start() on a persistent"
                    + " request that is " + (freed ? "freed" : "still active; complete it first (waitFor/test)")));
        }
        Request run = starter.start();
        core = run.core;
        completion = run.completion;
    }

    /**
     * Starts every request ({@code MPI_STARTALL}).
     *
     * @param requests the persistent requests
     * @throws MPIException if one cannot be started
     */
    public static void startAll(Prequest[] requests) throws MPIException {
        for (Prequest r : requests) {
            r.start();
        }
    }

    @Override
    public void free() {
        super.free();
        freed = true;
    }

    /**
     * Whether the persistent request was freed (between runs it is inactive, not null).
     *
     * @return whether it was freed
     */
    @Override
    public boolean isNull() {
        return freed;
    }
}
