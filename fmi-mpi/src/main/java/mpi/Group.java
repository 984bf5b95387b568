package mpi;

/**
 * A process group ({@code MPI_Group}). Not supported: {@link Comm#getGroup()} throws an
 * {@link MPIException} of class {@link MPI#ERR_UNSUPPORTED_OPERATION}; use {@link Intracomm#split}
 * to make sub-communicators.
 */
public final class Group implements Freeable {
    private Group() {
    }

    @Override
    public void free() {
    }
}
