package mpi;

/** An MPI object that can be freed ({@code MPI_*_FREE}). */
public interface Freeable {
    /**
     * Releases the object.
     *
     * @throws MPIException if it cannot be released
     */
    void free() throws MPIException;
}
