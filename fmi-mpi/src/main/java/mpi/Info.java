package mpi;

/** An info object ({@code MPI_Info}); only so that programs naming it compile: the calls taking one are not supported. */
public final class Info implements Freeable {
    /**
     * An empty info object.
     *
     * @throws MPIException never
     */
    public Info() throws MPIException {
    }

    @Override
    public void free() {
    }
}
